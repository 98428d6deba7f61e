package io.github.djdd.core.store;

import io.github.djdd.core.DjddException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** Somewhere a package the build dir lacks may be taken from instead of built: another agent's repository. */
public interface PackageSource {
    /** Where the packages come from, for the log. */
    URI url();

    /**
     * Puts the package {@code name} into the build dir's {@code packages/}, with its checksum file.
     *
     * @return the package file, or empty when the source does not have it
     */
    Optional<Path> fetch(String name) throws DjddException;
}
