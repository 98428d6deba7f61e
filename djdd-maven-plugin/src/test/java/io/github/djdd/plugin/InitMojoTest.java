package io.github.djdd.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.plugin.MojoExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@MojoTest
class InitMojoTest {
    private static final String POM = "src/test/resources/unit/init/pom.xml";

    @TempDir
    Path dir;

    @Test
    @InjectMojo(goal = "init", pom = POM)
    void pomConfigurationReachesTheGoal(InitMojo mojo) {
        assertThat(mojo.suite).isEqualTo("trixie");
        assertThat(mojo.mirror).isEqualTo("http://127.0.0.1:9/debian");
        assertThat(mojo.buildDir).hasToString("/var/lib/djdd/build");
        assertThat(mojo.securityMirror).isEqualTo("http://security.debian.org/debian-security");
    }

    @Test
    @InjectMojo(goal = "init", pom = POM)
    void malformedSecurityMirrorIsRefusedBeforeTheBuildDirIsCreated(InitMojo mojo) {
        mojo.buildDir = dir.resolve("build").toFile();
        mojo.securityMirror = "security.debian.org";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Invalid securityMirror URL 'security.debian.org'")
                .hasMessageContaining("-Ddjdd.securityMirror");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "init", pom = POM)
    void malformedSuiteIsRefusedBeforeTheBuildDirIsCreated(InitMojo mojo) {
        mojo.buildDir = dir.resolve("build").toFile();
        mojo.suite = "Trixie!";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Invalid suite 'Trixie!'");
        assertThat(dir.resolve("build")).doesNotExist();
    }

    @Test
    @InjectMojo(goal = "init", pom = POM)
    void invalidSoftwareIsRefused(InitMojo mojo) {
        mojo.buildDir = dir.resolve("build").toFile();
        mojo.software = "x";

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Invalid software name 'x'");
    }

    @Test
    @InjectMojo(goal = "init", pom = POM)
    void unwritableBuildDirIsNamed(InitMojo mojo) {
        mojo.buildDir = Path.of("/proc/djdd").toFile();

        assertThatThrownBy(mojo::execute).isInstanceOf(MojoExecutionException.class)
                .hasMessageContaining("Build dir /proc/djdd is not writable");
    }
}
