package io.github.djdd.it;

import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Debian server of a given suite for one scenario: a pristine copy of a cached bootstrap (systemd, dbus),
 * booted with {@code systemd-nspawn --boot} so that systemd is PID 1, apt's sources pointing at
 * Debian and, for most scenarios, at the packages under test (a {@code file:} repository bound
 * read-only at {@code /srv/djdd-repo}). It shares the host's network: its nginx, PostgreSQL,
 * RabbitMQ and memcached listen on the host's loopback. Commands run inside with {@code nsenter}
 * into its init, their output in the test log. {@link #close()} powers it off and deletes it, also
 * after a failed test. A {@link BuildMachine} is booted the same way.
 */
final class BootedTarget implements AutoCloseable {
    private static final ProcessRunner RUNNER = new ProcessRunner(new ItSupport.RecordingConsole());
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Path dir;
    private final String suite;
    private final Path repository;
    private final Process nspawn;
    private final long init;

    private BootedTarget(Path dir, String suite, Path repository, Process nspawn, long init) {
        this.dir = dir;
        this.suite = suite;
        this.repository = repository;
        this.nspawn = nspawn;
        this.init = init;
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
        Process nspawn = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(dir.resolve("console.log").toFile()).start();
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
        BootedTarget target = new BootedTarget(dir, suite, repository, nspawn, init);
        try {
            target.awaitBoot();
        } catch (Exception | AssertionError e) {
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
                "--ipc", "--pid", "--root", "--wd", "--", "/usr/bin/env", "-i", "PATH=" + PATH, "HOME=/root",
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

    @Override
    public void close() throws Exception {
        long start = System.nanoTime();
        try {
            nspawn.destroy();
            if (!nspawn.waitFor(90, TimeUnit.SECONDS)) {
                nspawn.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            RUNNER.run(Command.of("rm", "-rf", "--one-file-system", root().toString()).quietly());
            System.out.printf("[measure] target powered off and deleted in %.1f s%n", (System.nanoTime() - start) / 1e9);
        }
    }
}
