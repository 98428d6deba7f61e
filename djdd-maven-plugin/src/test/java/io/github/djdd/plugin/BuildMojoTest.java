package io.github.djdd.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.site.SiteVariant;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parameter handling of djdd:build: every bad value fails before the build dir is touched. */
@MojoTest
class BuildMojoTest {
    private static final String POM = "src/test/resources/unit/build/pom.xml";

    @TempDir
    Path dir;

    private void configure(BuildMojo mojo) {
        mojo.buildDir = dir.resolve("build").toFile();
        mojo.basedir = dir.toFile();
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void pomConfigurationReachesTheGoal(BuildMojo mojo) throws Exception {
        assertThat(mojo.projectDir).isEqualTo("app");
        assertThat(mojo.compression).isEqualTo("gzip");
        assertThat(mojo.pip.getIndexUrl()).isEqualTo("https://pypi.example.com/simple");
        assertThat(mojo.pip.getExtraIndexUrls()).containsExactly("https://extra.example.com/simple");
        assertThat(mojo.variants).extracting(Variant::getName).containsExactly("berlin", "blue");
        assertThat(mojo.settings).isEqualTo("mysite.settings.production");
        assertThat(mojo.siteVersion).isEqualTo("42");
        assertThat(mojo.projectTemplates).isTrue();
        // The harness's ${basedir} is the module's, not the test POM's folder.
        assertThat(mojo.templates.toPath()).as("beside the deployment POM")
                .isEqualTo(mojo.basedir.toPath().resolve("djdd/templates"));
        Variant berlin = mojo.variants.get(0);
        assertThat(berlin.getServerName()).isEqualTo("berlin.example.com");
        assertThat(berlin.getListen()).isEqualTo("8080");
        assertThat(berlin.getMigrate()).isTrue();
        assertThat(berlin.getCeleryBeat()).isTrue();
        assertThat(berlin.getWorkers()).isEqualTo("5");
        assertThat(berlin.getEnvironment()).containsEntry("DEBUG", "0").containsEntry("MOTD", "it's \"here\"");
        assertThat(mojo.variants.get(1).getCelery()).isFalse();
        assertThat(mojo.variants.get(1).getQueue()).isFalse();
        assertThat(berlin.toSiteVariant().tls()).contains(new SiteVariant.Tls(
                "/etc/letsencrypt/live/berlin.example.com/fullchain.pem",
                "/etc/letsencrypt/live/berlin.example.com/privkey.pem", 8443));
        assertThat(berlin.toSiteVariant().mediaServerName()).isEqualTo("media.berlin.example.com");
        assertThat(mojo.variants.get(1).toSiteVariant().tls()).contains(new SiteVariant.Tls(
                "/etc/ssl/certs/blue.pem", "/etc/ssl/private/blue.key", 443));
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void listenThatIsNotAPortIsRefusedBeforeAnyWork(BuildMojo mojo) {
        configure(mojo);
        mojo.variants.get(0).setListen("http");

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessage("<listen> of variant berlin 'http' is not a port: use a whole number from 1 to 65535.");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void migrateWithoutDatabaseIsRefusedBeforeAnyWork(BuildMojo mojo) {
        configure(mojo);
        mojo.variants.get(0).setDatabase(false);

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageStartingWith("<migrate> of variant berlin is true but <database> is false");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void twoVariantsWithTheSameNameAreRefused(BuildMojo mojo) {
        configure(mojo);
        mojo.variants.get(1).setName("berlin");

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessage("Variant 'berlin' is configured twice in <variants>: give each <variant> its own <name>.");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void serverNameWithSpacesIsRefused(BuildMojo mojo) {
        configure(mojo);
        mojo.variants.get(0).setServerName("berlin.example.com www.example.com");

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("is not a host name");
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void malformedSiteVersionIsRefused(BuildMojo mojo) {
        configure(mojo);
        mojo.siteVersion = "v1";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageStartingWith("Invalid site version 'v1'");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void templatesThatIsNoFolderIsRefusedBeforeAnyWork(BuildMojo mojo) throws Exception {
        configure(mojo);
        mojo.templates = Files.writeString(dir.resolve("templates"), "").toFile();

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageStartingWith("<templates> " + dir.resolve("templates") + " is not a folder");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void unknownVariantNamesTheConfiguredOnes(BuildMojo mojo) {
        configure(mojo);
        mojo.variant = "paris";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessage("Unknown variant 'paris': use one of berlin, blue (<variants>), or leave -Dvariant out to"
                        + " build them all.");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void variantWithoutVariantsIsRefused(BuildMojo mojo) {
        configure(mojo);
        mojo.variants.clear();
        mojo.variant = "berlin";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("No <variants> are configured, so -Dvariant=berlin names nothing");
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void unknownCompressionIsRefused(BuildMojo mojo) {
        configure(mojo);
        mojo.compression = "bzip2";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Unknown compression 'bzip2': use zstd, xz, gzip or none");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void malformedPipUrlIsRefused(BuildMojo mojo) {
        configure(mojo);
        mojo.pip.setIndexUrl("pypi.example.com");

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Invalid <pip><indexUrl> 'pypi.example.com'");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void projectDirOutsideTheRepositoryIsRefused(BuildMojo mojo) {
        configure(mojo);
        mojo.projectDir = "../elsewhere";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Invalid <projectDir> '../elsewhere'");
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void malformedOutputTimestampIsRefused(BuildMojo mojo) {
        configure(mojo);
        mojo.outputTimestamp = "yesterday";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Invalid project.build.outputTimestamp 'yesterday'");
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void missingBuildRootSaysToRunInitForTheSuite(BuildMojo mojo) {
        configure(mojo);
        mojo.suite = "trixie";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("has no complete trixie build root: run 'mvn djdd:init -Ddjdd.suite=trixie'");
    }

    @Test
    @InjectMojo(goal = "build", pom = POM)
    void invalidSuiteIsRefused(BuildMojo mojo) {
        configure(mojo);
        mojo.suite = "Trixie 13";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Invalid suite 'Trixie 13': use a Debian codename");
    }
}
