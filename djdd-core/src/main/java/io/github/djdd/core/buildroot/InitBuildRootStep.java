package io.github.djdd.core.buildroot;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.step.Step;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildLock;
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
 * Creates or completes the build root: bootstrap (only when there is no root yet), the
 * {@code djdd} group, the schroot definition and the build packages. Every piece is checked and
 * only what is missing is done, so a second run on a complete root takes a second or two and an
 * interrupted run is finished by the next one. The root is marked complete only at the end.
 */
public final class InitBuildRootStep implements Step<BuildRoot> {
    /** What every env and src build needs in the root. */
    public static final List<String> BUILD_PACKAGES = List.of(
            "python3", "python3-venv", "python3-dev", "build-essential", "git", "ca-certificates");

    static final Path SCHROOT_DIR = Path.of("/etc/schroot/chroot.d");

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
        if (!Host.isRoot()) {
            throw new DjddException("djdd:init bootstraps a Debian system and writes /etc/schroot: run it as root"
                    + " (for example with sudo); builds can then run as any member of the '"
                    + SchrootConfig.GROUP + "' group.");
        }
        try (BuildLock lock = BuildLock.acquire(buildDir.rootLock(), "the build root", console)) {
            RootState state = RootState.read(buildDir).orElse(null);
            if (state != null && !state.suite().equals(options.suite()) && Files.isDirectory(buildDir.root())) {
                throw new InvalidConfigurationException("suite", "The build root " + buildDir.root() + " holds "
                        + state.suite() + " but the suite is " + options.suite() + ": use another -Ddjdd.buildDir,"
                        + " or delete " + buildDir.root() + " and " + buildDir.rootState() + " to bootstrap again.");
            }
            if (!Files.isDirectory(buildDir.root())) {
                bootstrap();
                state = null;
            } else if (state == null || !state.complete()) {
                console.info("The build root " + buildDir.root() + " was left unfinished by an earlier init:"
                        + " completing it.");
            }
            if (state == null || !state.mirror().equals(options.mirror().toString())) {
                state = new RootState(options.suite(), options.mirror().toString(), false);
                writeSources();
                state.write(buildDir);
            }
            BuildRoot root = new BuildRoot(buildDir, options.suite(), runner, console);
            boolean changed = ensureGroup() | ensureSchroot() | ensureSharedFolders();
            changed |= !root.installPackages(BUILD_PACKAGES, "djdd's build packages").isEmpty();
            if (!state.complete()) {
                state.completed().write(buildDir);
                changed = true;
            }
            console.info(changed ? "Build root " + buildDir.root() + " is ready (" + options.suite() + ")."
                    : "Build root " + buildDir.root() + " is complete: nothing to do.");
            return root;
        }
    }

    private void bootstrap() throws DjddException {
        MirrorCheck.check(options);
        Path partial = buildDir.rootInProgress();
        if (Files.exists(partial)) {
            console.info("Removing " + partial + " left by an interrupted bootstrap.");
            runner.check(Command.of("rm", "-rf", "--one-file-system", partial.toString()));
        }
        Bootstrap tool = Bootstrap.detect();
        console.info("Bootstrapping Debian " + options.suite() + " from " + options.mirror() + " into "
                + buildDir.root() + " with " + tool.tool() + ".");
        runner.check(tool.command(options, BUILD_PACKAGES, partial));
        preventServiceStarts(partial);
        try {
            Files.move(partial, buildDir.root(), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DjddException("Cannot move " + partial + " to " + buildDir.root() + " (" + e.getMessage()
                    + "): check the build dir.", e);
        }
    }

    /** Packages installed into the root must not start daemons on the build host. */
    private static void preventServiceStarts(Path root) throws DjddException {
        writeIfChanged(root.resolve("usr/sbin/policy-rc.d"), "#!/bin/sh\n# djdd build root: never start services.\nexit 101\n",
                "rwxr-xr-x");
    }

    private void writeSources() throws DjddException {
        writeIfChanged(buildDir.root().resolve("etc/apt/sources.list"),
                "deb " + options.mirror() + " " + options.suite() + " main\n", "rw-r--r--");
    }

    private boolean ensureGroup() throws DjddException {
        if (runner.run(Command.of("getent", "group", SchrootConfig.GROUP).quietly()).succeeded()) {
            return false;
        }
        List<String> argv = new ArrayList<>(Host.which("addgroup").isPresent()
                ? List.of("addgroup", "--system", SchrootConfig.GROUP)
                : List.of("groupadd", "--system", SchrootConfig.GROUP));
        runner.check(Command.of(argv).withTimeout(Duration.ofMinutes(1)));
        console.info("Created the system group '" + SchrootConfig.GROUP + "': add build users to it to let them"
                + " use the build root.");
        return true;
    }

    /**
     * The folders and lock files builds write, owned by group {@code djdd} and group-writable
     * (setgid folders, so new files join the group too): any member can build, not only root.
     */
    private boolean ensureSharedFolders() throws DjddException {
        boolean changed = false;
        try {
            for (Path folder : List.of(buildDir.packages(), buildDir.sources(), buildDir.cache(), buildDir.locks(),
                    buildDir.work())) {
                Files.createDirectories(folder);
                changed |= share(folder, "2775");
            }
            changed |= share(buildDir.rootLock(), "0664");
        } catch (IOException e) {
            throw new DjddException("Cannot create the folders of " + buildDir.path() + " (" + e.getMessage()
                    + "): check the build dir.", e);
        }
        return changed;
    }

    private boolean share(Path path, String mode) throws IOException, DjddException {
        int wanted = Integer.parseInt(mode, 8);
        boolean right = ((int) Files.getAttribute(path, "unix:mode") & 07777) == wanted
                && Files.getAttribute(path, "posix:group").toString().equals(SchrootConfig.GROUP);
        if (!right) {
            runner.check(Command.of("chgrp", SchrootConfig.GROUP, path.toString()).quietly());
            runner.check(Command.of("chmod", mode, path.toString()).quietly());
        }
        return !right;
    }

    private boolean ensureSchroot() throws DjddException {
        Path file = SCHROOT_DIR.resolve(SchrootConfig.nameFor(buildDir));
        boolean changed = writeIfChanged(file, SchrootConfig.render(buildDir, options.suite()), "rw-r--r--");
        if (changed) {
            console.info("Wrote " + file + ": members of '" + SchrootConfig.GROUP + "' enter the root with 'schroot -c "
                    + SchrootConfig.nameFor(buildDir) + "'.");
            if (Host.which("schroot").isEmpty()) {
                console.warn("schroot is not installed, so only root can use the build root:"
                        + " apt-get install schroot.");
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
