package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.BuildRootOptions;
import io.github.djdd.core.buildroot.InitBuildRootStep;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandFailedException;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.RootDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real build root, bootstrapped once and kept in target/ between runs. Needs root. The tests that
 * break the root (a package removed, the marker deleted) repair it with djdd:init's step before
 * they end, so every test finds it complete.
 */
class BuildRootIT {
    private static BuildDir buildDir;
    private static BuildRoot root;
    private static final ProcessRunner HOST = new ProcessRunner(Console.NULL);
    /** The package helper djdd:init installs, which the djdd group runs as root through sudo. */
    private static final String HELPER = "/usr/local/libexec/djdd/install-packages";

    @BeforeAll
    static void init() throws Exception {
        assertThat(HOST.run(Command.of("id", "-u")).output()).as("the integration tests run as root").containsExactly("0");
        buildDir = BuildDir.prepareForInit(ItSupport.cachedBuildDir());
        root = new InitBuildRootStep(buildDir, defaults(), new ItSupport.RecordingConsole()).call();
    }

    private static BuildRootOptions defaults() throws Exception {
        return BuildRootOptions.of(BuildRootOptions.DEFAULT_SUITE, BuildRootOptions.DEFAULT_MIRROR);
    }

    @Test
    void secondInitOnACompleteRootChangesNothing() throws Exception {
        long rootInode = (long) Files.getAttribute(buildDir.root(ItSupport.SUITE).path(), "unix:ino");
        ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();

        new InitBuildRootStep(buildDir, defaults(), console).call();

        assertThat(console.lines).anyMatch(line -> line.endsWith("is complete and current: nothing to do."))
                .noneMatch(line -> line.startsWith("Bootstrapping") || line.startsWith("Installing")
                        || line.startsWith("Upgraded"));
        assertThat((long) Files.getAttribute(buildDir.root(ItSupport.SUITE).path(), "unix:ino")).isEqualTo(rootInode);
    }

    @Test
    void initPutsBackOnlyWhatWasRemoved() throws Exception {
        long rootInode = (long) Files.getAttribute(buildDir.root(ItSupport.SUITE).path(), "unix:ino");
        root.check(RootCommand.of("dpkg", "--remove", "git").withTimeout(Duration.ofMinutes(5)));
        Files.delete(Path.of("/etc/schroot/chroot.d", root.schrootName()));
        ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();
        assertThatThrownBy(() -> BuildRoot.open(buildDir, ItSupport.SUITE, HOST, Console.NULL).requireBuildPackages())
                .hasMessage("The build root "
                + buildDir.root(ItSupport.SUITE).path() + " lacks git, which djdd:init installed: run 'mvn djdd:init -Ddjdd.suite="
                + ItSupport.SUITE + "' (as root) with the same -Ddjdd.buildDir to put it back.");

        new InitBuildRootStep(buildDir, defaults(), console).call();

        assertThat(console.lines).contains("Installing into the build root: git")
                .anyMatch(line -> line.startsWith("Wrote /etc/schroot/chroot.d/" + root.schrootName()))
                .noneMatch(line -> line.startsWith("Bootstrapping"));
        assertThat(root.missingPackages(InitBuildRootStep.BUILD_PACKAGES)).isEmpty();
        assertThat((long) Files.getAttribute(buildDir.root(ItSupport.SUITE).path(), "unix:ino")).isEqualTo(rootInode);
    }

    @Test
    void initCompletesARootWhoseMarkerWasDeleted() throws Exception {
        long rootInode = (long) Files.getAttribute(buildDir.root(ItSupport.SUITE).path(), "unix:ino");
        Files.delete(buildDir.root(ItSupport.SUITE).state());
        assertThatThrownBy(() -> BuildRoot.open(buildDir, ItSupport.SUITE, HOST, Console.NULL))
                // "(it has trixie)" follows when the cached build dir holds another suite's root too.
                .hasMessageContaining("has no complete " + ItSupport.SUITE + " build root")
                .hasMessageContaining("run 'mvn djdd:init -Ddjdd.suite=" + ItSupport.SUITE + "' (as root)");
        ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();

        new InitBuildRootStep(buildDir, defaults(), console).call();

        assertThat(console.lines).anyMatch(line -> line.contains("was left unfinished by an earlier init"))
                .noneMatch(line -> line.startsWith("Bootstrapping"));
        assertThat(BuildRoot.open(buildDir, ItSupport.SUITE, HOST, Console.NULL).path()).isEqualTo(buildDir.root(ItSupport.SUITE).path());
        assertThat((long) Files.getAttribute(buildDir.root(ItSupport.SUITE).path(), "unix:ino")).isEqualTo(rootInode);
    }

    @Test
    void initLeftEverythingABuildNeeds() throws Exception {
        assertThat(BuildRoot.open(buildDir, ItSupport.SUITE, HOST, Console.NULL).missingPackages(InitBuildRootStep.BUILD_PACKAGES))
                .isEmpty();
        assertThat(HOST.run(Command.of("getent", "group", "djdd")).succeeded()).isTrue();
        Path schroot = Path.of("/etc/schroot/chroot.d", root.schrootName());
        assertThat(Files.readString(schroot)).contains("directory=" + buildDir.root(ItSupport.SUITE).path() + "\n", "groups=djdd,root\n");
        assertThat(buildDir.root(ItSupport.SUITE).path().resolve("usr/sbin/policy-rc.d")).isExecutable();
    }

    @Test
    void initMovesTheRootOfTheEarlierLayoutInsteadOfBootstrapping() throws Exception {
        RootDir current = buildDir.root(ItSupport.SUITE);
        RootDir legacy = buildDir.legacyRoot();
        long rootInode = (long) Files.getAttribute(current.path(), "unix:ino");
        Files.move(current.path(), legacy.path());
        Files.move(current.state(), legacy.state());
        assertThatThrownBy(() -> BuildRoot.open(buildDir, ItSupport.SUITE, HOST, Console.NULL))
                .hasMessageContaining("holds its build root in the layout of an earlier djdd (" + legacy.path() + ")");
        ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();

        new InitBuildRootStep(buildDir, defaults(), console).call();

        assertThat(console.lines).contains("Moved the build root of an earlier djdd from " + legacy.path() + " to "
                + current.path() + ".").noneMatch(line -> line.startsWith("Bootstrapping"));
        assertThat((long) Files.getAttribute(current.path(), "unix:ino")).isEqualTo(rootInode);
        assertThat(legacy.path()).doesNotExist();
        assertThat(legacy.state()).doesNotExist();
        assertThat(legacy.lock()).doesNotExist();
        assertThat(BuildRoot.open(buildDir, ItSupport.SUITE, HOST, Console.NULL).path()).isEqualTo(current.path());
    }

    @Test
    void initAppliesPendingUpdatesAndSaysWhichPackagesChanged() throws Exception {
        root.installPackages(List.of("hello"), "test");
        String version = root.check(RootCommand.of("dpkg-query", "--show", "--showformat=${Version}", "hello"))
                .output().get(0);
        // An installed version older than the archive's, as after a point release or a security update.
        Path status = root.path().resolve("var/lib/dpkg/status");
        // ... and archives that changed since the last init.
        Files.writeString(buildDir.root(ItSupport.SUITE).state(), Files.readString(buildDir.root(ItSupport.SUITE)
                .state()).replaceAll("(?m)^updated=.*$", "updated="));
        Files.writeString(status, Pattern.compile("(\nPackage: hello\n(?:[^\n]+\n)*?Version: )" + Pattern.quote(version)
                + "\n").matcher(Files.readString(status)).replaceFirst("$10.1-1\n"));
        ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();

        new InitBuildRootStep(buildDir, defaults(), console).call();

        assertThat(console.lines).contains("Upgraded in the build root: hello 0.1-1 -> " + version + ".");
        assertThat(root.check(RootCommand.of("dpkg-query", "--show", "--showformat=${Version}", "hello")).output())
                .containsExactly(version);
        assertThat(Files.readString(root.path().resolve("etc/apt/sources.list"))).isEqualTo(
                "deb " + BuildRootOptions.DEFAULT_MIRROR + " " + ItSupport.SUITE + " main\n"
                + "deb " + BuildRootOptions.DEFAULT_MIRROR + " " + ItSupport.SUITE + "-updates main\n"
                + "deb " + BuildRootOptions.DEFAULT_SECURITY_MIRROR + " " + ItSupport.SUITE + "-security main\n");
    }

    @Test
    void pythonIsTheRootsNotTheHosts() throws Exception {
        Path marker = buildDir.root(ItSupport.SUITE).path().resolve("root/djdd-it-marker");
        Files.writeString(marker, "inside");
        try {
            CommandResult version = root.check(RootCommand.of("python3", "--version"));
            CommandResult inside = root.check(RootCommand.of("cat", "/root/djdd-it-marker"));

            assertThat(version.output()).containsExactly("Python " + packagedPythonVersion());
            assertThat(inside.output()).containsExactly("inside");
            assertThat(Path.of("/root/djdd-it-marker")).doesNotExist();
        } finally {
            Files.delete(marker);
        }
    }

    /** The upstream version of the python3.X package that dpkg installed in the root. */
    private static String packagedPythonVersion() throws Exception {
        String minor = root.pythonVersion();
        String status = Files.readString(buildDir.root(ItSupport.SUITE).path().resolve("var/lib/dpkg/status"));
        Matcher matcher = Pattern.compile("Package: python" + Pattern.quote(minor) + "\n(?:[^\n]+\n)*?Version: ([0-9.]+)")
                .matcher(status);
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    @Test
    void processesDevicesAndEnvironmentLookLikeADebianSystem() throws Exception {
        CommandResult result = root.check(RootCommand.of("sh", "-c",
                "test -r /proc/self/status && test -d /sys/class && test -c /dev/null && test -d /dev/pts"
                        + " && echo \"$PATH|$HOME|$LANG|${MAVEN_HOME:-clean}\""));

        assertThat(result.output()).containsExactly(
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|/root|C.UTF-8|clean");
    }

    @Test
    void mountsAreGoneAfterSuccessFailureAndTimeout() throws Exception {
        root.check(RootCommand.of("true"));
        assertThat(root.run(RootCommand.of("false")).exitCode()).isEqualTo(1);
        assertThatThrownBy(() -> root.run(RootCommand.of("sleep", "4321").withTimeout(Duration.ofSeconds(1))))
                .isInstanceOf(CommandFailedException.class);

        assertThat(hostMountsUnder(buildDir.path())).isEmpty();
        assertThat(HOST.run(Command.of("pgrep", "-f", "^sleep 4321$")).output()).as("the timed-out command is gone")
                .isEmpty();
    }

    @Test
    void hostFoldersCanBeBoundReadOnly(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("index.html"), "simple index");
        BindMount bind = BindMount.sameReadOnly(folder);

        CommandResult read = root.check(RootCommand.of("cat", folder + "/index.html").withBinds(List.of(bind)));
        CommandResult write = root.run(RootCommand.of("touch", folder + "/new").withBinds(List.of(bind)));

        assertThat(read.output()).containsExactly("simple index");
        assertThat(write.exitCode()).isNotZero();
        assertThat(write.tail(1)).contains("Read-only file system");
        assertThat(folder.resolve("new")).doesNotExist();
        assertThat(hostMountsUnder(buildDir.path())).isEmpty();
    }

    @Test
    void membersOfTheDjddGroupLookIntoTheRootThroughSchrootAsThemselvesOnlyAndBuildInFoldersOfTheirOwn() throws Exception {
        HOST.run(Command.of("useradd", "--system", "--no-create-home", "--groups", "djdd", "djdd-it-builder"));

        Path own = buildDir.users().resolve("djdd-it-builder");
        BuildDir.deleteTree(own);
        CommandResult write = HOST.run(Command.of("runuser", "-u", "djdd-it-builder", "--", "python3", "-c",
                "import fcntl, os, sys\nf = open(sys.argv[1], 'w')\nfcntl.lockf(f, fcntl.LOCK_EX)\n"
                        + "os.mkdir(sys.argv[2], 0o700)\nopen(os.path.join(sys.argv[2], 'written-by-member'), 'w').close()",
                buildDir.root(ItSupport.SUITE).lock().toString(), own.toString()));
        CommandResult intoRoots = HOST.run(Command.of("runuser", "-u", "djdd-it-builder", "--", "touch",
                buildDir.packages().resolve("written-by-member").toString()));
        CommandResult result = HOST.check(Command.of("runuser", "-u", "djdd-it-builder", "--", "schroot", "--chroot",
                root.schrootName(), "--directory", "/", "--", "id", "-un"));
        CommandResult asRoot = HOST.run(Command.of("runuser", "-u", "djdd-it-builder", "--", "schroot", "--chroot",
                root.schrootName(), "--user", "root", "--directory", "/", "--", "true"));
        CommandResult stranger = HOST.run(Command.of("runuser", "-u", "nobody", "--", "schroot", "--chroot",
                root.schrootName(), "--directory", "/", "--", "true"));

        assertThat(result.output()).containsExactly("djdd-it-builder");
        assertThat(asRoot.exitCode()).as("members are not root in the root: " + asRoot.output()).isNotZero();
        assertThat(stranger.exitCode()).as("users outside the djdd group are refused").isNotZero();
        assertThat(write.exitCode()).as("members lock the root and make a build dir of their own: " + write.output())
                .isZero();
        assertThat(intoRoots.exitCode()).as("members write nothing of root's builds").isNotZero();
        assertThat(buildDir.packages().resolve("written-by-member")).doesNotExist();
        BuildDir.deleteTree(own);
    }

    @Test
    void concurrentInstallsOfTheSamePackageRunAptOnce() throws Exception {
        root.run(RootCommand.of("apt-get", "purge", "--yes", "hello").withTimeout(Duration.ofMinutes(5)));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<List<String>> install = () -> BuildRoot.open(buildDir, ItSupport.SUITE, HOST, Console.NULL)
                    .installPackages(List.of("hello"), "test");
            List<Future<List<String>>> results = new ArrayList<>(pool.invokeAll(List.of(install, install)));

            assertThat(List.of(results.get(0).get(), results.get(1).get()))
                    .containsExactlyInAnyOrder(List.of("hello"), List.of());
            assertThat(root.check(RootCommand.of("hello")).output()).containsExactly("Hello, world!");
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void unknownDebianPackageIsNamedWithItsSource() {
        assertThatThrownBy(() -> root.installPackages(List.of("djdd-no-such-package"), "venv-debian-requirements.txt"))
                .isInstanceOf(DjddException.class)
                .hasMessageContaining("Debian package 'djdd-no-such-package' listed in venv-debian-requirements.txt"
                        + " does not exist");
    }

    /**
     * Code of a project in the sandbox, tried as an attacker would: it runs as uid 1000 without
     * capabilities, writes only its private /tmp and the folder bound for it (nobody's on the
     * host), sees a /dev of six devices and no /sys, reaches no listener of the host's loopback,
     * cannot mount, chroot or leave through the root it was pivoted into, and the root stays as
     * it was.
     */
    @Test
    void projectCodeRunsWithoutRightsNetworkOrAWayOut(@TempDir Path dir) throws Exception {
        Path output = Files.createDirectories(dir.resolve("output"));
        root.shareWithSandbox(output);
        String probe = String.join("\n",
                "import os, socket, sys",
                "def attempt(action):",
                "    try:",
                "        action()",
                "        return 'yes'",
                "    except Exception as e:",
                "        return 'no'",
                "def write(path):",
                "    with open(path, 'w') as out:",
                "        out.write('x')",
                "def reach():",
                "    socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=3).close()",
                "def leave():",
                "    os.makedirs('/tmp/escape', exist_ok=True)",
                "    os.chroot('/tmp/escape')",
                "status = open('/proc/self/status').read().splitlines()",
                "print('uid', os.getuid())",
                "print('capabilities', [l.split()[1] for l in status if l.startswith('CapEff:')][0])",
                "print('root', attempt(lambda: write('/usr/local/lib/djdd-sandbox-was-here')))",
                "print('tmp', attempt(lambda: write('/tmp/mine')))",
                "print('output', attempt(lambda: write('/run/djdd/output/mine')))",
                "print('loopback', attempt(reach))",
                "print('chroot', attempt(leave))",
                "print('mount', attempt(lambda: os.system('mount -t tmpfs none /mnt 2>/dev/null') == 0 or 1 / 0))",
                "print('dev', ' '.join(sorted(os.listdir('/dev'))))",
                "print('sys', len(os.listdir('/sys')))");
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CommandResult result = root.check(RootCommand.of("python3", "-c", probe,
                    Integer.toString(listener.getLocalPort())).withBinds(List.of(new BindMount(output,
                    "/run/djdd/output", false))).inSandbox());

            assertThat(result.output()).containsExactly("uid 1000", "capabilities 0000000000000000", "root no",
                    "tmp yes", "output yes", "loopback no", "chroot no", "mount no",
                    "dev fd full null ptmx pts random shm stderr stdin stdout tty urandom zero", "sys 0");
        }
        assertThat(Files.getAttribute(output.resolve("mine"), "unix:uid")).isEqualTo(65534);
        assertThat(root.path().resolve("usr/local/lib/djdd-sandbox-was-here")).doesNotExist();
        assertThat(root.path().resolve("tmp/mine")).doesNotExist();
        assertThat(hostMountsUnder(buildDir.path())).isEmpty();
    }

    /**
     * The attacker: a member of the djdd group, who may run init's package helper as root through
     * sudo, or a project whose requirements a root build installs, names {@code python3-} (apt-get's
     * "remove python3" from the root every build shares) or {@code python3.1.} (a pattern apt-get
     * would read as every python3.1x package). Both are refused before apt-get install runs; a
     * plain name still installs.
     */
    @Test
    void onlyPackagesNamedExactlyAreInstalledByTheHelperOrARootBuild() throws Exception {
        root.run(RootCommand.of("apt-get", "purge", "--yes", "hello").withTimeout(Duration.ofMinutes(5)));
        Path status = root.path().resolve("var/lib/dpkg/status");
        String before = Files.readString(status);

        CommandResult removal = HOST.run(Command.of(HELPER, root.schrootName(), "hello", "python3-"));
        CommandResult pattern = HOST.run(Command.of(HELPER, root.schrootName(), "hello", "python3.1.")
                .withTimeout(Duration.ofMinutes(5)));
        assertThatThrownBy(() -> root.installPackages(List.of("hello", "python3.1."), "venv-debian-requirements.txt"))
                .isInstanceOf(DjddException.class)
                .hasMessageStartingWith("Debian package 'python3.1.' listed in venv-debian-requirements.txt does not"
                        + " exist in the build root's suite");

        assertThat(removal.exitCode()).isEqualTo(2);
        assertThat(removal.output()).containsExactly("'python3-' ends in '-' or '+', which apt-get reads as remove or"
                + " install, not as part of a name: name the package alone");
        assertThat(pattern.exitCode()).isEqualTo(2);
        assertThat(pattern.output()).contains("'python3.1.' is no package of the build root's APT sources")
                .noneMatch(line -> line.startsWith("Setting up") || line.startsWith("Removing"));
        assertThat(Files.readString(status)).as("dpkg's status, untouched").isEqualTo(before);
        assertThat(root.missingPackages(List.of("python3", "hello"))).containsExactly("hello");

        CommandResult plain = HOST.run(Command.of(HELPER, root.schrootName(), "hello").withTimeout(Duration.ofMinutes(5)));
        assertThat(plain.exitCode()).as(String.join("\n", plain.output())).isZero();
        assertThat(root.check(RootCommand.of("hello")).output()).containsExactly("Hello, world!");
    }

    static List<String> hostMountsUnder(Path dir) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(line -> line.contains(" " + dir + "/") || line.contains(" " + dir + " "))
                .toList();
    }
}
