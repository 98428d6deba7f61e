package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.naming.VariantName;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteOptionsTest {
    private static final SiteVariant BLUE = SiteVariant.defaults(new VariantName("blue"));

    @TempDir
    Path dir;

    private Checkout checkout(String managePy) throws Exception {
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("app/manage.py"), managePy);
        return new Checkout(dir, "app");
    }

    @Test
    void settingsComeFromManagePyWhenNothingIsConfigured() throws Exception {
        Checkout checkout = checkout("os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings.base')\n");
        assertThat(SiteOptions.DEFAULTS.settingsFor(BLUE, checkout)).isEqualTo("proj.settings.base");
    }

    @Test
    void theVariantsSettingsWinOverTheSoftwaresAndThoseOverManagePy() throws Exception {
        Checkout checkout = checkout("os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n");
        SiteOptions options = SiteOptions.of("proj.production", null, null, null);
        assertThat(options.settingsFor(BLUE, checkout)).isEqualTo("proj.production");
        SiteVariant own = SiteVariant.builder(new VariantName("blue")).settings("proj.blue").build();
        assertThat(options.settingsFor(own, checkout)).isEqualTo("proj.blue");
    }

    @Test
    void noSettingsAnywhereSaysWhatToSet() throws Exception {
        Checkout checkout = checkout("import sys\n");
        assertThatThrownBy(() -> SiteOptions.DEFAULTS.settingsFor(BLUE, checkout))
                .isInstanceOf(BuildFailedException.class)
                .hasMessage("No settings module for variant blue: app/manage.py sets no DJANGO_SETTINGS_MODULE, so set"
                        + " <settings> (or -Ddjdd.settings=MODULE).");
    }

    @Test
    void configuredValuesAreChecked() {
        assertThatThrownBy(() -> SiteOptions.of("proj settings", null, null, null))
                .hasMessageStartingWith("Invalid <settings> 'proj settings'");
        assertThatThrownBy(() -> SiteOptions.of(null, null, null, "v2"))
                .hasMessageStartingWith("Invalid site version 'v2'");
    }

    @Test
    void aTemplatesFolderThatIsAFileIsRefusedAndAMissingOneMeansNone() throws Exception {
        Path file = Files.writeString(dir.resolve("templates"), "");

        assertThatThrownBy(() -> SiteOptions.DEFAULTS.withTemplates(file, false))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<templates> " + file + " is not a folder: name the folder that holds your versions of"
                        + " djdd's templates (default: djdd/templates beside the deployment POM).");
        SiteOptions missing = SiteOptions.DEFAULTS.withTemplates(dir.resolve("djdd/templates"), true);
        assertThat(missing.templates()).isEqualTo(dir.resolve("djdd/templates"));
        assertThat(missing.projectTemplates()).isTrue();
    }
}
