package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.Console;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Versions are compared by dpkg itself, as apt will. */
class SiteVersionTest {
    private static final ProcessRunner RUNNER = new ProcessRunner(Console.NULL);
    private static final String HASH = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static boolean dpkgLess(String older, String newer) throws Exception {
        return RUNNER.run(Command.of("dpkg", "--compare-versions", older, "lt", newer).quietly()).succeeded();
    }

    @Test
    void newerCodeSortsHigher() throws Exception {
        String monday = SiteVersion.of(Instant.parse("2026-11-23T09:00:00Z"), 12, "ffffffffffff", HASH);
        String tuesday = SiteVersion.of(Instant.parse("2026-11-24T08:59:59Z"), 12, "000000000000", HASH);
        String later = SiteVersion.of(Instant.parse("2026-11-24T09:00:00Z"), 12, "000000000000", HASH);
        assertThat(dpkgLess(monday, tuesday)).isTrue();
        assertThat(dpkgLess(tuesday, later)).isTrue();
        assertThat(dpkgLess(later, monday)).isFalse();
    }

    @Test
    void sameInputsGiveTheSameVersion() {
        Instant time = Instant.parse("2026-11-23T09:00:00Z");
        assertThat(SiteVersion.of(time, 12, "af755c185f07", HASH)).isEqualTo("20261123.090000.deb12+gaf755c185f07.01234567")
                .isEqualTo(SiteVersion.of(time, 12, "af755c185f07", HASH));
    }

    @Test
    void differentContentGivesADifferentVersion() {
        Instant time = Instant.parse("2026-11-23T09:00:00Z");
        assertThat(SiteVersion.of(time, 12, "af755c185f07", HASH))
                .isNotEqualTo(SiteVersion.of(time, 12, "af755c185f07", "f" + HASH.substring(1)));
    }

    @Test
    void ofOneCommitThePackageForTheNewerDebianSortsHigher() throws Exception {
        Instant time = Instant.parse("2026-11-23T09:00:00Z");
        String bookworm = SiteVersion.of(time, 12, "af755c185f07", "f" + HASH.substring(1));
        String trixie = SiteVersion.of(time, 13, "af755c185f07", HASH);

        assertThat(trixie).isNotEqualTo(bookworm);
        assertThat(dpkgLess(bookworm, trixie)).isTrue();
        assertThat(dpkgLess(SiteVersion.configured("42", 12), SiteVersion.configured("42", 13))).isTrue();
        assertThat(dpkgLess(SiteVersion.configured("42", 13), SiteVersion.configured("43", 12))).isTrue();
        // Versions of djdd before the Debian release was part of them: the same commit's new package upgrades.
        assertThat(dpkgLess("20261123.090000+gaf755c185f07.fffffff", bookworm)).isTrue();
        // A newer commit still wins over the Debian release.
        assertThat(dpkgLess(trixie, SiteVersion.of(time.plusSeconds(1), 12, "000000000000", HASH))).isTrue();
    }

    @Test
    void derivedVersionsAreValidForDpkg() throws Exception {
        String version = SiteVersion.of(Instant.parse("2026-11-23T09:00:00Z"), 12, "af755c185f07", HASH);
        assertThat(RUNNER.run(Command.of("dpkg", "--compare-versions", version, "eq", version).quietly())
                .succeeded()).isTrue();
    }

    /** The warning comes exactly when dpkg sorts the configured version below the derived one. */
    @ParameterizedTest
    @ValueSource(strings = {"42", "20261123.42", "20261123.085959.7", "20261123.090000.42", "20261123.090000",
            "20261123.090001.1", "20261123.090000.deb13", "20261124.1", "2026112310", "99999999"})
    void aConfiguredVersionIsWarnedOfWhenItSortsBelowTheDerivedOne(String configured) throws Exception {
        Instant time = Instant.parse("2026-11-23T09:00:00Z");
        String version = SiteVersion.configured(configured, 13);
        String derived = SiteVersion.of(time, 13, "af755c185f07", HASH);

        assertThat(SiteVersion.belowDerived(version, time, 13, "af755c185f07").isPresent())
                .as(version + " below " + derived).isEqualTo(dpkgLess(version, derived));
    }

    @Test
    void aBuildNumberIsWarnedOfAndTheBuildTimeBeforeItIsNot() {
        Instant commit = Instant.parse("2026-12-07T09:30:00Z");
        assertThat(SiteVersion.belowDerived("42+deb13", commit, 13, "af755c185f07")).contains("The site version"
                + " 42+deb13 (<siteVersion>) sorts below 20261207.093000.deb13+gaf755c185f07.HASH, the version djdd"
                + " gives this build without <siteVersion>: a server that has a site package of djdd's version never"
                + " upgrades to it, and djdd:publish refuses it for a repository that has one. Use a version that"
                + " grows with every build and starts with the build's UTC time, such as YYYYMMDD.HHMMSS.N with the"
                + " build number N (-Ddjdd.siteVersion=$(date -u +%Y%m%d.%H%M%S).$BUILD_NUMBER).");
        // The same day's build number alone is not enough: 42 < 093000.
        assertThat(SiteVersion.belowDerived("20261207.42+deb13", commit, 13, "af755c185f07")).isPresent();
        assertThat(SiteVersion.belowDerived("20261207.143000.42+deb13", commit, 13, "af755c185f07")).isEmpty();
    }

    @Test
    void anOverrideIsTakenAsGiven() throws Exception {
        assertThat(SiteVersion.override(" 42 ")).isEqualTo("42");
        assertThat(SiteVersion.override("2.1.0+build42")).isEqualTo("2.1.0+build42");
        assertThat(SiteVersion.override("")).isNull();
        assertThat(SiteVersion.override(null)).isNull();
        assertThat(dpkgLess("41", "42")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "1:2", "1-2", "1 2", "1/2", "1_2"})
    void anOverrideMustBeAPlainDebianVersion(String version) {
        assertThatThrownBy(() -> SiteVersion.override(version))
                .hasMessage("Invalid site version '" + version + "': start with a digit and use only letters, digits"
                        + " and . + ~ (at most 64 characters), for example 42 or 2.1.0+build42.");
    }
}
