package io.github.djdd.core.context;

import io.github.djdd.core.Console;
import io.github.djdd.core.buildroot.RootShell;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.workspace.BuildDir;

/**
 * What every build step of one build shares: where it works, the root it runs commands in, how it
 * writes packages and where it reports.
 */
public record BuildContext(BuildDir buildDir, RootShell root, PackageSettings packages, Console console) {}
