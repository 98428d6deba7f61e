package io.github.djdd.core.buildroot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.InvalidConfigurationException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildRootOptionsTest {

    @Test
    void defaultsAreTrixieFromDebiansMirror() throws Exception {
        BuildRootOptions options = BuildRootOptions.of(BuildRootOptions.DEFAULT_SUITE, BuildRootOptions.DEFAULT_MIRROR);

        assertThat(options.suite()).isEqualTo("trixie");
        assertThat(options.mirror()).hasToString("http://deb.debian.org/debian");
        assertThat(options.security()).contains(URI.create("http://security.debian.org/debian-security"));
    }

    @Test
    void theSecurityArchiveCanBeLeftOutForAnOfflineMirror() throws Exception {
        assertThat(BuildRootOptions.of("trixie", "file:///srv/mirror", " none ").security()).isEmpty();
        assertThat(BuildRootOptions.of("trixie", "file:///srv/mirror", "https://security.example.org/ds/").security()
                .orElseThrow()).hasToString("https://security.example.org/ds");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "security.debian.org", "ftp://security.debian.org/debian-security", "None"})
    void malformedSecurityMirrorsAreRefused(String security) {
        assertThatThrownBy(() -> BuildRootOptions.of("trixie", BuildRootOptions.DEFAULT_MIRROR, security))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid securityMirror URL")
                .hasMessageContaining("or none for a mirror without one")
                .hasMessageContaining("-Ddjdd.securityMirror");
    }

    @Test
    void trailingSlashOfTheMirrorIsDropped() throws Exception {
        assertThat(BuildRootOptions.of("trixie", "https://mirror.example.org/debian/").mirror())
                .hasToString("https://mirror.example.org/debian");
    }

    @Test
    void fileMirrorsAreAccepted() throws Exception {
        assertThat(BuildRootOptions.of("bookworm", "file:///srv/mirror/debian").mirror())
                .hasToString("file:///srv/mirror/debian");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bookworm", "book worm", "../etc", "b"})
    void malformedSuitesAreRefused(String suite) {
        assertThatThrownBy(() -> BuildRootOptions.of(suite, BuildRootOptions.DEFAULT_MIRROR))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid suite")
                .hasMessageContaining("-Ddjdd.suite");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "deb.debian.org/debian", "ftp://deb.debian.org/debian", "http://", "http://a b/"})
    void malformedMirrorsAreRefused(String mirror) {
        assertThatThrownBy(() -> BuildRootOptions.of("bookworm", mirror))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid mirror URL")
                .hasMessageContaining("-Ddjdd.mirror");
    }
}
