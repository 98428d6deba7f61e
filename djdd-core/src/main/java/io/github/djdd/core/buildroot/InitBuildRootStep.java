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
import java.nio.file.LinkOption;
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
            changed |= ensureGroup() | ensureSchroot(dir) | ensurePackageHelper() | ensureFolders(dir);
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
     * Root's own folders of the build dir, root's alone ({@link #takeBack}); {@code users/}, where
     * each member of the {@code djdd} group makes a build dir of its own (root's, group
     * {@code djdd}, writable for the group with the sticky bit: a member creates its own folder
     * and touches no one else's); the root's lock file, which members' package installs take.
     * Nothing is done through a path a member can change.
     */
    private boolean ensureFolders(RootDir dir) throws DjddException {
        boolean changed = false;
        try {
            for (String name : BuildDir.OWN_FOLDERS) {
                changed |= takeBack(buildDir.path().resolve(name));
            }
            int djdd = djddGid();
            changed |= own(buildDir.users(), true, djdd, 01770);
            changed |= own(dir.lock(), false, djdd, 0664);
        } catch (IOException e) {
            throw new DjddException("Cannot prepare the folders of " + buildDir.path() + " (" + e.getMessage()
                    + "): check the build dir.", e);
        }
        return changed;
    }

    /**
     * Makes one of root's folders root's alone, as earlier djdd shared them with the group:
     * a link in its place goes; the folder becomes root's, mode 0755, before anything in it is
     * looked at, so no one can add to it meanwhile; then whatever another user owns in it goes
     * (whole clones, caches and virtualenvs, if anything in them is another's), and every folder
     * in it that was writable for others is handled the same way. Never follows a link.
     *
     * @return whether anything changed
     */
    private boolean takeBack(Path folder) throws IOException, DjddException {
        if (Files.isSymbolicLink(folder)) {
            Files.delete(folder);
        }
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(folder);
            own(folder, true, 0, 0755);
            return true;
        }
        if (BuildDir.others(folder, 0) == null && group(folder) == 0) {
            return false;
        }
        List<String> removed = new ArrayList<>();
        boolean whole = List.of("sources", "cache", "venvs").contains(folder.getFileName().toString());
        takeBack(folder, whole, removed);
        console.warn("Took " + folder + " back for root's builds (an earlier djdd shared it with the '"
                + BuildUser.GROUP + "' group)" + (removed.isEmpty() ? "." : "; removed what others wrote there: "
                + String.join(", ", removed) + "."));
        return true;
    }

    private void takeBack(Path folder, boolean whole, List<String> removed) throws IOException, DjddException {
        own(folder, true, 0, 0755);
        List<Path> entries;
        try (var listed = Files.list(folder)) {
            entries = listed.sorted().toList();
        }
        for (Path entry : entries) {
            boolean foreign = (int) Files.getAttribute(entry, "unix:uid", LinkOption.NOFOLLOW_LINKS) != 0;
            if (foreign || (whole && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && hasForeign(entry))) {
                // GNU rm opens each folder relative to its parent without following links: safe while
                // others may still write inside.
                runner.check(Command.of("rm", "-rf", "--one-file-system", "--", entry.toString()).quietly());
                removed.add(buildDir.path().relativize(entry).toString());
            } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                if ((mode(entry) & 022) != 0 || group(entry) != 0) {
                    takeBack(entry, false, removed);
                }
            } else if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) && (mode(entry) & 022) != 0) {
                Files.setAttribute(entry, "unix:mode", mode(entry) & ~022, LinkOption.NOFOLLOW_LINKS);
            }
        }
    }

    /** Whether a tree holds anything that is not root's, looked at without following links. */
    private boolean hasForeign(Path tree) throws DjddException {
        return !runner.check(Command.of("find", tree.toString(), "-xdev", "!", "-uid", "0", "-print", "-quit")
                .quietly()).output().isEmpty();
    }

    /**
     * Gives a folder or file to root and {@code gid} with {@code mode}, without following links;
     * a link or the wrong kind of file in its place is replaced.
     *
     * @return whether anything changed
     */
    private static boolean own(Path path, boolean directory, int gid, int mode) throws IOException {
        boolean exists = Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        if (!exists || Files.isSymbolicLink(path) || directory != Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            if (exists) {
                Files.delete(path);
            }
            if (directory) {
                Files.createDirectory(path);
            } else {
                Files.createFile(path);
            }
        }
        boolean right = (int) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == 0
                && group(path) == gid && (mode(path) & 07777) == mode;
        if (!right) {
            Files.setAttribute(path, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        }
        return !right;
    }

    private int djddGid() throws DjddException {
        String line = runner.check(Command.of("getent", "group", BuildUser.GROUP).quietly()).output().get(0);
        return Integer.parseInt(line.split(":")[2]);
    }

    private static int mode(Path path) throws IOException {
        return (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static int group(Path path) throws IOException {
        return (int) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
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
