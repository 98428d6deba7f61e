package io.github.djdd.core.source;

import java.time.Instant;

/**
 * A ref resolved to one commit.
 *
 * @param ref what was asked for (a branch, tag or commit), or the default branch
 * @param id the full commit id, 40 lowercase hex digits
 * @param time the committer time, the timestamp of everything built from the commit
 */
public record ResolvedCommit(String ref, String id, Instant time) {
    /** The first 12 digits of the id: the src package's {@code srchash}. */
    public String shortId() {
        return id.substring(0, 12);
    }
}
