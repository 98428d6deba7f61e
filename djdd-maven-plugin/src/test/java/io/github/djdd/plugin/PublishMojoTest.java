package io.github.djdd.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.publish.AptlyServer;
import io.github.djdd.core.publish.TestDebs;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.store.LastBuild;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@MojoTest
class PublishMojoTest {
    private static final String POM = "src/test/resources/unit/publish/pom.xml";

    @TempDir
    Path dir;

    private void configure(PublishMojo mojo) {
        mojo.buildDir = dir.resolve("build").toFile();
        mojo.folder = dir.resolve("repo").toFile();
        mojo.keyFile = dir.resolve("ops.asc").toFile();
        mojo.suite = "trixie";
    }

    /** A gpg key with a passphrase in ops.asc, and a recorded build of berlin in the build dir. */
    private void keyAndBuild() throws Exception {
        TestDebs.gpgKey(dir, "ops", "from settings");
        BuildDir buildDir = BuildDir.prepare(dir.resolve("build"));
        Files.createDirectories(buildDir.packages());
        Path env = deb(buildDir, "mysoftware-env-aaaa", "1", "amd64", "");
        Path src = deb(buildDir, "mysoftware-src-1111", "1", "all", "");
        Path site = deb(buildDir, "mysoftware-site-berlin", "2", "all", "Depends: mysoftware-env-aaaa, mysoftware-src-1111\n");
        LastBuild.record(buildDir, "trixie", new BuiltPackage("mysoftware-site-berlin", site, false),
                List.of(new BuiltPackage("mysoftware-env-aaaa", env, true),
                        new BuiltPackage("mysoftware-src-1111", src, true)));
    }

    /** A package as djdd:build leaves it in packages/: with its checksum file. */
    private Path deb(BuildDir buildDir, String name, String version, String arch, String fields) throws Exception {
        Path deb = Files.copy(TestDebs.deb(dir, name, version, arch, fields),
                buildDir.packages().resolve(name + "_" + version + "_" + arch + ".deb"));
        PackageChecksum.write(deb, deb);
        return deb;
    }

    /** settings.xml's server apt-signing, whose password is the key's passphrase, named by serverId. */
    private static void signingServer(PublishMojo mojo) {
        Server server = new Server();
        server.setId("apt-signing");
        server.setPassword("from settings");
        mojo.mavenSettings = new Settings();
        mojo.mavenSettings.addServer(server);
        mojo.serverId = "apt-signing";
    }

    @Test
    @InjectMojo(goal = "publish", pom = POM)
    void theServersPasswordUnlocksTheKeyAndTheLastBuildIsPublished(PublishMojo mojo) throws Exception {
        configure(mojo);
        keyAndBuild();
        signingServer(mojo);
        mojo.variant = "berlin";

        mojo.execute();

        String packages = Files.readString(dir.resolve("repo/dists/trixie/main/binary-amd64/Packages"));
        assertThat(packages).contains("Package: mysoftware-site-berlin\n", "Package: mysoftware-env-aaaa\n",
                "Package: mysoftware-src-1111\n");
        assertThat(dir.resolve("repo/mysoftware-archive-keyring.gpg")).isRegularFile();
        String release = Files.readString(dir.resolve("repo/dists/trixie/Release"));
        assertThat(java.time.Duration.between(time(release, "Date"), time(release, "Valid-Until")))
                .as("the default <validFor>").isEqualTo(java.time.Duration.ofDays(14));
    }

    private static java.time.Instant time(String release, String field) {
        String value = release.lines().filter(line -> line.startsWith(field + ": ")).findFirst().orElseThrow()
                .substring(field.length() + 2).replace(" UTC", " GMT");
        return java.time.Instant.from(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.parse(value));
    }

    @Test
    @InjectMojo(goal = "publish", pom = POM)
    void validForSetsValidUntilAndMustBeAWholeNumberOfDays(PublishMojo mojo) throws Exception {
        configure(mojo);
        keyAndBuild();
        signingServer(mojo);
        mojo.variant = "berlin";
        for (String bad : List.of("0", "two weeks", "-3", "3651")) {
            mojo.validFor = bad;
            assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessage("<validFor> is '"
                    + bad + "': give the days a published Release stays valid, a whole number from 1 to 3650 (default"
                    + " 14, -Ddjdd.publish.validFor), and publish at least that often.");
        }
        assertThat(dir.resolve("repo/dists")).doesNotExist();

        mojo.validFor = "3";
        mojo.execute();
        String release = Files.readString(dir.resolve("repo/dists/trixie/Release"));
        assertThat(java.time.Duration.between(time(release, "Date"), time(release, "Valid-Until")))
                .isEqualTo(java.time.Duration.ofDays(3));
    }

    @Test
    @InjectMojo(goal = "publish", pom = POM)
    void aVariantThatWasNotBuiltSaysToBuildIt(PublishMojo mojo) throws Exception {
        configure(mojo);
        keyAndBuild();
        signingServer(mojo);
        mojo.variant = "blue";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessage("No build of"
                + " mysoftware-site-blue for trixie in " + dir.resolve("build") + ": run 'mvn djdd:build"
                + " -Ddjdd.suite=trixie' first; djdd:publish publishes what it made.");
        assertThat(dir.resolve("repo/dists")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "publish", pom = POM)
    void anUnknownServerIdIsNamed(PublishMojo mojo) {
        configure(mojo);
        mojo.mavenSettings = new Settings();
        mojo.serverId = "apt-signing";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessage("settings.xml has"
                + " no <server> with the id 'apt-signing': add one whose <password> is the signing key's passphrase,"
                + " or leave -Ddjdd.publish.serverId out and set DJDD_SIGNING_PASSPHRASE.");
    }

    @Test
    @InjectMojo(goal = "publish", pom = POM)
    void aMissingFolderOrKeyIsNamedBeforeAnyWork(PublishMojo mojo) {
        configure(mojo);
        mojo.folder = null;
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessage("No repository"
                + " configured: set <folder> in the plugin's configuration or pass -Ddjdd.publish.folder=DIR (or"
                + " <aptly> for an aptly server).");
        mojo.folder = dir.resolve("repo").toFile();
        mojo.keyFile = null;
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessage("No signing key"
                + " configured: set <keyFile> or pass -Ddjdd.publish.keyFile=FILE, an ASCII-armoured secret key ('gpg"
                + " --armor --export-secret-keys KEYID').");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "publish", pom = POM)
    void anAptlyServerGetsTheLastBuildInTheRepositoryOfTheSuite(PublishMojo mojo) throws Exception {
        configure(mojo);
        keyAndBuild();
        mojo.folder = null;
        mojo.keyFile = null;
        mojo.variant = "berlin";
        try (AptlyServer aptly = AptlyServer.start(Files.createDirectories(dir.resolve("aptly")))) {
            Path publication = aptly.createPublished("mysoftware-trixie", "trixie");
            mojo.aptly = aptly.url();
            assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessage("<aptly> '"
                    + aptly.url() + "' is plain http: djdd would send the packages, and any <aptlyServerId> password,"
                    + " unencrypted, and anyone on the way could alter what aptly then signs; use an https URL, or set"
                    + " <aptlyInsecure>true</aptlyInsecure> (-Ddjdd.publish.aptlyInsecure) for an aptly on this"
                    + " machine or on a network you trust.");

            // aptly on this machine, over loopback
            mojo.aptlyInsecure = true;
            mojo.execute();

            assertThat(Files.readString(publication.resolve("dists/trixie/main/binary-amd64/Packages")))
                    .contains("Package: mysoftware-site-berlin\n", "Package: mysoftware-env-aaaa\n",
                            "Package: mysoftware-src-1111\n");
        }
    }

    @Test
    @InjectMojo(goal = "publish", pom = POM)
    void aFolderAndAnAptlyServerAtOnceOrAnUnknownAptlyServerIdAreRefused(PublishMojo mojo) {
        configure(mojo);
        mojo.aptly = "http://aptly.example.org:8080/";
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessage("Both <folder> and"
                + " <aptly> are set: djdd:publish publishes to one repository; remove one of them.");
        mojo.folder = null;
        mojo.mavenSettings = new Settings();
        mojo.aptlyServerId = "aptly";
        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessage("settings.xml has"
                + " no <server> with the id 'aptly': add one whose <username> and <password> aptly's proxy accepts,"
                + " or leave -Ddjdd.publish.aptlyServerId out.");
        assertThat(dir.resolve("build")).doesNotExist();
    }
}
