package io.github.djdd.core.source;

/**
 * How the software's repository is reached and exported.
 *
 * @param access the credentials and keys for a private repository
 * @param submodules whether the commit's submodules are fetched (with the same access) and exported
 *     into the src package at the commits it records; otherwise they are left out with a warning
 */
public record SourceOptions(GitAccess access, boolean submodules) {
    /** The build user's own keys and credential stores, no submodules. */
    public static SourceOptions ofUser() {
        return new SourceOptions(GitAccess.ofUser(), false);
    }
}
