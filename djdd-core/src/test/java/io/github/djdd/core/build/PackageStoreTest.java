package io.github.djdd.core.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Files.writeString(buildDir.packages().resolve(".sw-env-abc_1_amd64.deb.partial"), "half");

        BuiltPackage result = new PackageStore(buildDir, Console.NULL).getOrBuild("sw-env-abc", () -> {
            throw new AssertionError("must not build");
        });

        assertThat(result).isEqualTo(new BuiltPackage("sw-env-abc", existing, true));
    }

    @Test
    void partialFilesDoNotCountAsPackages() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(buildDir.packages());
        Files.writeString(buildDir.packages().resolve(".sw-env-abc_1_amd64.deb.partial"), "half");

        assertThat(new PackageStore(buildDir, Console.NULL).find("sw-env-abc")).isEmpty();
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
                return Files.writeString(buildDir.packages().resolve("sw-src-abc_1_all.deb"), "deb");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
