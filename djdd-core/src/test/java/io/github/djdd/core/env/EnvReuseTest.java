package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvReuseTest {
    private static final SoftwareName SOFTWARE = new SoftwareName("mysoftware");
    private static final String SUITE = "trixie";

    @TempDir
    Path dir;
    private BuildDir buildDir;

    @BeforeEach
    void prepare() throws Exception {
        buildDir = BuildDir.prepare(dir.resolve("build"));
    }

    private static Distribution wheel(int i) {
        return new Distribution("p" + i, "1.0", "", "p" + i + "-1.0-py3-none-any.whl", "%064x".formatted(i),
                "https://files.example/p" + i);
    }

    private static List<Distribution> wheels(int from, int to) {
        return IntStream.range(from, to).mapToObj(EnvReuseTest::wheel).toList();
    }

    /** An env that was built and packaged, with its wheels recorded. */
    private EnvLayout finished(String hash, List<Distribution> distributions) throws Exception {
        EnvLayout layout = new EnvLayout(SOFTWARE, hash);
        Files.createDirectories(layout.hostDir(buildDir, SUITE));
        Files.writeString(layout.hostMarker(buildDir, SUITE), "sha256\n");
        EnvReuse.record(layout, buildDir, SUITE, distributions);
        return layout;
    }

    @Test
    void theEarlierEnvSharingTheMostWheelsIsChosenAndOnlyTheSharedWheelsAreTaken() throws Exception {
        finished("aaaaaaaaaaaa", wheels(0, 6));
        finished("bbbbbbbbbbbb", wheels(0, 9));
        EnvLayout bumped = new EnvLayout(SOFTWARE, "cccccccccccc");

        EnvReuse reuse = EnvReuse.find(bumped, buildDir, SUITE, wheels(0, 10)).orElseThrow();

        assertThat(reuse.hash()).isEqualTo("bbbbbbbbbbbb");
        assertThat(reuse.wheels()).isEqualTo(wheels(0, 9));
    }

    @Test
    void anEnvSharingLessThanHalfTheWheelsOrNeverPackagedOrTheEnvItselfIsNotTaken() throws Exception {
        finished("aaaaaaaaaaaa", wheels(0, 4));
        EnvLayout unfinished = new EnvLayout(SOFTWARE, "bbbbbbbbbbbb");
        Files.createDirectories(unfinished.hostDir(buildDir, SUITE));
        EnvReuse.record(unfinished, buildDir, SUITE, wheels(0, 10));
        EnvLayout same = finished("cccccccccccc", wheels(0, 10));

        assertThat(EnvReuse.find(same, buildDir, SUITE, wheels(0, 10))).isEmpty();
    }

    @Test
    void anEnvWithAProjectFolderTakesNothing() throws Exception {
        finished("aaaaaaaaaaaa", wheels(0, 4));
        List<Distribution> withFolder = new ArrayList<>(wheels(0, 4));
        withFolder.add(new Distribution("mysite", "1.0", "", null, null, "/run/djdd/checkout"));

        assertThat(EnvReuse.find(new EnvLayout(SOFTWARE, "bbbbbbbbbbbb"), buildDir, SUITE, withFolder)).isEmpty();
    }

    @Test
    void theScriptsCountIsReadFromItsLine() {
        assertThat(EnvReuse.taken(List.of("Processing x", "djdd-reused 21 of 22"))).contains("21 of 22");
        assertThat(EnvReuse.taken(List.of("Processing x"))).isEmpty();
    }
}
