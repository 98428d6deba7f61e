package io.github.djdd.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastBuildTest {
    @TempDir
    Path dir;

    private BuiltPackage deb(BuildDir buildDir, String file) throws Exception {
        Path deb = Files.writeString(buildDir.packages().resolve(file), file);
        PackageChecksum.write(deb, deb);
        return new BuiltPackage(file.substring(0, file.indexOf('_')), deb, false);
    }

    @Test
    void readGivesTheSitePackageFirstThenWhatItNeeds() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(buildDir.packages());
        BuiltPackage site = deb(buildDir, "sw-site-blue_2_all.deb");
        BuiltPackage env = deb(buildDir, "sw-env-abc_1_amd64.deb");
        BuiltPackage src = deb(buildDir, "sw-src-def_1_all.deb");

        LastBuild.record(buildDir, "trixie", site, List.of(env, src));

        assertThat(LastBuild.read(buildDir, "trixie", "sw-site-blue")).containsExactly(site.file(), env.file(), src.file());
        assertThatThrownBy(() -> LastBuild.read(buildDir, "bookworm", "sw-site-blue"))
                .isInstanceOf(DjddException.class)
                .hasMessageContaining("run 'mvn djdd:build -Ddjdd.suite=bookworm' first");
    }

    @Test
    void aRecordThatNamesAFileOutsidePackagesIsRefused() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Path secret = Files.writeString(dir.resolve("signing.key"), "secret");
        PackageChecksum.write(secret, secret);
        Path record = Files.createDirectories(buildDir.builds().resolve("trixie")).resolve("sw-site-blue");
        Files.writeString(record, "../signing.key\n");

        assertThatThrownBy(() -> LastBuild.read(buildDir, "trixie", "sw-site-blue"))
                .isInstanceOf(DjddException.class)
                .hasMessage(record + " names '../signing.key', which is no package file of " + buildDir.packages()
                        + ": run 'mvn djdd:build -Ddjdd.suite=trixie' again, which writes the record anew.");
    }

    @Test
    void buildsOfOneVariantAtOnceEachRecordTheirBuildWhole() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(buildDir.packages());
        List<BuiltPackage> sites = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sites.add(deb(buildDir, "sw-site-blue_" + i + "_all.deb"));
        }
        BuiltPackage env = deb(buildDir, "sw-env-abc_1_amd64.deb");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(sites.size());
        try {
            List<Future<Void>> results = new ArrayList<>();
            for (BuiltPackage site : sites) {
                Callable<Void> record = () -> {
                    start.await();
                    for (int round = 0; round < 50; round++) {
                        LastBuild.record(buildDir, "trixie", site, List.of(env));
                    }
                    return null;
                };
                results.add(pool.submit(record));
            }
            start.countDown();
            for (Future<Void> result : results) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<Path> last = LastBuild.read(buildDir, "trixie", "sw-site-blue");
        assertThat(last).hasSize(2).endsWith(env.file());
        assertThat(sites).extracting(BuiltPackage::file).contains(last.get(0));
        try (var left = Files.list(buildDir.path().resolve("builds/trixie"))) {
            assertThat(left).extracting(p -> p.getFileName().toString()).containsExactly("sw-site-blue");
        }
    }
}
