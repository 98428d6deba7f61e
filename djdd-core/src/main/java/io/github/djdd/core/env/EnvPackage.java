package io.github.djdd.core.env;

import io.github.djdd.core.store.BuiltPackage;

/** An env package in {@code packages/} and where it installs. */
public record EnvPackage(EnvLayout layout, BuiltPackage deb) {}
