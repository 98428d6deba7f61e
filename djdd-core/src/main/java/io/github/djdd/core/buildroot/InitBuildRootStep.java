package io.github.djdd.core.buildroot;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.step.Step;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildLock;
import io.github.djdd.core.workspace.BuildUser;
import io.github.djdd.core.workspace.RootDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates, completes or updates the build root of a suite: bootstrap (only when there is no root
 * yet), its APT sources (the suite, its updates and its security archive), the {@code djdd}
 * group, the schroot definition, the build packages and pending updates. Every piece is checked
 * and only what is missing is done, so a second run on a current root costs three HTTP requests
 * and no apt run, and an interrupted run is finished by the next one. The root is marked complete
 * only at the end.
 */
public final class InitBuildRootStep implements Step<BuildRoot> {
    /** What every env and src build needs in the root. */
    public static final List<String> BUILD_PACKAGES = List.of(
            "python3", "python3-venv", "python3-dev", "build-essential", "git", "ca-certificates");


    private final BuildDir buildDir;
    private final BuildRootOptions options;
    private final ProcessRunner runner;
    private final Console console;

    public InitBuildRootStep(BuildDir buildDir, BuildRootOptions options, Console console) {
        this.buildDir = buildDir;
        this.options = options;
        this.runner = new ProcessRunner(console);
        this.console = console;
    }

    @Override
    public BuildRoot call() throws DjddException {
        if (!BuildUser.isRoot()) {
            throw new DjddException("djdd:init bootstraps a Debian system and writes /etc/schroot: run it as root"
                    + " (for example with sudo); builds can then run as any member of the '"
                    + BuildUser.GROUP + "' group.");
        }
        moveLegacyRoot();
        RootDir dir = buildDir.root(options.suite());
        createRoots();
        try (BuildLock lock = BuildLock.acquire(dir.lock(), "the build root", console)) {
            RootState recorded = RootState.read(dir).orElse(null);
            RootState state = recorded;
            MirrorCheck.Archives archives = MirrorCheck.check(options);
            String sources = sources(archives.updates());
            boolean current = false;
            if (!Files.isDirectory(dir.path())) {
                current = bootstrap(dir, sources);
                state = null;
            } else if (state == null || !state.complete()) {
                console.info("The build root " + dir.path() + " was left unfinished by an earlier init:"
                        + " completing it.");
            }
            boolean changed = writeIfChanged(dir.path().resolve("etc/apt/sources.list"), sources, "rw-r--r--");
            if (changed || state == null || !state.mirror().equals(options.mirror().toString())) {
                state = new RootState(options.suite(), options.mirror().toString(), false,
                        current ? archives.fingerprint() : "");
                state.write(dir);
            }
            BuildRoot root = new BuildRoot(buildDir, dir, runner, console);
            changed |= ensureGroup() | ensureSchroot(dir) | ensurePackageHelper() | ensureSharedFolders(dir);
            changed |= !root.installPackages(BUILD_PACKAGES, "djdd's build packages").isEmpty();
            if (!state.updated().equals(archives.fingerprint())) {
                changed |= upgrade(root);
                state = state.updatedTo(archives.fingerprint());
            }
            changed |= !state.complete();
            if (!state.completed().equals(recorded)) {
                state.completed().write(dir);
            }
            console.info(changed ? "Build root " + dir.path() + " is ready (" + options.suite() + ")."
                    : "Build root " + dir.path() + " is complete and current: nothing to do.");
            return root;
        }
    }

    /** The root's APT sources: the suite, its point-release updates when the mirror has them, its security archive. */
    String sources(boolean updates) {
        StringBuilder sources = new StringBuilder("deb " + options.mirror() + " " + options.suite() + " main\n");
        if (updates) {
            sources.append("deb ").append(options.mirror()).append(' ').append(options.updatesSuite()).append(" main\n");
        }
        options.security().ifPresent(security -> sources.append("deb ").append(security).append(' ')
                .append(options.securitySuite()).append(" main\n"));
        return sources.toString();
    }

    /**
     * Applies pending security and point-release updates, and says which packages changed. Run
     * only when an archive's {@code Release} changed since the last time, so a current root costs
     * the requests of {@link MirrorCheck} and no apt run.
     */
    private boolean upgrade(BuildRoot root) throws DjddException {
        List<String> upgraded = root.upgradePackages();
        if (!upgraded.isEmpty()) {
            console.info("Upgraded in the build root: " + String.join(", ", upgraded) + ".");
        }
        return !upgraded.isEmpty();
    }

    /**
     * Earlier builds of djdd kept one root in {@code root/}; it becomes {@code roots/{suite}} of the
     * suite it holds, with its state, so that its builds go on without a new bootstrap.
     */
    private void moveLegacyRoot() throws DjddException {
        RootDir legacy = buildDir.legacyRoot();
        if (!Files.exists(legacy.path()) && !Files.exists(legacy.state()) && !Files.exists(legacy.inProgress())) {
            return;
        }
        try (BuildLock lock = BuildLock.acquire(legacy.lock(), "the build root", console)) {
            RootState state = RootState.read(legacy).orElse(null);
            runner.check(Command.of("rm", "-rf", "--one-file-system", legacy.inProgress().toString()).quietly());
            if (state == null || !state.complete() || !Files.isDirectory(legacy.path())) {
                console.info("Removing the unfinished build root " + legacy.path() + " of an earlier djdd.");
                runner.check(Command.of("rm", "-rf", "--one-file-system", legacy.path().toString()).quietly());
                Files.deleteIfExists(legacy.state());
            } else {
                RootDir target = buildDir.root(state.suite());
                if (Files.exists(target.path())) {
                    throw new DjddException("The build dir holds two " + state.suite() + " build roots, "
                            + legacy.path() + " of an earlier djdd and " + target.path() + ": delete "
                            + legacy.path() + " and " + legacy.state() + ".");
                }
                createRoots();
                Files.move(legacy.path(), target.path(), StandardCopyOption.ATOMIC_MOVE);
                Files.move(legacy.state(), target.state(), StandardCopyOption.ATOMIC_MOVE);
                console.info("Moved the build root of an earlier djdd from " + legacy.path() + " to "
                        + target.path() + ".");
            }
            Files.deleteIfExists(SchrootConfig.DIR.resolve(SchrootConfig.legacyNameFor(buildDir)));
        } catch (IOException e) {
            throw new DjddException("Cannot move the build root " + legacy.path() + " of an earlier djdd ("
                    + e.getMessage() + "): check the build dir.", e);
        }
        try {
            Files.deleteIfExists(legacy.lock());
        } catch (IOException e) {
            console.warn("Cannot delete " + legacy.lock() + " (" + e.getMessage() + "); it is no longer used.");
        }
    }

    /** The roots' folder belongs to root and is not group-writable: builds never swap a root. */
    private void createRoots() throws DjddException {
        try {
            Files.createDirectories(buildDir.roots());
        } catch (IOException e) {
            throw new DjddException("Cannot create " + buildDir.roots() + " (" + e.getMessage()
                    + "): check the build dir.", e);
        }
    }

    /** @return whether the new root is current with every source (nothing left to upgrade) */
    private boolean bootstrap(RootDir dir, String sources) throws DjddException {
        Path partial = dir.inProgress();
        if (Files.exists(partial)) {
            console.info("Removing " + partial + " left by an interrupted bootstrap.");
            runner.check(Command.of("rm", "-rf", "--one-file-system", partial.toString()));
        }
        Bootstrap tool = Bootstrap.detect();
        console.info("Bootstrapping Debian " + options.suite() + " from " + options.mirror() + " into "
                + dir.path() + " with " + tool.tool() + ".");
        runner.check(tool.command(options, BUILD_PACKAGES, partial, sources.lines().toList()));
        preventServiceStarts(partial);
        try {
            Files.move(partial, dir.path(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DjddException("Cannot move " + partial + " to " + dir.path() + " (" + e.getMessage()
                    + "): check the build dir.", e);
        }
        return tool.fromAllSources();
    }

    /** Packages installed into the root must not start daemons on the build host. */
    private static void preventServiceStarts(Path root) throws DjddException {
        writeIfChanged(root.resolve("usr/sbin/policy-rc.d"), "#!/bin/sh\n# djdd build root: never start services.\nexit 101\n",
                "rwxr-xr-x");
    }

    private boolean ensureGroup() throws DjddException {
        if (runner.run(Command.of("getent", "group", BuildUser.GROUP).quietly()).succeeded()) {
            return false;
        }
        List<String> argv = new ArrayList<>(Host.which("addgroup").isPresent()
                ? List.of("addgroup", "--system", BuildUser.GROUP)
                : List.of("groupadd", "--system", BuildUser.GROUP));
        runner.check(Command.of(argv).withTimeout(Duration.ofMinutes(1)));
        console.info("Created the system group '" + BuildUser.GROUP + "': add build users to it to let them"
                + " use the build root.");
        return true;
    }

    /**
     * The folders and lock files builds write, owned by group {@code djdd} and group-writable
     * (setgid folders, so new files join the group too): any member can build, not only root.
     */
    private boolean ensureSharedFolders(RootDir dir) throws DjddException {
        boolean changed = false;
        try {
            for (Path folder : List.of(buildDir.packages(), buildDir.sources(), buildDir.cache(), buildDir.locks(),
                    buildDir.work(), buildDir.venvs(), buildDir.builds())) {
                Files.createDirectories(folder);
                changed |= share(folder, "2775");
            }
            // The suites' records of earlier builds, which root's builds may have made before the sharing.
            try (var suites = Files.list(buildDir.builds())) {
                for (Path folder : suites.filter(Files::isDirectory).toList()) {
                    changed |= share(folder, "2775");
                }
            }
            changed |= share(dir.lock(), "0664");
        } catch (IOException e) {
            throw new DjddException("Cannot create the folders of " + buildDir.path() + " (" + e.getMessage()
                    + "): check the build dir.", e);
        }
        return changed;
    }

    private boolean share(Path path, String mode) throws IOException, DjddException {
        int wanted = Integer.parseInt(mode, 8);
        boolean right = ((int) Files.getAttribute(path, "unix:mode") & 07777) == wanted
                && Files.getAttribute(path, "posix:group").toString().equals(BuildUser.GROUP);
        if (!right) {
            runner.check(Command.of("chgrp", BuildUser.GROUP, path.toString()).quietly());
            runner.check(Command.of("chmod", mode, path.toString()).quietly());
        }
        return !right;
    }

    /**
     * The {@link PackageHelper} and the sudo rule that lets the group run it; the rule only when
     * sudo is installed, and only after {@code visudo} accepted it (a broken file in
     * {@code /etc/sudoers.d} would break sudo for everyone).
     */
    private boolean ensurePackageHelper() throws DjddException {
        boolean changed = writeIfChanged(PackageHelper.SCRIPT, PackageHelper.script(), "rwxr-xr-x");
        Path sudoers = PackageHelper.SUDOERS;
        if (Host.which("visudo").isEmpty() || !Files.isDirectory(sudoers.getParent())) {
            console.warn("sudo is not installed, so members of '" + BuildUser.GROUP + "' cannot install the Debian"
                    + " packages a project lists into the build root (root's builds can): apt-get install sudo,"
                    + " then run djdd:init again.");
            return changed;
        }
        try {
            if (Files.isRegularFile(sudoers) && Files.readString(sudoers, StandardCharsets.UTF_8)
                    .equals(PackageHelper.sudoers())) {
                return changed;
            }
            // sudo reads no file of /etc/sudoers.d whose name has a dot: the check's own file is inert.
            Path check = sudoers.resolveSibling(".djdd-check");
            Files.writeString(check, PackageHelper.sudoers(), StandardCharsets.UTF_8);
            try {
                runner.check(Command.of("visudo", "--check", "--quiet", "--file", check.toString()).quietly());
            } finally {
                Files.deleteIfExists(check);
            }
        } catch (IOException e) {
            throw new DjddException("Cannot write " + sudoers + " (" + e.getMessage() + "): check its permissions.", e);
        }
        writeIfChanged(sudoers, PackageHelper.sudoers(), "r--r-----");
        console.info("Wrote " + sudoers + ": members of '" + BuildUser.GROUP + "' install the Debian packages"
                + " their projects list into the build roots through " + PackageHelper.SCRIPT + ", and nothing else.");
        return true;
    }

    private boolean ensureSchroot(RootDir dir) throws DjddException {
        Path file = SchrootConfig.DIR.resolve(SchrootConfig.nameFor(buildDir, dir.suite()));
        boolean changed = writeIfChanged(file, SchrootConfig.render(buildDir, dir), "rw-r--r--");
        if (changed) {
            console.info("Wrote " + file + ": members of '" + BuildUser.GROUP + "' enter the root with 'schroot -c "
                    + SchrootConfig.nameFor(buildDir, dir.suite()) + "'.");
            if (Host.which("schroot").isEmpty()) {
                console.warn("schroot is not installed, so 'schroot -c NAME' does not open the build root for a look"
                        + " inside (builds do not need it): apt-get install schroot.");
            }
        }
        return changed;
    }

    /** Writes through a temporary file and a rename; returns whether the content changed. */
    static boolean writeIfChanged(Path file, String content, String permissions) throws DjddException {
        try {
            if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
                return false;
            }
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling("." + file.getFileName() + ".djdd-tmp");
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(permissions));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        } catch (IOException e) {
            throw new DjddException("Cannot write " + file + " (" + e.getMessage() + "): check its permissions.", e);
        }
    }
}
