package io.github.djdd.core.workspace;

import java.nio.file.Path;

/**
 * Where the build root of one Debian suite lives: {@code roots/{suite}} in the build dir, with
 * its state, lock and unfinished bootstrap beside it. One build dir holds a root per suite, so
 * one agent builds for several.
 *
 * @param path the bootstrapped system
 * @param suite its Debian codename
 */
public record RootDir(Path path, String suite) {
    /** Where a bootstrap happens before it is complete enough to be called {@link #path()}. */
    public Path inProgress() {
        return path.resolveSibling(suite + ".partial");
    }

    /** What init recorded about the root; present and complete only after a successful init. */
    public Path state() {
        return path.resolveSibling(suite + ".properties");
    }

    /** Serializes changes to the root's installed packages. */
    public Path lock() {
        return path.resolveSibling(suite + ".lock");
    }
}
