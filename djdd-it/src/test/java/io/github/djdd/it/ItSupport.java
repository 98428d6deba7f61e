package io.github.djdd.it;

import io.github.djdd.core.Console;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.BuildRootOptions;
import io.github.djdd.core.buildroot.InitBuildRootStep;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Shared pieces of the integration tests: the cached build dir and a console that remembers. */
final class ItSupport {
    /** The suite of the cached build root and of every build the ITs make. */
    static final String SUITE = BuildRootOptions.DEFAULT_SUITE;
    /** The Debian release number of {@link #SUITE}, as site package versions carry it. */
    static final String RELEASE = SUITE.equals("trixie") ? "13" : "12";

    private ItSupport() {}

    /** The build dir kept between runs (djdd-it/target/djdd-build), so a second run reuses the root. */
    static Path cachedBuildDir() {
        return Path.of(System.getProperty("djdd.it.buildDir", "target/djdd-build")).toAbsolutePath();
    }

    /** The build root of the cached build dir, made or completed by djdd:init's step if needed. */
    static BuildRoot cachedRoot() throws Exception {
        return cachedRoot(SUITE);
    }

    /** The cached build dir's root of {@code suite}, made or completed by djdd:init's step if needed. */
    static synchronized BuildRoot cachedRoot(String suite) throws Exception {
        return new InitBuildRootStep(BuildDir.prepareForInit(cachedBuildDir()), BuildRootOptions.of(suite,
                BuildRootOptions.DEFAULT_MIRROR), Console.NULL).call();
    }

    /** The cached build dir for root's builds, after djdd:init's step made or completed its root. */
    static BuildDir buildDir() throws Exception {
        cachedRoot();
        return BuildDir.prepare(cachedBuildDir());
    }

    /** Runs a command on the build host with {@code environment} added to this one's; any exit code. */
    static CommandResult run(List<String> argv, Map<String, String> environment, Duration timeout) throws Exception {
        return new ProcessRunner(new RecordingConsole()).run(Command.of(argv).withEnvironment(environment)
                .withTimeout(timeout));
    }

    /** Runs a command on the build host; it must succeed. */
    static CommandResult check(List<String> argv) throws Exception {
        return new ProcessRunner(new RecordingConsole()).check(Command.of(argv));
    }

    /** Deletes the files of {@code software}'s packages in the cached build dir for which {@code which} holds. */
    static void deletePackages(String software, Predicate<String> which) throws Exception {
        Path packages = cachedBuildDir().resolve("packages");
        if (!Files.isDirectory(packages)) {
            return;
        }
        try (Stream<Path> files = Files.list(packages)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(software + "-")
                    && which.test(f.getFileName().toString())).toList()) {
                Files.delete(file);
            }
        }
    }

    /** Prints what the core logs, so the test log reads like a build, and keeps it for assertions. */
    static final class RecordingConsole implements Console {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void debug(String message) {
            lines.add(message);
        }

        @Override
        public void info(String message) {
            System.out.println("[djdd] " + message);
            lines.add(message);
        }

        @Override
        public void warn(String message) {
            System.out.println("[djdd WARN] " + message);
            lines.add(message);
        }
    }
}
