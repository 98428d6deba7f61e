package io.github.djdd.core.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.github.djdd.core.InvalidConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SystemAccountsTest {

    @ParameterizedTest
    @CsvSource({"www, data", "ssl, cert", "systemd, network", "systemd-journal, remote", "debian, tor",
        "libvirt, qemu", "fwupd, refresh"})
    void aSiteUserNamedLikeASystemAccountIsRefusedNamingBothAndTheFix(String software, String variant) {
        assertThatThrownBy(() -> SystemAccounts.refuseSiteUser(new SoftwareName(software), new VariantName(variant),
                true))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("The software '" + software + "' and variant '" + variant + "' make the site user "
                        + software + "-" + variant + ", an account Debian systems have for themselves, as which the"
                        + " site would run with that account's files and rights: give the variant (or the software)"
                        + " another name.")
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).setting()).isEqualTo("variants"));
    }

    @ParameterizedTest
    @CsvSource({"systemd", "debian"})
    void withoutVariantsOnlyTheSoftwareIsToRename(String software) {
        assertThatThrownBy(() -> SystemAccounts.refuseSiteUser(new SoftwareName(software), VariantName.DEFAULT, false))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("The software '" + software + "' makes the site user " + software + "-default, an account"
                        + " Debian systems have for themselves, as which the site would run with that account's files"
                        + " and rights: give the software another name.")
                .satisfies(e -> assertThat(((InvalidConfigurationException) e).setting()).isEqualTo("software"));
    }

    @ParameterizedTest
    @CsvSource({"www, berlin", "mysoftware, data", "sslcert, cert", "wwwdata, www", "my-systemd, network"})
    void otherSiteUsersAreAccepted(String software, String variant) {
        assertThatNoException().isThrownBy(() -> SystemAccounts.refuseSiteUser(new SoftwareName(software),
                new VariantName(variant), true));
    }
}
