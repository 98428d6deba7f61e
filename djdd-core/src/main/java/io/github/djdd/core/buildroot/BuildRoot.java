package io.github.djdd.core.buildroot;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandFailedException;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildLock;
import io.github.djdd.core.workspace.RootDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * <p>As root, a command enters it with {@code chroot} inside a private mount and PID namespace:
 * {@code /proc}, {@code /sys} and {@code /dev} (with {@code /dev/pts}) and any {@link BindMount}s
 * exist only in that namespace, so they vanish with the command however it ends (exit, timeout,
 * Ctrl-C, SIGKILL of the build: the namespace is killed with the JVM) and never pile up on the
 * host. Any other user enters through
 * the schroot that {@code djdd:init} configured for members of the {@code djdd} group.
 */
public final class BuildRoot implements RootShell {
    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * Mounts what a Debian system expects, then the bind mounts given as (host, target, ro|rw)
     * triples up to a "--", then chroots into the command after it.
     */
    private static final String ENTER = """
            set -e
            root=$1; shift
            mount -t proc proc "$root/proc"
            mount -t sysfs sysfs "$root/sys"
            mount --rbind /dev "$root/dev"
            if [ -f /etc/resolv.conf ] && [ -f "$root/etc/resolv.conf" ]; then
              mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
            fi
            while [ "$1" != -- ]; do
              mkdir -p "$root$2"
              mount --bind "$1" "$root$2"
              if [ "$3" = ro ]; then mount -o remount,bind,ro "$root$2"; fi
              shift 3
            done
            shift
            exec chroot "$root" "$@"
            """;

    private static final Pattern PYTHON_LINK = Pattern.compile("(?:/usr/bin/)?python(3\\.[0-9]+)");

    private static final Pattern UNKNOWN_PACKAGE = Pattern.compile(
            "^E: (?:Unable to locate package (\\S+)|Package '?([^ ']+?)'? has no installation candidate)");

    /** apt-get options for installs and upgrades without questions, keeping configuration files as they are. */
    private static final List<String> UNATTENDED = List.of("--yes", "--no-install-recommends", "-o",
            "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold");

    private final RootDir dir;
    private final String schrootName;
    private final ProcessRunner runner;
    private final Console console;

    BuildRoot(BuildDir buildDir, RootDir dir, ProcessRunner runner, Console console) {
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
        return runner.run(hostCommand(command));
    }

    @Override
    public CommandResult check(RootCommand command) throws DjddException {
        return runner.check(hostCommand(command));
    }

    Command hostCommand(RootCommand command) throws DjddException {
        List<String> argv = new ArrayList<>();
        if (Host.isRoot()) {
            argv.addAll(Bootstrap.ISOLATED);
            argv.addAll(List.of("sh", "-c", ENTER, "djdd-enter", path().toString()));
            for (BindMount bind : command.binds()) {
                argv.addAll(List.of(bind.host().toString(), bind.target(), bind.readOnly() ? "ro" : "rw"));
            }
            argv.add("--");
        } else {
            if (!command.binds().isEmpty()) {
                throw new DjddException("Making " + command.binds().get(0).host() + " visible inside the build root"
                        + " needs root: run the build as root, or serve that folder over HTTP instead.");
            }
            argv.addAll(List.of("schroot", "--chroot", schrootName, "--user", "root", "--directory", "/", "--"));
        }
        argv.addAll(List.of("/usr/bin/env", "-i"));
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PATH", PATH);
        environment.put("HOME", "/root");
        environment.put("LANG", "C.UTF-8");
        environment.putAll(command.environment());
        environment.forEach((key, value) -> argv.add(key + "=" + value));
        argv.addAll(command.argv());
        Command host = Command.of(argv).withTimeout(command.timeout())
                .describedAs("'" + Command.join(command.argv()) + "' in the build root");
        return command.quiet() ? host.quietly() : host;
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
            console.info("Installing into the build root: " + String.join(" ", missing));
            check(apt("dpkg", "--configure", "-a"));
            check(apt("apt-get", "update"));
            List<String> install = new ArrayList<>(List.of("apt-get", "install"));
            install.addAll(UNATTENDED);
            install.addAll(missing);
            try {
                check(apt(install.toArray(String[]::new)));
            } catch (CommandFailedException e) {
                throw unknownPackage(e, source).orElse(e);
            }
            return missing;
        }
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

    private static Optional<DjddException> unknownPackage(CommandFailedException e, String source) {
        if (e.result() == null) {
            return Optional.empty();
        }
        for (String line : e.result().output()) {
            Matcher matcher = UNKNOWN_PACKAGE.matcher(line);
            if (matcher.find()) {
                String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
                return Optional.of(new DjddException("Debian package '" + name
                        + "' listed in " + source + " does not exist in the build root's suite:"
                        + " fix the name in " + source + " (apt-cache search helps)."));
            }
        }
        return Optional.empty();
    }
}
