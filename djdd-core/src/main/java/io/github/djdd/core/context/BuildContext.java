package io.github.djdd.core.context;

import io.github.djdd.core.Console;
import io.github.djdd.core.buildroot.RootShell;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.store.PackageStore;
import io.github.djdd.core.store.PackageSource;
import io.github.djdd.core.workspace.BuildDir;
import java.util.Optional;

/**
 * What every build step of one build shares: where it works, the root it runs commands in, how it
 * writes packages, where it reports, and the repository it may take packages from.
 */
public record BuildContext(BuildDir buildDir, RootShell root, PackageSettings packages, Console console,
        Optional<PackageSource> remote) {
    public BuildContext(BuildDir buildDir, RootShell root, PackageSettings packages, Console console) {
        this(buildDir, root, packages, console, Optional.empty());
    }

    /** Where env and src packages are kept: the build dir's, fed from the remote repository when there is one. */
    public PackageStore store() {
        return new PackageStore(buildDir, console, remote);
    }
}
