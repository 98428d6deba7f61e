package io.github.djdd.core.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.InvalidConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BuildRequestTest {

    @ParameterizedTest
    @CsvSource(value = {"'',''", "'.',''", "app,app", "app/,app", "src/django,src/django"}, nullValues = "null")
    void projectDirIsARelativeFolder(String value, String expected) throws Exception {
        assertThat(BuildRequest.projectDir(value)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/app", "../app", "app/../..", "a/./b", "..", "a\\b"})
    void projectDirOutsideTheRepositoryIsRefused(String value) {
        assertThatThrownBy(() -> BuildRequest.projectDir(value)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid <projectDir>");
    }
}
