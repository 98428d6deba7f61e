package io.github.djdd.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@MojoTest
class SrcMojoTest {
    private static final String POM = "src/test/resources/unit/src/pom.xml";

    @TempDir
    Path dir;

    private Path upstream;
    private RevCommit release;

    @BeforeEach
    void upstream() throws Exception {
        upstream = dir.resolve("upstream");
        try (Git git = Git.init().setDirectory(upstream.toFile()).setInitialBranch("main").call()) {
            Files.writeString(upstream.resolve("manage.py"), "");
            git.add().addFilepattern("manage.py").call();
            release = git.commit().setMessage("first").setSign(false).call();
            git.branchCreate().setName("release").call();
        }
    }

    private void configure(SrcMojo mojo) {
        mojo.buildDir = dir.resolve("build").toFile();
        mojo.repository = upstream.toString();
    }

    @Test
    @InjectMojo(goal = "src", pom = POM)
    void pomConfigurationReachesTheGoal(SrcMojo mojo) throws Exception {
        configure(mojo);

        assertThat(mojo.software).isEqualTo("mysoftware");
        assertThat(mojo.variants).extracting(Variant::getName).containsExactly("berlin", "blue");
        assertThat(mojo.variants.get(0).getRef()).isEqualTo("release");
        mojo.execute();
        assertThat(dir.resolve("build/sources/mysoftware/HEAD")).isRegularFile();
    }

    @Test
    @InjectMojo(goal = "src", pom = POM)
    void aVariantBuildWouldRefuseIsRefusedBySrcToo(SrcMojo mojo) {
        configure(mojo);
        mojo.variants.get(1).setRef(" ");

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class).hasMessage("<ref> of variant blue"
                + " is empty: name a branch, tag or commit, or leave <ref> out to build the remote's default branch.");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "src", pom = POM)
    void invalidSoftwareFailsBeforeAnyWork(SrcMojo mojo) {
        configure(mojo);
        mojo.software = "My Software";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Invalid software name 'My Software'");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "src", pom = POM)
    void invalidVariantFailsBeforeAnyWork(SrcMojo mojo) {
        configure(mojo);
        mojo.variants.get(1).setName("Blue");

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Invalid variant name 'Blue'");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "src", pom = POM)
    void duplicateVariantIsRefused(SrcMojo mojo) {
        configure(mojo);
        mojo.variants.get(1).setName("berlin");

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Variant 'berlin' is configured twice");
    }

    @Test
    @InjectMojo(goal = "src", pom = POM)
    void unknownRefFailsTheBuildNamingTheRef(SrcMojo mojo) {
        configure(mojo);
        mojo.ref = "v9";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("Unknown ref 'v9'")
                .hasMessageContaining("branches: main, release");
    }

    @Test
    @InjectMojo(goal = "src", pom = POM)
    void missingRepositoryIsAConfigurationError(SrcMojo mojo) {
        configure(mojo);
        mojo.repository = null;

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("-Ddjdd.repository");
    }

    /**
     * A value Maven cannot decrypt (no settings-security.xml, another master password) stops the goal
     * naming the server and the fix: Maven would otherwise hand over the {@code {...}} text itself,
     * and the server's refusal would blame the key or password.
     */
    @Test
    @InjectMojo(goal = "src", pom = POM)
    void anEncryptedValueMavenCannotDecryptIsNamedBeforeAnyFetch(SrcMojo mojo) {
        configure(mojo);
        Server server = new Server();
        server.setId("company-git");
        server.setPrivateKey(upstream.resolve("manage.py").toString());
        server.setPassphrase("{AAAA}");
        mojo.mavenSettings = new Settings();
        mojo.mavenSettings.addServer(server);
        mojo.repositoryServerId = "company-git";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageStartingWith("Maven cannot decrypt the settings.xml <server> 'company-git' (Failed to"
                        + " decrypt passphrase for server company-git: ")
                .hasMessageNotContaining("Exception")
                .hasMessageEndingWith("): check the master password in settings-security.xml (~/.m2/settings-security.xml,"
                        + " or the file -Dsettings.security names), or encrypt the value again with 'mvn"
                        + " --encrypt-password'.");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "src", pom = POM)
    void skipDoesNothing(SrcMojo mojo) throws Exception {
        configure(mojo);
        mojo.skip = true;

        mojo.execute();

        assertThat(new File(mojo.buildDir, "sources")).doesNotExist();
    }
}
