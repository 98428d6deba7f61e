package io.github.djdd.core.deb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class DebianVersionTest {
    @ParameterizedTest(name = "{0} < {1}")
    @CsvSource(delimiter = ' ', value = {
            "1.0 1.0-1",
            "1.0~rc1 1.0",
            "1.0~~ 1.0~",
            "1.0 1.0a",
            "1.0a 1.0+",
            "1.2.9 1.2.10",
            "1.0 1.0+b1",
            "2.0 1:0.1",
            "1.0-1 1.0-1.1",
            "1.0-2 1.0-10",
            "1.0-9 1.0-a",
            "20261129.090817.deb12+gec200f387d1b.c658ecb4 20261129.090817.deb13+gec200f387d1b.c658ecb4",
            "20261129.090817.deb13+gec200f387d1b.c658ecb4 20261129.090818.deb12+gec200f387d1b.c658ecb4",
            "1.0-1 1.0-1+deb12u1",
    })
    void olderSortsFirst(String older, String newer) {
        assertThat(DebianVersion.compare(older, newer)).isNegative();
        assertThat(DebianVersion.compare(newer, older)).isPositive();
    }

    @Test
    void leadingZerosAndAMissingEpochChangeNothing() {
        assertThat(DebianVersion.compare("0001.02", "1.2")).isZero();
        assertThat(DebianVersion.compare("0:1.2-1", "1.2-1")).isZero();
    }

    @Test
    void agreesWithDpkg() throws Exception {
        List<String> versions = new ArrayList<>(List.of("1.0", "1.0-1", "1.0~rc1", "1:0.9", "1.0+b1", "1.0a",
                "1.0.1", "1.0-1~bpo12+1", "2", "1.0-1+deb13u1", "0.9~", "1.0-0"));
        Collections.shuffle(versions);
        versions.sort(DebianVersion.ORDER);
        for (int i = 1; i < versions.size(); i++) {
            Process dpkg = new ProcessBuilder("dpkg", "--compare-versions", versions.get(i - 1), "le",
                    versions.get(i)).start();
            assertThat(dpkg.waitFor()).as(versions.get(i - 1) + " <= " + versions.get(i) + " for dpkg").isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ' ', value = {"1", "1.0-1", "2:1.0~rc1-1+deb12u1", "1.0-beta-2",
            "20261129.090817.deb13+gec200f387d1b.c658ecb4"})
    void debianVersionsAreValid(String version) {
        assertThat(DebianVersion.isValid(version)).isTrue();
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = ' ', value = {"../../evil", "1/../../evil", "1.0-", "x:1", "a1", ":1", "1:", "1_2",
            "1..2/x", "99999999999:1", "''"})
    void versionsThatCouldNameAnotherFileOrBreakTheOrderAreNot(String version) {
        assertThat(DebianVersion.isValid(version)).isFalse();
    }
}
