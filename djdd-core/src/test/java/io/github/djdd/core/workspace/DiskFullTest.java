package io.github.djdd.core.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.process.CommandFailedException;
import io.github.djdd.core.process.CommandResult;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFullTest {
    @TempDir
    Path dir;

    @Test
    void pipsFullDiskDeepInItsOutputIsNamedWithTheBuildDir() {
        DjddException pip = new CommandFailedException("pip install failed: see its output above.", new CommandResult(1,
                List.of("Processing django-5.2.wheel", "ERROR: Could not install packages due to an OSError: [Errno 28]"
                        + " No space left on device", "")));

        DjddException explained = DiskFull.explain(dir, pip);

        assertThat(explained.getMessage()).startsWith("No space left on the file system of " + dir + " (")
                .matches(".*\\([0-9]+\\.[0-9] MiB free now\\): free space there or point -Ddjdd.buildDir at a larger"
                        + " disk, then build again\\.");
        assertThat(explained.getCause()).isSameAs(pip);
    }

    @Test
    void javasFullDiskInACauseIsFound() {
        DjddException write = new DjddException("Cannot write x.deb", new IOException("wrapped",
                new FileSystemException("/b/packages/.x.deb.partial: No space left on device")));

        assertThat(DiskFull.caused(write)).isTrue();
    }

    @Test
    void otherFailuresPassUnchanged() {
        DjddException other = new CommandFailedException("pip install failed", new CommandResult(1,
                List.of("ERROR: No matching distribution found for djdd-no-such-package")));

        assertThat(DiskFull.caused(other)).isFalse();
        assertThat(DiskFull.explain(dir, other)).isSameAs(other);
    }
}
