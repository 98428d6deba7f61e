package io.github.djdd.core.project;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.Console;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.publish.ValidFor;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectPromoteTest {
    @TempDir
    Path dir;

    @Test
    void aVersionNamesOneSiteSoTwoSelectedVariantsAreRefusedBeforeTheRepositoryIsRead() throws Exception {
        SiteVariants both = new SiteVariants(List.of(SiteVariant.defaults(new VariantName("berlin")),
                SiteVariant.defaults(new VariantName("paris"))), true);
        ProjectPromote promote = new ProjectPromote(new ProjectPromote.Request("trixie", new SoftwareName("mysoftware"),
                both, new PublishRequest.Folder(dir.resolve("repo"), dir.resolve("no-key.asc"), new char[0],
                        new ValidFor(14)), 5), Console.NULL);

        assertThatThrownBy(() -> promote.promote(Optional.of("20261207.1")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<promoteVersion> 20261207.1 names the version of one site, but 2 variants are selected:"
                        + " choose one with -Dvariant=NAME, or leave the version out to promote each site's newest in"
                        + " staging.");
    }
}
