package io.github.djdd.core.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"ab", "mysoftware", "my-software", "a1", "shop2-api-v3", "abcdefghijklmnop"})
    void softwareNamesThatFollowTheRuleAreAccepted(String name) throws Exception {
        assertThat(SoftwareName.of(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "My", "my software", "1abc", "-abc", "abc-", "a--b", "my_soft", "..",
        "a;rm -rf /", "abcdefghijklmnopq", "ab\n", "ab.c"})
    void softwareNamesThatBreakTheRuleAreRefusedWithTheRule(String name) {
        assertThatThrownBy(() -> SoftwareName.of(name))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid software name")
                .hasMessageContaining("2 to 16 characters")
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).setting()).isEqualTo("software"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "berlin", "blue", "r2d2", "abcdefghijklmno"})
    void variantNamesThatFollowTheRuleAreAccepted(String name) throws Exception {
        assertThat(VariantName.of(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Berlin", "new-york", "9th", "a b", "abcdefghijklmnop", "..", "a;rm -rf /", "x\ty"})
    void variantNamesThatBreakTheRuleAreRefusedWithTheRule(String name) {
        assertThatThrownBy(() -> VariantName.of(name))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid variant name")
                .hasMessageContaining("1 to 15 lowercase letters and digits");
    }

    @Test
    void controlCharactersAreShownInTheMessage() {
        assertThatThrownBy(() -> VariantName.of("x\ty")).hasMessageContaining("'x\\x09y'");
    }

    @Test
    void missingNameIsNamedAsMissing() {
        assertThatThrownBy(() -> SoftwareName.of(null)).hasMessageContaining("Invalid software name (none)");
    }
}
