package io.github.djdd.core.store;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A package in {@code packages/} and how this build got it.
 *
 * @param name the package name
 * @param file the .deb
 * @param reused whether an earlier build made it (here, or where it was downloaded from)
 * @param downloadedFrom the repository it was taken from instead of being built
 * @param time how long this build spent getting it (building, checking or downloading)
 */
public record BuiltPackage(String name, Path file, boolean reused, Optional<URI> downloadedFrom, Duration time) {
    /** A package this build made ({@code reused} false) or found in {@code packages/}. */
    public BuiltPackage(String name, Path file, boolean reused) {
        this(name, file, reused, Optional.empty(), Duration.ZERO);
    }

    /** A package taken from the repository at {@code url} instead of being built. */
    public static BuiltPackage downloaded(String name, Path file, URI url) {
        return new BuiltPackage(name, file, true, Optional.of(url), Duration.ZERO);
    }

    /** The same package, got in {@code time}. */
    public BuiltPackage timed(Duration time) {
        return new BuiltPackage(name, file, reused, downloadedFrom, time);
    }
}
