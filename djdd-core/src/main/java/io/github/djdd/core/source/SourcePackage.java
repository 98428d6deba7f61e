package io.github.djdd.core.source;

import io.github.djdd.core.store.BuiltPackage;

/** A src package in {@code packages/} and where it installs. */
public record SourcePackage(SourceLayout layout, BuiltPackage deb) {}
