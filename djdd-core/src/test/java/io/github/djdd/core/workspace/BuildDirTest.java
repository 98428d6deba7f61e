package io.github.djdd.core.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.InvalidConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildDirTest {
    @TempDir
    Path dir;

    @Test
    void prepareCreatesTheFolderAndLeavesNothingBehind() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir.resolve("a/b"));

        assertThat(buildDir.path()).isDirectory();
        try (var files = Files.list(buildDir.path())) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aFileInTheWayIsReportedAsNotWritableWithTheFix() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");

        assertThatThrownBy(() -> BuildDir.prepare(file.resolve("build")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Build dir " + file.resolve("build") + " is not writable")
                .hasMessageContaining("-Ddjdd.buildDir");
    }

    @Test
    void aFolderNobodyCanWriteIsReported() {
        assertThatThrownBy(() -> BuildDir.prepare(Path.of("/proc/djdd-build")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("/proc/djdd-build is not writable");
    }

    @Test
    void workOfDeadProcessesIsRemovedAndOursKept() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Path ours = Files.createDirectories(buildDir.workFolder("sw-0123456789ab"));
        Path dead = Files.createDirectories(buildDir.work().resolve("2147483646-1-sw-0123456789ab/pkg"));
        Files.writeString(dead.resolve("file.py"), "x");
        Files.createSymbolicLink(dead.resolve("link"), Path.of("/etc"));

        buildDir.removeAbandonedWork();

        assertThat(ours).isDirectory();
        assertThat(buildDir.work().resolve("2147483646-1-sw-0123456789ab")).doesNotExist();
        assertThat(Path.of("/etc/passwd")).exists();
    }

    @Test
    void layoutIsUnderTheFolder() {
        BuildDir buildDir = new BuildDir(Path.of("/var/lib/djdd/build/"));

        assertThat(buildDir.root("trixie").path()).isEqualTo(Path.of("/var/lib/djdd/build/roots/trixie"));
        assertThat(buildDir.root("trixie").state()).isEqualTo(Path.of("/var/lib/djdd/build/roots/trixie.properties"));
        assertThat(buildDir.root("trixie").lock()).isEqualTo(Path.of("/var/lib/djdd/build/roots/trixie.lock"));
        assertThat(buildDir.root("trixie").inProgress()).isEqualTo(Path.of("/var/lib/djdd/build/roots/trixie.partial"));
        assertThat(buildDir.legacyRoot().state()).isEqualTo(Path.of("/var/lib/djdd/build/root.properties"));
        assertThat(buildDir.sources()).isEqualTo(Path.of("/var/lib/djdd/build/sources"));
        assertThat(buildDir.packages()).isEqualTo(Path.of("/var/lib/djdd/build/packages"));
    }

    @Test
    void rootRefusesABuildDirFolderOthersCanWriteAndNamesInit() throws Exception {
        Path build = Files.createDirectories(dir.resolve("build"));
        Path packages = Files.createDirectories(build.resolve("packages"));
        Files.setAttribute(packages, "unix:mode", 02775);

        assertThatThrownBy(() -> BuildDir.prepare(build))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("The build dir's folder " + packages + " is writable for others (mode 2775) (an earlier"
                        + " djdd shared it with the 'djdd' group), so others could replace what root builds there: run"
                        + " 'mvn djdd:init' (as root) once with the same -Ddjdd.buildDir; it takes the folder back for"
                        + " root and removes what others wrote in it.");
    }

    @Test
    void rootRefusesALinkInPlaceOfItsFolder() throws Exception {
        Path build = Files.createDirectories(dir.resolve("build"));
        Files.createSymbolicLink(build.resolve("sources"), Files.createDirectories(dir.resolve("elsewhere")));

        assertThatThrownBy(() -> BuildDir.prepare(build))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("The build dir's folder " + build.resolve("sources") + " is a link or no folder");
    }

    @Test
    void rootRefusesABuildDirInAFolderOthersCanWriteWithoutTheStickyBit() throws Exception {
        Path open = Files.createDirectories(dir.resolve("open"));
        Files.setAttribute(open, "unix:mode", 0777);

        assertThatThrownBy(() -> BuildDir.prepare(open.resolve("build")))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("The build dir " + open.resolve("build") + " lies in " + open + ", which others"
                        + " can write (mode 777)");
        Files.setAttribute(open, "unix:mode", 01777);
        assertThat(BuildDir.prepare(open.resolve("build")).own()).isEqualTo(open.resolve("build"));
    }

    @Test
    void aMembersFoldersAreItsOwnInUsers() {
        BuildDir member = new BuildDir(Path.of("/var/lib/djdd/build"), Path.of("/var/lib/djdd/build/users/jenkins"));

        assertThat(member.root("trixie").path()).isEqualTo(Path.of("/var/lib/djdd/build/roots/trixie"));
        assertThat(member.packages()).isEqualTo(Path.of("/var/lib/djdd/build/users/jenkins/packages"));
        assertThat(member.sources()).isEqualTo(Path.of("/var/lib/djdd/build/users/jenkins/sources"));
        assertThat(member.venvs("trixie")).isEqualTo(Path.of("/var/lib/djdd/build/users/jenkins/venvs/trixie"));
        assertThat(member.users()).isEqualTo(Path.of("/var/lib/djdd/build/users"));
    }

    @Test
    void aTreeWithAFolderItsOwnerCannotReadIsDeleted() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("scratch/work/work"));
        Files.setAttribute(tree, "unix:mode", 0);

        BuildDir.deleteTree(dir.resolve("scratch"));

        assertThat(dir.resolve("scratch")).doesNotExist();
    }
}
