package io.github.djdd.core.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianRequirementsTest {
    @TempDir
    Path dir;

    @Test
    void missingFileMeansNone() throws Exception {
        DebianRequirements none = DebianRequirements.read(dir.resolve("venv-debian-requirements.txt"), "x");

        assertThat(none.all()).isEmpty();
    }

    @Test
    void buildOnlyPackagesAreToldApartFromRuntimeOnes() throws Exception {
        Path file = Files.writeString(dir.resolve("venv-debian-requirements.txt"),
                "# database\nlibpq-dev libpq5\n\nbuild-essential   # compiler\nbuild:python3-wheel\nlibjpeg62-turbo\n");

        DebianRequirements debs = DebianRequirements.read(file, "venv-debian-requirements.txt");

        assertThat(debs.runtime()).containsExactly("libpq5", "libjpeg62-turbo");
        assertThat(debs.build()).containsExactly("libpq-dev", "build-essential", "python3-wheel");
        assertThat(debs.all()).containsExactly("libpq5", "libjpeg62-turbo", "libpq-dev", "build-essential",
                "python3-wheel");
    }

    @Test
    void somethingThatIsNotAPackageNameIsNamedWithItsLine() throws Exception {
        Path file = Files.writeString(dir.resolve("src-debian-requirements.txt"), "libpq5\nlibpq5;rm -rf /\n");

        assertThatThrownBy(() -> DebianRequirements.read(file, "app/src-debian-requirements.txt"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("app/src-debian-requirements.txt line 2: 'libpq5;rm' is not a Debian package name");
    }
}
