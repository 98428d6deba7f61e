package io.github.djdd.core.store;

import java.nio.file.Path;

/**
 * A package in {@code packages/}.
 *
 * @param name the package name
 * @param file the .deb
 * @param reused whether an earlier build made it
 */
public record BuiltPackage(String name, Path file, boolean reused) {}
