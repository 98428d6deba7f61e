package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiteVariantsTest {
    private static final SiteVariant BERLIN = SiteVariant.defaults(new VariantName("berlin"));
    private static final SiteVariant BLUE = SiteVariant.defaults(new VariantName("blue"));

    @Test
    void noSelectorSelectsEveryVariantInPomOrder() throws Exception {
        assertThat(SiteVariants.select(List.of(BERLIN, BLUE), " ")).isEqualTo(new SiteVariants(List.of(BERLIN, BLUE),
                true));
    }

    @Test
    void aSelectorSelectsOneVariant() throws Exception {
        assertThat(SiteVariants.select(List.of(BERLIN, BLUE), " blue").selected()).containsExactly(BLUE);
    }

    @Test
    void withoutVariantsTheOneSiteIsNamedAfterTheSoftware() throws Exception {
        SiteVariants none = SiteVariants.select(List.of(), null);

        assertThat(none.selected()).containsExactly(SiteVariant.defaults(VariantName.DEFAULT));
        assertThat(none.layout(new SoftwareName("mysoftware"), none.selected().get(0)).packageName())
                .isEqualTo("mysoftware-site");
    }

    @Test
    void anUnknownSelectorNamesTheVariantsThereAre() {
        assertThatThrownBy(() -> SiteVariants.select(List.of(BERLIN, BLUE), "red"))
                .isInstanceOf(InvalidConfigurationException.class).hasMessage("Unknown variant 'red': use one of"
                        + " berlin, blue (<variants>), or leave -Dvariant out to build them all.");
    }

    @Test
    void aSelectorWithoutVariantsIsRefused() {
        assertThatThrownBy(() -> SiteVariants.select(List.of(), "berlin"))
                .isInstanceOf(InvalidConfigurationException.class).hasMessage("No <variants> are configured, so"
                        + " -Dvariant=berlin names nothing: drop -Dvariant or add the variant to <variants>.");
    }

    @Test
    void aVariantWhoseSiteUserIsASystemAccountIsRefusedEvenWhenAnotherIsSelected() {
        assertThatThrownBy(() -> SiteVariants.select(new SoftwareName("www"), List.of(BERLIN,
                SiteVariant.defaults(new VariantName("data"))), "berlin"))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("The software 'www' and"
                        + " variant 'data' make the site user www-data, an account Debian systems have for themselves");
    }

    @Test
    void withoutVariantsTheDefaultSiteUserIsChecked() throws Exception {
        assertThatThrownBy(() -> SiteVariants.select(new SoftwareName("systemd"), List.of(), null))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageStartingWith("The software 'systemd'"
                        + " makes the site user systemd-default");
        assertThat(SiteVariants.select(new SoftwareName("www"), List.of(BERLIN, BLUE), null).selected())
                .containsExactly(BERLIN, BLUE);
    }

    @Test
    void aNameConfiguredTwiceIsRefused() {
        assertThatThrownBy(() -> SiteVariants.select(List.of(BERLIN, BLUE, BERLIN), null))
                .isInstanceOf(InvalidConfigurationException.class).hasMessage("Variant 'berlin' is configured twice"
                        + " in <variants>: give each <variant> its own <name>.");
    }
}
