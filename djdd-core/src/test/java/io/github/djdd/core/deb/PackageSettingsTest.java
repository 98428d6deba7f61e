package io.github.djdd.core.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.InvalidConfigurationException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PackageSettingsTest {
    private static final Map<String, String> EPOCH = Map.of("SOURCE_DATE_EPOCH", "1700000000");

    @ParameterizedTest
    @CsvSource({"1767225600,2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z,2026-01-01T00:00:00Z",
        "2026-01-01T02:00:00+02:00,2026-01-01T00:00:00Z"})
    void outputTimestampWinsOverSourceDateEpoch(String value, String expected) throws Exception {
        assertThat(PackageSettings.timestamp(value, EPOCH)).contains(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "1"})
    void unsetOutputTimestampFallsBackToSourceDateEpoch(String value) throws Exception {
        assertThat(PackageSettings.timestamp(value, EPOCH)).contains(Instant.ofEpochSecond(1_700_000_000L));
        assertThat(PackageSettings.timestamp(null, EPOCH)).contains(Instant.ofEpochSecond(1_700_000_000L));
    }

    @Test
    void neitherMeansTheCommitsTime() throws Exception {
        assertThat(PackageSettings.timestamp(null, Map.of("SOURCE_DATE_EPOCH", "soon"))).isEmpty();
        PackageSettings settings = new PackageSettings(DebControl.DEFAULT_MAINTAINER, Compression.GZIP,
                Optional.empty());
        assertThat(settings.timestampFor(Instant.EPOCH)).isEqualTo(Instant.EPOCH);
    }

    @Test
    void anUnreadableOutputTimestampIsRefused() {
        assertThatThrownBy(() -> PackageSettings.timestamp("yesterday", Map.of()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessage("Invalid project.build.outputTimestamp"
                        + " 'yesterday': use seconds since 1970 or an ISO-8601 time such as 2026-01-01T00:00:00Z.");
    }
}
