package io.github.djdd.core.buildroot;

import java.nio.file.Path;

/**
 * A host folder made visible inside the build root for one command, for example a {@code file://}
 * pip index. It lives only in the command's private mount namespace.
 *
 * @param host the folder on the build host
 * @param target absolute path inside the root
 * @param readOnly whether the command may write to it
 */
public record BindMount(Path host, String target, boolean readOnly) {
    public BindMount {
        host = host.toAbsolutePath().normalize();
        if (!target.startsWith("/") || target.contains("/../") || target.endsWith("/..")) {
            throw new IllegalArgumentException("A bind mount target must be an absolute path inside the root: " + target);
        }
    }

    /** The same folder at the same path inside the root, read-only: URLs that name it keep working. */
    public static BindMount sameReadOnly(Path host) {
        Path absolute = host.toAbsolutePath().normalize();
        return new BindMount(absolute, absolute.toString(), true);
    }
}
