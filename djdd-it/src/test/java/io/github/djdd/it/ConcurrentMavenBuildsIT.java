package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.store.PackageChecksum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Jenkins jobs on one build machine: two {@code mvn djdd:build} processes of one software
 * started at once on the shared build dir. Both succeed; the env and src they share are built
 * once, by one of them, and reused by the other.
 */
class ConcurrentMavenBuildsIT {
    private static final String SOFTWARE = "djddfarm";
    private static final String VARIANTS = "<variants><variant><name>berlin</name></variant>"
            + "<variant><name>green</name></variant></variants>";

    @TempDir
    static Path dir;

    private static Path upstream;

    @BeforeAll
    static void upstream() throws Exception {
        ItSupport.cachedRoot();
        upstream = SampleProject.create(dir, Map.of());
    }

    @BeforeEach
    void noPackagesYet() throws Exception {
        ItSupport.deletePackages(SOFTWARE, name -> true);
    }

    /** Starts both builds at once and returns their logs, after checking that both succeeded. */
    private static List<String> atOnce(String firstVariant, String secondVariant) throws Exception {
        String pom = MavenBuild.pom(SOFTWARE, upstream, VARIANTS);
        MavenBuild first = MavenBuild.start(dir, pom, "-Dvariant=" + firstVariant);
        MavenBuild second = MavenBuild.start(dir, pom, "-Dvariant=" + secondVariant);
        MavenBuild.Run firstRun = first.await();
        MavenBuild.Run secondRun = second.await();

        assertThat(firstRun.exitCode()).as(firstRun.log()).isZero();
        assertThat(secondRun.exitCode()).as(secondRun.log()).isZero();
        String both = firstRun.log() + secondRun.log();
        for (String kind : List.of("env", "src")) {
            assertThat(count(both, "Built " + SOFTWARE + "-" + kind + "-")).as(kind + " built once").isEqualTo(1);
            assertThat(count(both, "Reusing " + SOFTWARE + "-" + kind + "-")).as(kind + " reused once").isEqualTo(1);
        }
        try (Stream<Path> files = Files.list(ItSupport.cachedBuildDir().resolve("packages"))) {
            for (Path deb : files.filter(f -> f.getFileName().toString().startsWith(SOFTWARE + "-")
                    && f.toString().endsWith(".deb")).toList()) {
                assertThat(PackageChecksum.matches(deb)).as(deb.toString()).isTrue();
            }
        }
        return List.of(firstRun.log(), secondRun.log());
    }

    private static int count(String text, String what) {
        Matcher matcher = Pattern.compile(Pattern.quote(what)).matcher(text);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    private static List<String> packages() throws Exception {
        try (Stream<Path> files = Files.list(ItSupport.cachedBuildDir().resolve("packages"))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.startsWith(SOFTWARE + "-") && f.endsWith(".deb")).toList();
        }
    }

    @Test
    void twoVariantsAtOnce() throws Exception {
        List<String> logs = atOnce("berlin", "green");

        assertThat(logs.get(0)).contains("Built " + SOFTWARE + "-site-berlin_");
        assertThat(logs.get(1)).contains("Built " + SOFTWARE + "-site-green_");
        assertThat(logs.get(0) + logs.get(1)).contains("Waiting for another build that holds the lock on");
        assertThat(packages()).hasSize(4);
    }

    @Test
    void theSameVariantTwiceAtOnce() throws Exception {
        List<String> logs = atOnce("berlin", "berlin");

        assertThat(logs.get(0) + logs.get(1)).contains("Waiting for another build that holds the lock on");
        assertThat(packages()).hasSize(3).anyMatch(name -> name.startsWith(SOFTWARE + "-site-berlin_"));
    }
}
