package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.checkout.DebianRequirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rule of SPEC §4 with fixed vectors. Each expected value was computed independently as
 * {@code sha256("\n".join(L) + DEB + "\n# python X.Y\n# suite CODENAME\n")[:12]} in Python, DEB being
 * {@code ""} without runtime Debian packages, else {@code "\n# debian " + " ".join(D)}.
 */
class RequirementsHashTest {
    @TempDir
    Path dir;

    private String hashOf(String content) throws Exception {
        return RequirementsHash.of(Files.writeString(dir.resolve("requirements.txt"), content), dir, List.of(), "3.11",
                "bookworm");
    }

    @Test
    void plainFileGivesTheVector() throws Exception {
        assertThat(hashOf("Django==5.2\ngunicorn\n")).isEqualTo("c8ffe77e3f6a");
    }

    @Test
    void hashIgnoresCommentsBlanksWhitespaceAndOrder() throws Exception {
        assertThat(hashOf("# web\n\n  gunicorn   # server\n\nDjango==5.2\r\n#Django==4.0\n")).isEqualTo("c8ffe77e3f6a");
    }

    @Test
    void hashJoinsContinuationLines() throws Exception {
        assertThat(hashOf("Django\\\n==5.2\ngunicorn\n")).isEqualTo("c8ffe77e3f6a");
    }

    @Test
    void aHashInsideARequirementIsNotAComment() throws Exception {
        assertThat(RequirementsHash.normalize(Files.writeString(dir.resolve("requirements.txt"),
                "pkg @ https://example.com/pkg.zip#sha256=ab\n"), dir))
                .containsExactly("pkg @ https://example.com/pkg.zip#sha256=ab");
    }

    @Test
    void changedPinChangesTheHash() throws Exception {
        assertThat(hashOf("Django==5.2.1\ngunicorn\n")).isEqualTo("9beda57b036d");
    }

    @Test
    void pythonAndSuiteArePartOfTheHash() throws Exception {
        Path file = Files.writeString(dir.resolve("requirements.txt"), "gunicorn\nDjango==5.2\n");

        assertThat(RequirementsHash.of(file, dir, List.of(), "3.13", "trixie")).isEqualTo("9a688eb1fb88");
    }

    @Test
    void debianRequirementsArePartOfTheHash() throws Exception {
        Path file = Files.writeString(dir.resolve("requirements.txt"), "gunicorn\nDjango==5.2\n");

        assertThat(RequirementsHash.of(file, dir, List.of("libpq5"), "3.11", "bookworm")).isEqualTo("4940b8bd0efd");
        assertThat(RequirementsHash.of(file, dir, List.of("libpq5"), "3.13", "trixie")).isEqualTo("85a2a36ee4bd");
    }

    @Test
    void debianRequirementsFileNormalizedAsTheHashReadsIt() throws Exception {
        Path requirements = Files.writeString(dir.resolve("requirements.txt"), "gunicorn\nDjango==5.2\n");
        Path debian = Files.writeString(dir.resolve("venv-debian-requirements.txt"),
                "# database\n  libpq5\nlibpq-dev libpq5  # both\n\nlibjpeg62-turbo\nlibpq5\n");

        List<String> lines = DebianRequirements.read(debian, "venv-debian-requirements.txt").lines();

        assertThat(lines).containsExactly("libjpeg62-turbo", "libpq-dev libpq5", "libpq5");
        assertThat(RequirementsHash.of(requirements, dir, lines, "3.11", "bookworm")).isEqualTo("466b036ef430");
    }

    @Test
    void aDebianRequirementsFileThatNamesNothingKeepsTheHash() throws Exception {
        Path debian = Files.writeString(dir.resolve("venv-debian-requirements.txt"), "# none yet\n\n");

        List<String> lines = DebianRequirements.read(debian, "venv-debian-requirements.txt").lines();

        assertThat(lines).isEmpty();
        assertThat(hashOf("Django==5.2\ngunicorn\n")).isEqualTo("c8ffe77e3f6a");
    }

    @Test
    void includesAreExpandedRelativeToTheIncludingFile() throws Exception {
        Files.createDirectories(dir.resolve("requirements"));
        Files.writeString(dir.resolve("requirements/base.txt"), "Django==5.2\n-c constraints.txt\n");
        Files.writeString(dir.resolve("requirements/constraints.txt"), "# pins\ncelery>=5.6\n");

        assertThat(hashOf("-r requirements/base.txt\ngunicorn\n")).isEqualTo("4976b1c4d4a5");
        assertThat(hashOf("--requirement=requirements/base.txt\ngunicorn\n")).isEqualTo("4976b1c4d4a5");
        assertThat(hashOf("-rrequirements/base.txt\ngunicorn\n")).isEqualTo("4976b1c4d4a5");
    }

    @Test
    void changeInAnIncludedFileChangesTheHash() throws Exception {
        Files.writeString(dir.resolve("base.txt"), "Django==5.2\ncelery>=5.6\n");
        String before = hashOf("-r base.txt\ngunicorn\n");
        Files.writeString(dir.resolve("base.txt"), "Django==5.2\ncelery>=5.6\nkombu==5.6.2\n");

        assertThat(before).isEqualTo("4976b1c4d4a5");
        assertThat(hashOf("-r base.txt\ngunicorn\n")).isEqualTo("4a0ce7c0713d");
    }

    @Test
    void emptyFileHasAHashToo() throws Exception {
        assertThat(hashOf("# nothing\n")).isEqualTo("8d08915e0fbe");
    }

    @Test
    void linesAreSortedByCodePoint() throws Exception {
        assertThat(hashOf("\uD835\uDC9C\né\na\nZ\n")).isEqualTo("92355b5d1115");
    }

    @Test
    void includeLoopIsNamed() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "-r b.txt\n");
        Files.writeString(dir.resolve("b.txt"), "-r a.txt\n");

        assertThatThrownBy(() -> hashOf("-r a.txt\n")).isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("include themselves: a.txt -> b.txt -> a.txt");
    }

    @Test
    void missingIncludeIsNamedWithTheIncludingFile() {
        assertThatThrownBy(() -> hashOf("-r nowhere.txt\n")).isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("requirements.txt includes nowhere.txt, which does not exist");
    }

    @Test
    void includeOutsideTheCheckoutIsRefused() {
        assertThatThrownBy(() -> hashOf("-r ../../etc/passwd\n")).isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("outside the checkout");
    }

    @Test
    void missingRequirementsFileNamesTheFix() {
        assertThatThrownBy(() -> RequirementsHash.of(dir.resolve("requirements.txt"), dir, List.of(), "3.11", "bookworm"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("There is no requirements.txt in the checkout");
    }

    @Test
    void binaryGarbageIsRefused() throws Exception {
        Files.write(dir.resolve("requirements.txt"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});

        assertThatThrownBy(() -> RequirementsHash.of(dir.resolve("requirements.txt"), dir, List.of(), "3.11", "bookworm"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("requirements.txt is not UTF-8 text");
    }

    @Test
    void unreadableIncludeNamesTheFileAndTheFix() throws Exception {
        Files.createDirectories(dir.resolve("base.txt"));

        assertThatThrownBy(() -> hashOf("-r base.txt\n")).isInstanceOf(BuildFailedException.class)
                .hasMessage("Cannot read base.txt (Is a directory): make it a plain requirements file committed in the"
                        + " repository.");
    }

    @Test
    void aLinkLoopIsUnreadableNotAStackTrace() throws Exception {
        Files.createSymbolicLink(dir.resolve("base.txt"), Path.of("base.txt"));

        assertThatThrownBy(() -> hashOf("-r base.txt\n")).isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("Cannot read base.txt (")
                .hasMessageEndingWith("): make it a plain requirements file committed in the repository.");
    }

    @Test
    void aLinkOutOfTheCheckoutIsNotFollowed() throws Exception {
        Path secret = Files.writeString(Files.createTempFile("djdd-secret", ".txt"), "hunter2\n");
        try {
            Files.createSymbolicLink(dir.resolve("base.txt"), secret);

            assertThatThrownBy(() -> hashOf("-r base.txt\n")).isInstanceOf(BuildFailedException.class)
                    .hasMessage("base.txt is a link to " + secret.toRealPath() + ", outside the checkout: commit the"
                            + " requirements file itself, not a link.");
        } finally {
            Files.delete(secret);
        }
    }
}
