package io.github.djdd.it;

import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A Debian server of a given suite for one scenario: a pristine copy of a cached bootstrap (systemd, dbus),
 * booted with {@code systemd-nspawn --boot} so that systemd is PID 1, apt's sources pointing at
 * Debian and, for most scenarios, at the packages under test (a {@code file:} repository bound
 * read-only at {@code /srv/djdd-repo}). It shares the host's network: its nginx, PostgreSQL,
 * RabbitMQ and memcached listen on the host's loopback. Commands run inside with {@code nsenter}
 * into its init, their output in the test log. {@link #close()} pulls its plug and deletes it, also
 * after a failed test. A {@link BuildMachine} is booted the same way.
 */
final class BootedTarget implements AutoCloseable {
    private static final ProcessRunner RUNNER = new ProcessRunner(new ItSupport.RecordingConsole());
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /**
     * The thread that starts every server: setpriv's {@code --pdeathsig} fires when the thread that
     * started the process ends, not the JVM, and a pool's thread (a scenario's, or one that boots
     * servers in parallel) may end long before the server should.
     */
    static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "booted-target-launcher");
        thread.setDaemon(true);
        return thread;
    });

    /** Where {@link #close()} puts what it deletes in the background. */
    private static final Path TRASH = Path.of(System.getProperty("java.io.tmpdir"), "djdd-it-trash");

    private final Path dir;
    private final String suite;
    private final Path repository;
    private final Process nspawn;
    private final long init;
    /** What {@link #close()} deletes once the server is off. */
    private final List<Path> files;

    private BootedTarget(Path dir, String suite, Path repository, Process nspawn, long init, List<Path> files) {
        this.dir = dir;
        this.suite = suite;
        this.repository = repository;
        this.nspawn = nspawn;
        this.init = init;
        this.files = files;
    }

    /** The cached bootstrap of {@code suite}: minbase plus what a booted server needs. */
    static Path tarball(String suite) throws Exception {
        return TargetRoot.bootstrap("booted-root", suite, "systemd,systemd-sysv,dbus,procps,iproute2");
    }

    /**
     * Unpacks a fresh server of {@code suite} into {@code dir}/root and boots it.
     *
     * @param repository a folder with a folder per suite, each with packages and their {@code Packages}
     *     index: the server's APT sources list its suite's ({@link #repository(String)})
     */
    static BootedTarget boot(Path dir, String suite, Path repository) throws Exception {
        long start = System.nanoTime();
        Path root = unpack(dir, suite);
        Files.writeString(root.resolve("etc/apt/sources.list.d/djdd.list"),
                "deb [trusted=yes] file:/srv/djdd-repo/" + suite + " ./\n");
        return start(dir, suite, repository.toAbsolutePath(), List.of("--bind-ro=" + repository.toAbsolutePath()
                + ":/srv/djdd-repo"), start);
    }

    /** A fresh server of {@code suite} in {@code dir}/root, booted: Debian's APT sources only, as installed. */
    static BootedTarget boot(Path dir, String suite) throws Exception {
        long start = System.nanoTime();
        unpack(dir, suite);
        return start(dir, suite, null, List.of(), start);
    }

    /**
     * Unpacks a pristine system of {@code suite} into {@code dir}/root, to be booted by
     * {@link #start}: Debian's sources only, nothing of the tests'.
     */
    static Path unpack(Path dir, String suite) throws Exception {
        Path root = dir.resolve("root");
        Files.createDirectories(root);
        RUNNER.check(Command.of("tar", "--extract", "--file", tarball(suite).toString(), "--directory", root.toString())
                .quietly());
        // A test system outlives no power cut: dpkg skips its fsync per unpacked file (an env
        // installs twice as fast; SIGKILL, which the killed-dpkg scenario sends, loses nothing either way).
        Files.writeString(root.resolve("etc/dpkg/dpkg.cfg.d/djdd-it-unsafe-io"), "force-unsafe-io\n");
        return root;
    }

    /**
     * Boots the system {@link #unpack} put into {@code dir}/root, with {@code options} for
     * {@code systemd-nspawn} (binds). Debian packages it downloads are kept between scenarios and
     * runs, as a local mirror would keep them.
     *
     * @param repository what {@link #repository(String)} answers, or null
     * @param started when the caller began, for the printed boot time
     */
    static BootedTarget start(Path dir, String suite, Path repository, List<String> options, long started)
            throws Exception {
        Path archives = ItSupport.cachedBuildDir().resolveSibling("target-apt-archives");
        Files.createDirectories(archives.resolve("partial"));
        // PID 1 here is not systemd and /run is no tmpfs: nspawn needs its own /run.
        List<String> argv = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--", "unshare", "--mount",
                "--propagation", "private", "--", "sh", "-c", "mount -t tmpfs tmpfs /run && root=$1 && shift"
                        + " && exec systemd-nspawn --register=no --keep-unit --quiet -D \"$root\" --boot \"$@\"",
                "boot", dir.resolve("root").toString(), "--bind=" + archives + ":/var/cache/apt/archives"));
        argv.addAll(options);
        return launch(dir, suite, repository, argv, List.of(dir.resolve("root")), started);
    }

    /**
     * A server of a fleet ({@link FleetNetwork}): its root an overlay of {@code image} (a folder that
     * no server changes) with its changes in {@code dir}/upper, booted as {@code machine} in the
     * fleet's network namespace with an interface {@code host0} on its bridge.
     *
     * @param files files put into the root before it boots, by path from the root: they must lie in
     *     folders owned by root (the overlay's folders take their owner from the upper layer)
     * @param masked systemd units of the image that this server never starts
     * @param options more {@code systemd-nspawn} options, such as binds
     */
    static BootedTarget bootInFleet(Path dir, String suite, Path image, FleetNetwork network, String machine,
            Map<String, String> files, List<String> masked, List<String> options) throws Exception {
        long start = System.nanoTime();
        Path root = Files.createDirectories(dir.resolve("root"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Path work = Files.createDirectories(dir.resolve("work"));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = upper.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
        }
        Path units = Files.createDirectories(upper.resolve("etc/systemd/system"));
        for (String unit : masked) {
            Files.createSymbolicLink(units.resolve(unit), Path.of("/dev/null"));
        }
        List<String> argv = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--", "nsenter",
                "--net=" + network.namespace(), "--", "unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "mount -t tmpfs tmpfs /run && mount -t overlay overlay -o \"lowerdir=$2,upperdir=$3,workdir=$4\" \"$1\""
                        + " && root=$1 machine=$5 && shift 5 && exec systemd-nspawn --register=no --keep-unit --quiet"
                        + " -D \"$root\" --machine=\"$machine\" --boot --network-bridge=" + FleetNetwork.BRIDGE
                        + " \"$@\"", "boot", root.toString(), image.toString(), upper.toString(), work.toString(),
                machine));
        argv.addAll(options);
        return launch(dir, suite, dir, argv, List.of(root, upper, work), start);
    }

    private static BootedTarget launch(Path dir, String suite, Path repository, List<String> argv, List<Path> files,
            long started) throws Exception {
        Process nspawn = LAUNCHER.submit(() -> new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("console.log").toFile()).start()).get();
        long init = -1;
        for (int i = 0; i < 400 && init < 0 && nspawn.isAlive(); i++) {
            init = nspawn.children().mapToLong(ProcessHandle::pid).filter(BootedTarget::isSystemd).findFirst()
                    .orElse(-1);
            if (init < 0) {
                Thread.sleep(50);
            }
        }
        if (init < 0) {
            nspawn.destroyForcibly();
            throw new IllegalStateException("The target did not boot: " + Files.readString(dir.resolve("console.log")));
        }
        BootedTarget target = new BootedTarget(dir, suite, repository, nspawn, init, files);
        try {
            target.awaitBoot();
        } catch (Exception | AssertionError e) {
            List<String> console = Files.readAllLines(dir.resolve("console.log"));
            System.out.println("[target] the console of " + dir + " ends with:\n" + String.join("\n",
                    console.subList(Math.max(0, console.size() - 30), console.size())));
            target.close();
            throw e;
        }
        System.out.printf("[measure] target booted in %.1f s%n", (System.nanoTime() - started) / 1e9);
        return target;
    }

    /**
     * Waits until systemd has started everything it starts at boot. Its bus appears first; until
     * then systemctl says "Failed to connect to bus" (bookworm) or "... to system scope bus" (trixie),
     * or, asked before systemd made its private socket, "offline" (bookworm's, on a busy machine).
     */
    private void awaitBoot() throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        CommandResult state = run(Duration.ofMinutes(3), "systemctl", "is-system-running", "--wait");
        // "offline": nsenter met the container's PID 1 before it was systemd's (a loaded machine).
        while (state.output().stream().anyMatch(line -> line.startsWith("Failed to connect to")
                || line.equals("offline")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            state = run(Duration.ofMinutes(3), "systemctl", "is-system-running", "--wait");
        }
        if (!state.output().contains("running")) {
            run("systemctl", "--failed", "--no-pager");
        }
        check("systemctl", "is-active", "--quiet", "multi-user.target");
    }

    /** nspawn forks helpers before the container's init: the init is the child named systemd. */
    private static boolean isSystemd(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip().equals("systemd");
        } catch (IOException e) {
            return false;
        }
    }

    Path root() {
        return dir.resolve("root");
    }

    String suite() {
        return suite;
    }

    /** The folder of the APT repository of {@code suite} the server can read, as the host sees it. */
    Path repository(String suite) {
        return repository.resolve(suite);
    }

    CommandResult run(String... argv) throws Exception {
        return run(Duration.ofMinutes(15), argv);
    }

    CommandResult run(Duration timeout, String... argv) throws Exception {
        return run(Map.of(), timeout, argv);
    }

    /** A command with {@code environment} added to the few variables every command here gets. */
    CommandResult run(Map<String, String> environment, Duration timeout, String... argv) throws Exception {
        List<String> command = new ArrayList<>(List.of("nsenter", "--target", Long.toString(init), "--mount", "--uts",
                "--ipc", "--net", "--pid", "--root", "--wd", "--", "/usr/bin/env", "-i", "PATH=" + PATH, "HOME=/root",
                "LANG=C.UTF-8", "DEBIAN_FRONTEND=noninteractive"));
        environment.forEach((name, value) -> command.add(name + "=" + value));
        command.addAll(List.of(argv));
        System.out.println("[target] $ " + String.join(" ", argv));
        return RUNNER.run(Command.of(command).withTimeout(timeout).describedAs("'" + String.join(" ", argv)
                + "' on the target"));
    }

    /** Runs a command on the target and fails with its output unless it exits with 0. */
    CommandResult check(String... argv) throws Exception {
        CommandResult result = run(argv);
        if (!result.succeeded()) {
            throw new AssertionError("'" + String.join(" ", argv) + "' failed on the target with exit code "
                    + result.exitCode() + ":\n" + result.tail(40));
        }
        return result;
    }

    /** A shell command line on the target. */
    CommandResult sh(String script) throws Exception {
        return check("sh", "-c", script);
    }

    /**
     * Writes {@code content} to {@code path} on the target, from inside: a path through the host's
     * view of its root would follow the root's absolute links out into the host.
     */
    void write(String path, byte[] content, String mode) throws Exception {
        check("sh", "-c", "umask 077 && printf %s \"$1\" | base64 -d > \"$2.new\" && chmod \"$3\" \"$2.new\""
                + " && mv -f \"$2.new\" \"$2\"", "write", java.util.Base64.getEncoder().encodeToString(content), path,
                mode);
    }

    /**
     * Pulls the server's plug and deletes it: SIGKILL to its init takes every process of its PID
     * namespace with it (which nspawn's own death would not), and nspawn ends with its container.
     * Nothing of a server outlives it, so a clean shutdown (stopping RabbitMQ, PostgreSQL and the
     * sites, 9 to 13 s) would be time spent for nothing.
     */
    @Override
    public void close() throws Exception {
        long start = System.nanoTime();
        long stopped = start;
        try {
            ProcessHandle.of(init).ifPresent(ProcessHandle::destroyForcibly);
            if (!nspawn.waitFor(30, TimeUnit.SECONDS)) {
                nspawn.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            stopped = System.nanoTime();
        } finally {
            for (Path file : files) {
                deleteInTheBackground(file);
            }
            System.out.printf("[measure] target stopped in %.1f s, put away in %.1f s%n", (stopped - start) / 1e9,
                    (System.nanoTime() - stopped) / 1e9);
        }
    }

    /**
     * Deletes {@code file} without waiting for it: renamed at once into {@link #TRASH}, on the file
     * system of the tests' temporary folders, then removed by an {@code rm} of its own, which the next
     * scenario does not wait for (5 to 14 s for a server's root). On another file system, deleted
     * before this returns.
     */
    private static void deleteInTheBackground(Path file) throws Exception {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path trash = Files.createDirectories(TRASH).resolve(UUID.randomUUID().toString());
        try {
            Files.move(file, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            RUNNER.run(Command.of("rm", "-rf", "--one-file-system", file.toString()).quietly());
            return;
        }
        new ProcessBuilder("rm", "-rf", "--one-file-system", trash.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
