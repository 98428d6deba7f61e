package io.github.djdd.core.buildroot;

import com.sun.security.auth.module.UnixSystem;
import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandFailedException;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildLock;
import io.github.djdd.core.workspace.BuildUser;
import io.github.djdd.core.workspace.RootDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bootstrapped Debian system that packages are built in.
 *
 * <p>A command enters it with {@code chroot} inside private mount and PID namespaces:
 * {@code /proc}, {@code /sys} and {@code /dev} and any {@link BindMount}s exist only in those
 * namespaces, so they vanish with the command however it ends (exit, timeout, Ctrl-C, SIGKILL of
 * the build: the namespace is killed with the JVM) and never pile up on the host.
 *
 * <p>Root enters the root itself. Any other user (a member of the {@code djdd} group, such as a
 * Jenkins agent's) enters in a user namespace of its own, where it is root over nothing but its
 * own files, on an overlay whose lower layer is the root and whose upper layer is a scratch
 * folder of the build: what the command writes outside its bind mounts is gone with it, the root
 * stays as {@code djdd:init} left it, and the command reaches no file its user could not reach
 * anyway. Such a user changes the root's packages only through the helper {@code djdd:init}
 * installs for sudo ({@link PackageHelper}).
 */
public final class BuildRoot implements RootShell {
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * Mounts an overlay of the root when a scratch folder is given (its {@code upper}, {@code work}
     * and {@code merged} folders made, the binds' mount points made in {@code upper}), {@code /proc},
     * then for djdd's own commands ({@code host}) the host's {@code /sys} and {@code /dev}, for the
     * sandbox ({@code sandbox}, {@code loopback}) a minimal {@code /dev} of its own, no
     * {@code /sys} and a private {@code /tmp} (and, for {@code loopback}, the loopback interface of
     * the command's network namespace up), then the bind mounts given as (host, target, ro|rw)
     * triples up to a "--"; then chroots into the command after it, or for the sandbox pivots the
     * mount namespace's root to it, leaving no way back to the host's files, and runs it.
     */
    static final String ENTER = """
            set -e
            root=$1; scratch=$2; mode=$3; overlay=$4; shift 4
            umask 022
            if [ -n "$scratch" ]; then
              mount -t overlay overlay -o "lowerdir=$root,upperdir=$scratch/upper,workdir=$scratch/work$overlay" \\
                "$scratch/merged"
              root=$scratch/merged
            fi
            mount -t proc -o nosuid,nodev proc "$root/proc"
            if [ "$mode" = host ]; then
              mount --rbind /sys "$root/sys"
              mount --rbind /dev "$root/dev"
              if [ -f /etc/resolv.conf ] && [ -f "$root/etc/resolv.conf" ]; then
                mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
              fi
            else
              mount -t tmpfs -o mode=0755,nosuid,noexec,size=64k tmpfs "$root/dev"
              for node in null zero full random urandom tty; do
                : > "$root/dev/$node"
                mount --bind "/dev/$node" "$root/dev/$node"
              done
              mkdir "$root/dev/pts" "$root/dev/shm"
              mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,nosuid,noexec devpts "$root/dev/pts"
              mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
              ln -s pts/ptmx "$root/dev/ptmx"
              ln -s /proc/self/fd "$root/dev/fd"
              ln -s /proc/self/fd/0 "$root/dev/stdin"
              ln -s /proc/self/fd/1 "$root/dev/stdout"
              ln -s /proc/self/fd/2 "$root/dev/stderr"
              mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"
              if [ "$mode" = loopback ]; then
                ip link set lo up
              fi
            fi
            while [ "$1" != -- ]; do
              mkdir -p "$root$2"
              mount --bind "$1" "$root$2"
              if [ "$3" = ro ]; then mount -o remount,bind,ro "$root$2"; fi
              shift 3
            done
            shift
            if [ "$mode" = host ]; then
              exec chroot "$root" "$@"
            fi
            cd "$root"
            pivot_root . mnt
            cd /
            umount -l /mnt
            exec "$@"
            """;

    /** The uid and gid that code runs as in the sandbox's own user namespace. */
    static final int SANDBOX_ID = 1000;

    /**
     * Fails, naming it, on the first of its arguments that is not exactly the name of a package in
     * the root's APT lists: apt-get and apt-cache read a name that is no package's as a pattern
     * ({@code python3.1.} is every python3.1x package, {@code c++} a few hundred), and a purely
     * virtual name as whichever package provides it. Run after {@code apt-get update}, before
     * {@code apt-get install}: by {@link #installPackages} as root, and by the {@link PackageHelper}.
     */
    static final String KNOWN_EXACTLY = """
            for package in "$@"; do
              found=$(apt-cache show --no-all-versions -- "$package" 2>/dev/null | sed -n 's/^Package: //p' | sort -u)
              if [ "$found" != "${package%%:*}" ]; then
                echo "'$package' is no package of the build root's APT sources" >&2
                exit 2
              fi
            done
            """;

    private static final Pattern PYTHON_LINK = Pattern.compile("(?:/usr/bin/)?python(3\\.[0-9]+)");

    private static final Pattern UNKNOWN_PACKAGE = Pattern.compile("^(?:E: (?:Unable to locate package (\\S+)"
            + "|Package '?([^ ']+?)'? has no installation candidate)|'(\\S+)' is no package of the build root's APT)");

    /** apt-get options for installs and upgrades without questions, keeping configuration files as they are. */
    static final List<String> UNATTENDED = List.of("--yes", "--no-install-recommends", "-o",
            "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold");

    private final BuildDir buildDir;
    private final RootDir dir;
    private final String schrootName;
    private final ProcessRunner runner;
    private final Console console;

    BuildRoot(BuildDir buildDir, RootDir dir, ProcessRunner runner, Console console) {
        this.buildDir = buildDir;
        this.dir = dir;
        this.schrootName = SchrootConfig.nameFor(buildDir, dir.suite());
        this.runner = runner;
        this.console = console;
    }

    /**
     * The root of {@code suite} in a build dir, once {@code djdd:init} completed it.
     *
     * @throws DjddException naming {@code djdd:init} with the suite when the root is missing or unfinished
     */
    public static BuildRoot open(BuildDir buildDir, String suite, ProcessRunner runner, Console console)
            throws DjddException {
        BuildUser.requireMember("djdd:build");
        RootDir dir = buildDir.root(suite);
        RootState state = RootState.read(dir).orElse(null);
        if (state == null || !state.complete() || !state.suite().equals(suite) || !Files.isDirectory(dir.path())) {
            String init = "run 'mvn djdd:init -Ddjdd.suite=" + suite + "' (as root) with the same -Ddjdd.buildDir";
            if (Files.isDirectory(buildDir.legacyRoot().path())) {
                throw new DjddException("The build dir " + buildDir.path() + " holds its build root in the layout of an"
                        + " earlier djdd (" + buildDir.legacyRoot().path() + "): " + init + " once to move it to "
                        + dir.path() + ".");
            }
            List<String> others = completeSuites(buildDir);
            throw new DjddException("The build dir " + buildDir.path() + " has no complete " + suite + " build root"
                    + (others.isEmpty() ? "" : " (it has " + String.join(", ", others) + ")") + ": " + init + " first"
                    + (others.isEmpty() ? "." : ", or build for " + String.join(" or ", others)
                            + " with -Ddjdd.suite."));
        }
        return new BuildRoot(buildDir, dir, runner, console);
    }

    /** The suites whose roots init completed in {@code buildDir}, sorted. */
    static List<String> completeSuites(BuildDir buildDir) throws DjddException {
        if (!Files.isDirectory(buildDir.roots())) {
            return List.of();
        }
        List<String> suites = new ArrayList<>();
        try (var files = Files.list(buildDir.roots())) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".properties")) {
                    String suite = name.substring(0, name.length() - ".properties".length());
                    RootDir other = buildDir.root(suite);
                    if (Files.isDirectory(other.path())
                            && RootState.read(other).map(RootState::complete).orElse(false)) {
                        suites.add(suite);
                    }
                }
            }
        } catch (IOException e) {
            throw new DjddException("Cannot list " + buildDir.roots() + " (" + e.getMessage() + "): check the build"
                    + " dir.", e);
        }
        return suites;
    }

    /**
     * Checks that the packages {@code djdd:init} installed are still there; read from dpkg's
     * status file, so that it costs no process.
     *
     * @throws DjddException naming the missing packages and {@code djdd:init}
     */
    public void requireBuildPackages() throws DjddException {
        List<String> removed = notInstalled(path(), InitBuildRootStep.BUILD_PACKAGES);
        if (!removed.isEmpty()) {
            throw new DjddException("The build root " + path() + " lacks " + String.join(", ", removed)
                    + ", which djdd:init installed: run 'mvn djdd:init -Ddjdd.suite=" + suite() + "' (as root) with the same"
                    + " -Ddjdd.buildDir"
                    + " to put it back.");
        }
    }

    /** The packages of {@code names} that dpkg's status file in {@code root} does not show as installed. */
    static List<String> notInstalled(Path root, List<String> names) throws DjddException {
        Map<String, String> installed = installedVersions(root);
        return names.stream().filter(name -> !installed.containsKey(name)).toList();
    }

    /** Each installed package of {@code root} with its version, from dpkg's status file. */
    static Map<String, String> installedVersions(Path root) throws DjddException {
        Path status = root.resolve("var/lib/dpkg/status");
        Map<String, String> installed = new HashMap<>();
        try {
            String name = null;
            String version = null;
            boolean isInstalled = false;
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.isEmpty()) {
                    if (name != null && isInstalled) {
                        installed.put(name, version == null ? "" : version);
                    }
                    name = null;
                    version = null;
                    isInstalled = false;
                } else if (line.startsWith("Package: ")) {
                    name = line.substring("Package: ".length()).strip();
                } else if (line.startsWith("Version: ")) {
                    version = line.substring("Version: ".length()).strip();
                } else if (line.startsWith("Status: ")) {
                    isInstalled = line.endsWith(" installed");
                }
            }
            if (name != null && isInstalled) {
                installed.put(name, version == null ? "" : version);
            }
        } catch (IOException e) {
            throw new DjddException("Cannot read " + status + " (" + e.getMessage() + "): the build root is damaged;"
                    + " run 'mvn djdd:init' (as root) with the same -Ddjdd.buildDir to repair it.", e);
        }
        return installed;
    }

    @Override
    public String suite() {
        return dir.suite();
    }

    @Override
    public Path path() {
        return dir.path();
    }

    /** The schroot chroot name non-root users enter the root with ({@code schroot -c NAME}). */
    public String schrootName() {
        return schrootName;
    }

    @Override
    public CommandResult run(RootCommand command) throws DjddException {
        return enter(command, false);
    }

    @Override
    public CommandResult check(RootCommand command) throws DjddException {
        return enter(command, true);
    }

    private CommandResult enter(RootCommand command, boolean check) throws DjddException {
        Path scratch = BuildUser.isRoot() && !command.isSandboxed() ? null : overlay(command);
        try {
            Command host = hostCommand(command, scratch);
            return check ? runner.check(host) : runner.run(host);
        } finally {
            BuildDir.deleteQuietly(scratch);
        }
    }

    /**
     * A fresh scratch folder for the overlay of {@link #ENTER}: every command of a build user, and
     * root's sandboxed ones, so that no command but root's own changes the root.
     */
    private Path overlay(RootCommand command) throws DjddException {
        Path scratch = buildDir.workFolder("root");
        try {
            BuildDir.deleteTree(scratch);
            Files.createDirectories(scratch);
            // In the user namespace only the user's own group exists: overlayfs refuses a work folder of
            // another group (the djdd group, which the shared folder's setgid bit would hand down).
            Files.setAttribute(scratch, "unix:gid", (int) new UnixSystem().getGid());
            Files.createDirectories(scratch.resolve("work"));
            Files.createDirectories(scratch.resolve("merged"));
            // The upper layer's own folders are the user's, so the command may write there: its home,
            // and the binds' mount points, which the root's folders (root's) would refuse. The home is
            // opaque: overlayfs would read root's own (mode 0700) with the user's rights, and fail.
            Path home = Files.createDirectories(scratch.resolve("upper/root"));
            Files.getFileAttributeView(home, UserDefinedFileAttributeView.class)
                    .write("overlay.opaque", StandardCharsets.US_ASCII.encode("y"));
            for (BindMount bind : command.binds()) {
                Files.createDirectories(scratch.resolve("upper").resolve(bind.target().substring(1)));
            }
        } catch (IOException e) {
            throw new DjddException("Cannot prepare " + scratch + " to enter the build root (" + e.getMessage()
                    + "): check that " + buildDir.work() + " is writable for " + System.getProperty("user.name")
                    + " (djdd:init makes it writable for the '" + BuildUser.GROUP + "' group).", e);
        }
        return scratch;
    }

    Command hostCommand(RootCommand command, Path scratch) {
        return hostCommand(command, scratch, BuildUser.isRoot());
    }

    /** @param root whether root runs the build, else a member of the {@code djdd} group */
    Command hostCommand(RootCommand command, Path scratch, boolean root) {
        List<String> argv = new ArrayList<>(Bootstrap.ISOLATED);
        if (!root) {
            argv.addAll(argv.indexOf("unshare") + 1, List.of("--user", "--map-root-user"));
        }
        if (command.isSandboxed()) {
            argv.add(argv.indexOf("--pid"), "--net");
        }
        String mode = switch (command.isolation()) {
            case NONE -> "host";
            case SANDBOX -> "sandbox";
            case SANDBOX_WITH_LOOPBACK -> "loopback";
        };
        argv.addAll(List.of("sh", "-c", ENTER, "djdd-enter", path().toString(),
                scratch == null ? "" : scratch.toString(), mode, root ? "" : ",userxattr"));
        for (BindMount bind : command.binds()) {
            argv.addAll(List.of(bind.host().toString(), bind.target(), bind.readOnly() ? "ro" : "rw"));
        }
        argv.add("--");
        if (command.isSandboxed()) {
            argv.addAll(dropPrivileges(root));
        }
        argv.addAll(command.argv());
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", PATH);
        environment.put("HOME", command.isSandboxed() ? "/tmp" : "/root");
        environment.put("LANG", "C.UTF-8");
        environment.putAll(command.environment());
        Command host = Command.of(argv).withEnvironment(environment).withOnlyItsEnvironment()
                .withTimeout(command.timeout())
                .describedAs("'" + Command.join(command.argv()) + "' in the build root");
        return command.quiet() ? host.quietly() : host;
    }

    /**
     * Into the sandbox's own user namespace as {@link #SANDBOX_ID}, whose programs start with no
     * capabilities, and with {@code no_new_privs} (no setuid program or file capability gives any
     * back): root first becomes nobody, without capabilities to keep, so that what the sandbox
     * writes is nobody's on the host; a build user is itself there already (its namespace's root
     * keeps the capability that maps its own uid into the new namespace).
     */
    static List<String> dropPrivileges(boolean root) {
        List<String> argv = new ArrayList<>(List.of("setpriv"));
        if (root) {
            argv.addAll(List.of("--reuid=" + RootShell.NOBODY, "--regid=" + RootShell.NOBODY, "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all"));
        }
        argv.addAll(List.of("--no-new-privs", "--", "unshare", "--user", "--map-user=" + SANDBOX_ID,
                "--map-group=" + SANDBOX_ID, "--"));
        return argv;
    }

    /** Root shares a folder with the sandbox by giving it to nobody; a build user's sandbox is the user already. */
    @Override
    public void shareWithSandbox(Path folder) throws IOException {
        if (BuildUser.isRoot()) {
            RootShell.super.shareWithSandbox(folder);
        }
    }

    /**
     * The packages of {@code names} that are not installed in the root, read from dpkg's status
     * file: a build that needs nothing new pays no process for it.
     */
    public List<String> missingPackages(Collection<String> names) throws DjddException {
        if (names.isEmpty()) {
            return List.of();
        }
        List<String> plain = names.stream().map(name -> name.replaceFirst(":.*", "")).toList();
        Set<String> missing = new HashSet<>(notInstalled(path(), plain));
        return names.stream().filter(name -> missing.contains(name.replaceFirst(":.*", ""))).toList();
    }

    /** Read from the root's {@code /usr/bin/python3} link (python3.X), without entering the root. */
    @Override
    public String pythonVersion() throws DjddException {
        try {
            Matcher matcher = PYTHON_LINK.matcher(Files.readSymbolicLink(path().resolve("usr/bin/python3")).toString());
            if (matcher.matches()) {
                return matcher.group(1);
            }
        } catch (IOException | UnsupportedOperationException e) {
            console.debug("Asking the root's python3 for its version: " + e.getMessage());
        }
        return RootShell.super.pythonVersion();
    }

    /** Holds the root's lock so that two builds never run apt in the same root together. */
    @Override
    public List<String> installPackages(Collection<String> names, String source) throws DjddException {
        if (missingPackages(names).isEmpty()) {
            return List.of();
        }
        try (BuildLock lock = BuildLock.acquire(dir.lock(), "the build root's packages", console)) {
            List<String> missing = missingPackages(names);
            if (missing.isEmpty()) {
                return missing;
            }
            for (String name : missing) {
                requireNoAptSuffix(name, source);
            }
            if (!BuildUser.isRoot()) {
                return installThroughHelper(missing, source);
            }
            console.info("Installing into the build root: " + String.join(" ", missing));
            check(apt("dpkg", "--configure", "-a"));
            check(apt("apt-get", "update"));
            List<String> known = new ArrayList<>(List.of("sh", "-c", KNOWN_EXACTLY, "djdd-known"));
            known.addAll(missing);
            try {
                check(apt(known.toArray(String[]::new)).quietly());
            } catch (CommandFailedException e) {
                throw unknownPackage(e.result(), source).orElse(e);
            }
            List<String> install = new ArrayList<>(List.of("apt-get", "install"));
            install.addAll(UNATTENDED);
            install.addAll(missing);
            try {
                check(apt(install.toArray(String[]::new)));
            } catch (CommandFailedException e) {
                throw unknownPackage(e.result(), source).orElse(e);
            }
            return missing;
        }
    }

    /**
     * apt-get install reads a name ending in {@code -} as an order to remove the package and one
     * ending in {@code +} as an order to install it: as root in the root every build shares, a
     * project's {@code python3-} would remove python3. No Debian package's name ends so (those that
     * end in {@code +}, such as g++, are installed already and never get here), so the name is refused.
     */
    static void requireNoAptSuffix(String name, String source) throws BuildFailedException {
        // After the architecture (python3:amd64-) or before it (python3-:amd64).
        String plain = name.replaceFirst(":.*", "");
        boolean atEnd = name.endsWith("-") || name.endsWith("+");
        if (!atEnd && !plain.endsWith("-") && !plain.endsWith("+")) {
            return;
        }
        char suffix = atEnd ? name.charAt(name.length() - 1) : plain.charAt(plain.length() - 1);
        String target = atEnd ? name.substring(0, name.length() - 1)
                : plain.substring(0, plain.length() - 1) + name.substring(plain.length());
        throw new BuildFailedException("Debian package '" + name + "' listed in " + source + " ends in '" + suffix
                + "', which apt-get reads as an order to " + (suffix == '-' ? "remove " : "install ") + target
                + ", not as a name: write the package's name alone in " + source + ".");
    }

    /** A build user's install: through the {@link PackageHelper}, which refuses anything else. */
    private List<String> installThroughHelper(List<String> missing, String source) throws DjddException {
        console.info("Installing into the build root through " + PackageHelper.SCRIPT + ": " + String.join(" ", missing));
        CommandResult result = runner.run(PackageHelper.command(schrootName, missing));
        if (result.succeeded()) {
            return missing;
        }
        Optional<DjddException> unknown = unknownPackage(result, source);
        if (unknown.isPresent()) {
            throw unknown.get();
        }
        if (result.output().stream().anyMatch(line -> line.startsWith("sudo:") || line.contains("sudo: not found")
                || line.contains("sudo: No such file"))) {
            throw new DjddException("Installing " + String.join(", ", missing) + " (from " + source + ") into the build"
                    + " root takes djdd's package helper, which sudo did not run for " + System.getProperty("user.name")
                    + " (" + result.output().get(result.output().size() - 1).strip() + "): as root, install sudo and"
                    + " run 'mvn djdd:init -Ddjdd.suite=" + suite() + "' with the same -Ddjdd.buildDir (it allows the '"
                    + BuildUser.GROUP + "' group " + PackageHelper.SCRIPT + " in " + PackageHelper.SUDOERS + ").");
        }
        throw new DjddException("Installing " + String.join(", ", missing) + " into the build root failed (exit code "
                + result.exitCode() + "): fix what apt says below, or the names in " + source + ".\n"
                + result.tail(25));
    }

    /**
     * Applies pending updates, one build at a time like {@link #installPackages}.
     *
     * @return each package upgraded, as {@code NAME OLD -> NEW}, sorted
     */
    public List<String> upgradePackages() throws DjddException {
        try (BuildLock lock = BuildLock.acquire(dir.lock(), "the build root's packages", console)) {
            Map<String, String> before = installedVersions(path());
            check(apt("apt-get", "update").quietly());
            List<String> upgrade = new ArrayList<>(List.of("apt-get", "upgrade"));
            upgrade.addAll(UNATTENDED);
            check(apt(upgrade.toArray(String[]::new)).quietly());
            return installedVersions(path()).entrySet().stream()
                    .filter(entry -> before.containsKey(entry.getKey())
                            && !before.get(entry.getKey()).equals(entry.getValue()))
                    .map(entry -> entry.getKey() + " " + before.get(entry.getKey()) + " -> " + entry.getValue())
                    .sorted()
                    .toList();
        }
    }

    /** An apt or dpkg run that asks nothing, with time for a slow mirror. */
    private static RootCommand apt(String... argv) {
        return RootCommand.of(argv).withEnvironment(Map.of("DEBIAN_FRONTEND", "noninteractive"))
                .withTimeout(Duration.ofMinutes(30));
    }

    private static Optional<DjddException> unknownPackage(CommandResult result, String source) {
        if (result == null) {
            return Optional.empty();
        }
        for (String line : result.output()) {
            Matcher matcher = UNKNOWN_PACKAGE.matcher(line);
            if (matcher.find()) {
                String name = matcher.group(1) != null ? matcher.group(1)
                        : matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
                return Optional.of(new DjddException("Debian package '" + name
                        + "' listed in " + source + " does not exist in the build root's suite:"
                        + " fix the name in " + source + " (apt-cache search helps; for a virtual package, name one"
                        + " that provides it)."));
            }
        }
        return Optional.empty();
    }
}
