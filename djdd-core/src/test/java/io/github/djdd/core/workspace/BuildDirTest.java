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
    void foldersMadeUnderASharedFolderAreSharedTooAndOthersAreLeftAsTheyAre() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setAttribute(shared, "unix:mode", 02775);
        Path plain = Files.createDirectories(dir.resolve("plain"));
        Files.setAttribute(plain, "unix:mode", 0755);

        BuildDir.createSharedDirectories(shared.resolve("trixie/deeper"));
        BuildDir.createSharedDirectories(plain.resolve("trixie"));

        assertThat((int) Files.getAttribute(shared.resolve("trixie"), "unix:mode") & 07777).isEqualTo(02775);
        assertThat((int) Files.getAttribute(shared.resolve("trixie/deeper"), "unix:mode") & 07777).isEqualTo(02775);
        assertThat((int) Files.getAttribute(plain.resolve("trixie"), "unix:mode") & 02020).isZero();
    }

    @Test
    void aTreeWithAFolderItsOwnerCannotReadIsDeleted() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("scratch/work/work"));
        Files.setAttribute(tree, "unix:mode", 0);

        BuildDir.deleteTree(dir.resolve("scratch"));

        assertThat(dir.resolve("scratch")).doesNotExist();
    }
}
