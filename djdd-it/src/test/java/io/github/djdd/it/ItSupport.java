package io.github.djdd.it;

import io.github.djdd.core.Console;
import io.github.djdd.core.build.BuildDir;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.BuildRootOptions;
import io.github.djdd.core.buildroot.InitBuildRootStep;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Shared pieces of the integration tests: the cached build dir and a console that remembers. */
final class ItSupport {
    private ItSupport() {}

    /** The build dir kept between runs (djdd-it/target/djdd-build), so a second run reuses the root. */
    static Path cachedBuildDir() {
        return Path.of(System.getProperty("djdd.it.buildDir", "target/djdd-build")).toAbsolutePath();
    }

    /** The build root of the cached build dir, made or completed by djdd:init's step if needed. */
    static synchronized BuildRoot cachedRoot() throws Exception {
        return new InitBuildRootStep(BuildDir.prepare(cachedBuildDir()), BuildRootOptions.of("bookworm",
                BuildRootOptions.DEFAULT_MIRROR), Console.NULL).call();
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
