package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.publish.TestDebs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Jenkins agents, each with a build dir of its own, and one repository: the first builds
 * and publishes ({@code mvn djdd:build djdd:publish}), the second builds the same commit with
 * {@code -Ddjdd.aptRepository} and downloads the env and src packages instead of building them.
 */
class BuildAgentsIT {
    private static final String SOFTWARE = "djddagents";

    @TempDir
    Path dir;

    @Test
    void theSecondAgentDownloadsTheEnvAndSrcTheFirstPublished() throws Exception {
        ItSupport.cachedRoot();
        ItSupport.deletePackages(SOFTWARE, name -> true);
        Path upstream = SampleProject.create(dir, Map.of());
        Path key = TestDebs.gpgKey(Files.createDirectories(dir.resolve("signing")), "it", "");
        Path repository = dir.resolve("repository");
        String pom = MavenBuild.pom(SOFTWARE, upstream, "");

        long start = System.nanoTime();
        MavenBuild.Run first = MavenBuild.run(dir, pom, List.of("build", "publish"),
                "-Ddjdd.publish.folder=" + repository, "-Ddjdd.publish.keyFile=" + key);
        double firstSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(first.exitCode()).as(first.log()).isZero();
        assertThat(first.log()).contains("Built " + SOFTWARE + "-env-", "Built " + SOFTWARE + "-src-",
                "Published to " + repository);

        // The second agent's own build dir, with the root djdd:init would make there (copied, to save the bootstrap).
        Path agent = dir.resolve("agent2");
        Path roots = Files.createDirectories(agent.resolve("roots"));
        Path cachedRoots = ItSupport.cachedBuildDir().resolve("roots");
        new ProcessRunner(new ItSupport.RecordingConsole()).check(Command.of("cp", "-a", "--reflink=auto",
                cachedRoots.resolve(ItSupport.SUITE).toString(),
                cachedRoots.resolve(ItSupport.SUITE + ".properties").toString(), roots.toString()).quietly());
        try {
            start = System.nanoTime();
            MavenBuild.Run second = MavenBuild.run(dir, pom, List.of("build"), "-Ddjdd.buildDir=" + agent,
                    "-Ddjdd.aptRepository=" + repository.toUri(),
                    "-Ddjdd.aptRepositoryKey=" + repository.resolve(SOFTWARE + "-archive-keyring.gpg"));
            double secondSeconds = (System.nanoTime() - start) / 1e9;
            assertThat(second.exitCode()).as(second.log()).isZero();
            for (String kind : List.of("env", "src")) {
                assertThat(second.log()).as(kind).containsPattern("Reusing " + SOFTWARE + "-" + kind
                        + "-\\S+\\.deb: downloaded from " + repository.toUri() + ", where another build published it\\.")
                        .doesNotContain("Built " + SOFTWARE + "-" + kind + "-");
            }
            try (Stream<Path> debs = Files.list(agent.resolve("packages"))) {
                for (Path deb : debs.filter(file -> file.getFileName().toString().matches(SOFTWARE
                        + "-(env|src)-.*\\.deb")).toList()) {
                    assertThat(deb).hasSameBinaryContentAs(ItSupport.cachedBuildDir().resolve("packages")
                            .resolve(deb.getFileName()));
                }
            }
            System.out.printf("[measure] first agent, build and publish: %.1f s; second agent, same commit with the"
                    + " first's repository: %.1f s%n", firstSeconds, secondSeconds);
        } finally {
            new ProcessRunner(new ItSupport.RecordingConsole()).check(Command.of("rm", "-rf", "--one-file-system",
                    roots.toString()).quietly());
        }
    }
}
