package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.buildroot.BindMount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PipOptionsTest {
    @TempDir
    Path dir;

    @Test
    void optionsBecomePipArgumentsInOrder() throws Exception {
        PipOptions pip = PipOptions.of("https://pypi.example.com/simple", List.of("https://extra.example.com/simple"),
                List.of("https://wheels.example.com/"), List.of("pypi.example.com:8443"), List.of("--prefer-binary"),
                dir, Map.of());

        assertThat(pip.arguments()).containsExactly("--index-url", "https://pypi.example.com/simple",
                "--extra-index-url", "https://extra.example.com/simple", "--find-links", "https://wheels.example.com/",
                "--trusted-host", "pypi.example.com:8443", "--prefer-binary");
        assertThat(pip.binds()).isEmpty();
    }

    @Test
    void localIndexAndFindLinksFoldersAreMountedAtTheSamePath() throws Exception {
        Files.createDirectories(dir.resolve("mirror/simple"));
        Files.createDirectories(dir.resolve("wheels"));

        PipOptions pip = PipOptions.of(dir.resolve("mirror/simple").toUri().toString(), List.of(), List.of("wheels"),
                List.of(), List.of(), dir, Map.of());

        assertThat(pip.arguments()).contains("--find-links", dir.resolve("wheels").toString());
        assertThat(pip.binds()).containsExactly(BindMount.sameReadOnly(dir.resolve("mirror")),
                BindMount.sameReadOnly(dir.resolve("wheels")));
    }

    @Test
    void pipVariablesPassThroughAndTheirFoldersAreMounted() throws Exception {
        Files.createDirectories(dir.resolve("env-wheels"));

        PipOptions pip = PipOptions.of(null, List.of(), List.of(), List.of(), List.of(), dir,
                Map.of("PIP_FIND_LINKS", dir.resolve("env-wheels") + " /does/not/exist", "PIP_TIMEOUT", "60",
                        "PIP_CACHE_DIR", "/root/.cache", "HOME", "/root"));

        assertThat(pip.environment()).containsOnlyKeys("PIP_TIMEOUT");
        assertThat(pip.locations()).containsExactly(new PipOptions.Location("--index-url", PipOptions.PYPI),
                new PipOptions.Location("--find-links",
                dir.resolve("env-wheels").toString()), new PipOptions.Location("--find-links", "/does/not/exist"));
        assertThat(pip.binds()).containsExactly(BindMount.sameReadOnly(dir.resolve("env-wheels")));
    }

    @Test
    void theIndexVariablesCountWhereThePomSetsNoLocationOfTheirKind() throws Exception {
        Map<String, String> environment = Map.of("PIP_INDEX_URL", "https://user:token@pypi.example.com/simple",
                "PIP_EXTRA_INDEX_URL", "https://a.example.com/simple https://b.example.com/simple");

        PipOptions fromVariables = PipOptions.of(null, List.of(), List.of(), List.of(), List.of(), dir, environment);
        PipOptions fromPom = PipOptions.of("https://pom.example.com/simple", List.of("https://c.example.com/simple"),
                List.of(), List.of(), List.of(), dir, environment);

        assertThat(PipOptions.of(null, List.of("https://a.example.com/simple"), List.of(), List.of(), List.of(), dir,
                Map.of()).locations()).as("pip's default index, named").first()
                .isEqualTo(new PipOptions.Location("--index-url", PipOptions.PYPI));
        assertThat(PipOptions.of(null, List.of(), List.of(), List.of(), List.of("--no-index"), dir, Map.of())
                .locations()).isEmpty();
        assertThat(fromVariables.arguments()).containsExactly("--index-url", "https://user:token@pypi.example.com/simple",
                "--extra-index-url", "https://a.example.com/simple", "--extra-index-url", "https://b.example.com/simple");
        assertThat(fromVariables.environment()).isEmpty();
        assertThat(fromPom.arguments()).containsExactly("--index-url", "https://pom.example.com/simple",
                "--extra-index-url", "https://c.example.com/simple");
        assertThat(fromPom.locations()).allMatch(PipOptions.Location::remote);
    }

    @Test
    void theOfflineInstallKeepsTheLocalLocationsAndTheExtraArguments() throws Exception {
        Files.createDirectories(dir.resolve("mirror/simple"));
        Files.createDirectories(dir.resolve("wheels"));

        PipOptions remoteOnly = PipOptions.of("https://pypi.example.com/simple", List.of(), List.of("wheels"),
                List.of(), List.of("--prefer-binary"), dir, Map.of()).withRequireHashes(true);
        PipOptions localIndex = PipOptions.of(dir.resolve("mirror/simple").toUri().toString(), List.of(), List.of(),
                List.of(), List.of(), dir, Map.of());

        assertThat(remoteOnly.offlineArguments()).containsExactly("--find-links", dir.resolve("wheels").toString(),
                "--no-index", "--prefer-binary");
        assertThat(remoteOnly.arguments()).endsWith("--require-hashes", "--prefer-binary");
        assertThat(localIndex.offlineArguments()).containsExactly("--index-url",
                dir.resolve("mirror/simple").toUri().toString());
        assertThat(PipOptions.of("https://pypi.example.com/simple", List.of(dir.resolve("mirror/simple").toUri()
                .toString()), List.of(), List.of(), List.of(), dir, Map.of()).offlineArguments()).as("a local extra"
                + " index is the offline install's index").containsExactly("--index-url",
                dir.resolve("mirror/simple").toUri().toString());
    }

    @Test
    void malformedOrMissingLocationsAreNamed() {
        assertThatThrownBy(() -> PipOptions.of("pypi.example.com/simple", List.of(), List.of(), List.of(), List.of(),
                dir, Map.of())).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid <pip><indexUrl> 'pypi.example.com/simple'");
        assertThatThrownBy(() -> PipOptions.of("ht tp://x", List.of(), List.of(), List.of(), List.of(), dir,
                Map.of())).hasMessageContaining("Invalid <pip><indexUrl>");
        assertThatThrownBy(() -> PipOptions.of(null, List.of(), List.of("missing"), List.of(), List.of(), dir,
                Map.of())).hasMessageContaining("The <pip><findLinks> folder " + dir.resolve("missing")
                + " does not exist");
        assertThatThrownBy(() -> PipOptions.of(null, List.of(), List.of(), List.of("bad host"), List.of(), dir,
                Map.of())).hasMessageContaining("Invalid <pip><trustedHosts> entry 'bad host'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file://otherhost/simple", "file:simple", "ht tp://x/",
            "https:///simple", "pypi.example.com", "://"})
    void malformedIndexUrlsNameTheValueAndTheFix(String url) {
        assertThatThrownBy(() -> PipOptions.of(url, List.of(), List.of(), List.of(), List.of(), dir, Map.of()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Invalid <pip><indexUrl> '" + url + "': use an http, https or file URL.");
    }

    @Test
    void anEmptyFindLinkIsRefused() {
        List<String> links = new ArrayList<>();
        links.add(null);
        assertThatThrownBy(() -> PipOptions.of(null, List.of(), links, List.of(), List.of(), dir, Map.of()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Invalid <pip><findLinks> (none): use an http, https or file URL or a folder.");
    }
}
