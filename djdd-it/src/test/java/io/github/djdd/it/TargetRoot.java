package io.github.djdd.it;

import io.github.djdd.core.Console;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.RootDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A fresh minimal Debian with python3, standing in for a server: bootstrapped once per suite into
 * a tarball kept in target/, unpacked anew for every test, so no test sees another's leftovers.
 * It is entered like a build root (the same namespace and chroot code), which is all an
 * install test needs.
 */
final class TargetRoot {
    private static final ProcessRunner RUNNER = new ProcessRunner(new ItSupport.RecordingConsole());
    /** A lock for each tarball {@link #bootstrap} makes. */
    private static final ConcurrentMap<Path, Object> BOOTSTRAPS = new ConcurrentHashMap<>();

    private TargetRoot() {}

    /**
     * A minbase {@code suite} with {@code include} as a tarball beside the cached build dir, named
     * {@code name-suite.tar}, made once (under a temporary name, renamed when complete) and reused
     * by later runs. Tests running at once wait for each other only when they need the same tarball.
     */
    static Path bootstrap(String name, String suite, String include) throws Exception {
        Path tarball = ItSupport.cachedBuildDir().resolveSibling(name + "-" + suite + ".tar");
        synchronized (BOOTSTRAPS.computeIfAbsent(tarball, path -> new Object())) {
            return bootstrap(tarball, suite, include);
        }
    }

    private static Path bootstrap(Path tarball, String suite, String include) throws Exception {
        if (!Files.isRegularFile(tarball)) {
            Path partial = tarball.resolveSibling(tarball.getFileName() + ".partial");
            List<String> argv = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--", "mmdebstrap",
                    "--variant=minbase", "--format=tar"));
            if (!include.isEmpty()) {
                argv.add("--include=" + include);
            }
            argv.addAll(List.of(suite, partial.toString(), "http://deb.debian.org/debian"));
            RUNNER.check(Command.of(argv).withTimeout(Duration.ofMinutes(20)));
            Files.move(partial, tarball);
        }
        return tarball;
    }

    /** A new root of the ITs' suite in {@code dir}/roots/{suite}, opened through djdd's own BuildRoot. */
    static BuildRoot unpack(Path dir) throws Exception {
        return unpack(dir, ItSupport.SUITE);
    }

    /**
     * A new root of {@code suite} in {@code dir}/roots/{suite}. Other suites than the ITs' are plain
     * minbase (no python3): enough for dpkg to unpack into.
     */
    static BuildRoot unpack(Path dir, String suite) throws Exception {
        return suite.equals(ItSupport.SUITE) ? unpack(dir, suite, "python3") : unpack(dir, suite, "");
    }

    /** A new root of {@code suite} with {@code include} (and what it depends on) in {@code dir}/roots/{suite}. */
    static BuildRoot unpack(Path dir, String suite, String include) throws Exception {
        Path tarball = bootstrap(include.isEmpty() ? "target-root" : "target-root-" + include.replace(',', '-'),
                suite, include);
        RootDir rootDir = new BuildDir(dir).root(suite);
        Path root = Files.createDirectories(rootDir.path());
        RUNNER.check(Command.of("tar", "--extract", "--file", tarball.toString(), "--directory", root.toString())
                .quietly());
        Files.writeString(rootDir.state(), "suite=" + suite
                + "\nmirror=http\\://deb.debian.org/debian\ncomplete=true\n");
        return BuildRoot.open(new BuildDir(dir), suite, RUNNER, Console.NULL);
    }

    /** Deletes the root made by {@link #unpack}, before JUnit would walk its absolute symlinks. */
    static void remove(Path dir) throws Exception {
        RUNNER.check(Command.of("rm", "-rf", "--one-file-system", dir.resolve("roots").toString()).quietly());
    }
}
