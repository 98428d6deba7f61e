package io.github.djdd.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.InvalidConfigurationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValidForTest {
    @Test
    void aWholeNumberOfDaysFromOneToTenYears() throws Exception {
        assertThat(ValidFor.of(ValidFor.DEFAULT).duration()).isEqualTo(Duration.ofDays(14));
        assertThat(ValidFor.of(" 1 ").days()).isEqualTo(1);
        assertThat(ValidFor.of("3650").days()).isEqualTo(3650);
    }

    @Test
    void anythingElseNamesTheSetting() {
        for (String bad : new String[] {"0", "3651", "-1", "1.5", "14d", "", "99999999999"}) {
            assertThatThrownBy(() -> ValidFor.of(bad)).isInstanceOf(InvalidConfigurationException.class)
                    .hasMessage("<validFor> is '" + bad + "': give the days a published Release stays valid, a whole"
                            + " number from 1 to 3650 (default 14, -Ddjdd.publish.validFor), and publish at least that"
                            + " often.");
        }
        assertThatThrownBy(() -> new ValidFor(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
