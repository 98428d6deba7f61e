package io.github.djdd.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import io.github.djdd.core.RecordingConsole;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageStoreTest {
    @TempDir
    Path dir;

    @Test
    void existingPackageIsReusedWithoutBuilding() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(buildDir.packages());
        Path existing = Files.writeString(buildDir.packages().resolve("sw-env-abc_1_amd64.deb"), "deb");
        PackageChecksum.write(existing, existing);
        Files.writeString(buildDir.packages().resolve(".sw-env-abc_1_amd64.deb.partial"), "half");

        BuiltPackage result = new PackageStore(buildDir, Console.NULL).getOrBuild("sw-env-abc", () -> {
            throw new AssertionError("must not build");
        });

        assertThat(result).isEqualTo(new BuiltPackage("sw-env-abc", existing, true));
    }

    @Test
    void damagedOrUnrecordedPackagesAreRebuiltWithAWarning() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(buildDir.packages());
        Path truncated = Files.writeString(buildDir.packages().resolve("sw-env-abc_1_amd64.deb"), "a whole deb");
        PackageChecksum.write(truncated, truncated);
        Files.writeString(truncated, "a who");
        Files.writeString(buildDir.packages().resolve("sw-src-abc_1_all.deb"), "copied in by hand");
        RecordingConsole console = new RecordingConsole();
        PackageStore store = new PackageStore(buildDir, console);

        BuiltPackage env = store.getOrBuild("sw-env-abc", () -> rebuilt(buildDir, "sw-env-abc_1_amd64.deb"));
        BuiltPackage src = store.getOrBuild("sw-src-abc", () -> rebuilt(buildDir, "sw-src-abc_1_all.deb"));

        assertThat(List.of(env.reused(), src.reused())).containsExactly(false, false);
        assertThat(env.file()).hasContent("rebuilt");
        assertThat(PackageChecksum.matches(env.file())).isTrue();
        assertThat(console.warnings()).hasSize(2).allMatch(w -> w.contains("does not match the checksum djdd recorded"));
    }

    private static Path rebuilt(BuildDir buildDir, String file) {
        try {
            Path deb = Files.writeString(buildDir.packages().resolve(file), "rebuilt");
            PackageChecksum.write(deb, deb);
            return deb;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void partialFilesDoNotCountAsPackages() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(buildDir.packages());
        Files.writeString(buildDir.packages().resolve(".sw-env-abc_1_amd64.deb.partial"), "half");

        assertThat(new PackageStore(buildDir, Console.NULL).find("sw-env-abc")).isEmpty();
    }

    @Test
    void leftoversOfEveryPackageGoUnlessTheirPackageIsBeingBuilt() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(buildDir.packages().resolve(".sw-src-abc_1_all.deb.control"));
        Files.writeString(buildDir.packages().resolve(".sw-env-abc_1_amd64.deb.partial"), "killed");
        Files.writeString(buildDir.packages().resolve(".sw-env-abc_1_amd64.deb.sha256.partial"), "killed");
        Files.writeString(buildDir.packages().resolve(".sw-site-blue_2_all.deb.partial"), "being written");
        Files.createDirectories(buildDir.locks());

        try (BuildLock writing = BuildLock.acquire(buildDir.locks().resolve("sw-site-blue.lock"), "site",
                Console.NULL)) {
            // Another thread stands in for another build: the lock is held, so its file stays.
            inAnotherThread(() -> {
                new PackageStore(buildDir, Console.NULL).removeLeftovers();
                return null;
            });
        }

        try (var files = Files.list(buildDir.packages())) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(".sw-site-blue_2_all.deb.partial");
        }
    }

    private static void inAnotherThread(Callable<Void> task) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            pool.submit(task).get();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void twoBuildsAtOnceBuildOnceAndTheOtherReuses() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        AtomicInteger builds = new AtomicInteger();
        CountDownLatch bothStarted = new CountDownLatch(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<BuiltPackage>> results = pool.invokeAll(List.of(
                    () -> build(buildDir, builds, bothStarted), () -> build(buildDir, builds, bothStarted)));

            assertThat(builds).hasValue(1);
            assertThat(List.of(results.get(0).get().reused(), results.get(1).get().reused()))
                    .containsExactlyInAnyOrder(true, false);
        } finally {
            pool.shutdown();
        }
    }

    private static BuiltPackage build(BuildDir buildDir, AtomicInteger builds, CountDownLatch bothStarted)
            throws Exception {
        bothStarted.countDown();
        bothStarted.await();
        return new PackageStore(buildDir, Console.NULL).getOrBuild("sw-src-abc", () -> {
            builds.incrementAndGet();
            try {
                Thread.sleep(300);
                Files.createDirectories(buildDir.packages());
                Path deb = Files.writeString(buildDir.packages().resolve("sw-src-abc_1_all.deb"), "deb");
                PackageChecksum.write(deb, deb);
                return deb;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
