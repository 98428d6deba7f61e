package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.checkout.Checkout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockInputTest {
    @TempDir
    Path dir;

    private Checkout checkout;

    @BeforeEach
    void project() throws Exception {
        checkout = new Checkout(dir, "app");
        Files.createDirectories(checkout.file("."));
    }

    private void files(String... names) throws Exception {
        for (String name : names) {
            Files.writeString(checkout.file(name), "");
        }
    }

    private static PipOptions.Lock lock(String file) {
        return new PipOptions.Lock(Optional.ofNullable(file), List.of(), List.of(), false);
    }

    @Test
    void aLockComesBeforeRequirementsInTheDocumentedOrder() throws Exception {
        files("requirements.txt", "poetry.lock");
        assertThat(LockInput.of(checkout, PipOptions.Lock.DEFAULT)).isEqualTo(new LockInput("poetry.lock"));
        files("uv.lock");
        assertThat(LockInput.of(checkout, lock("uv.lock")).requirements()).isFalse();
        assertThat(LockInput.of(checkout, lock("requirements.txt")).requirements()).isTrue();
    }

    @Test
    void requirementsAloneAreTheInputAsBefore() throws Exception {
        files("requirements.txt");
        assertThat(LockInput.of(checkout, PipOptions.Lock.DEFAULT)).isEqualTo(new LockInput("requirements.txt"));
        assertThat(LockInput.found(checkout)).isEqualTo("requirements.txt");
    }

    @Test
    void twoLocksAndNoChoiceNameBoth() throws Exception {
        files("uv.lock", "pylock.toml");
        assertThatThrownBy(() -> LockInput.of(checkout, PipOptions.Lock.DEFAULT))
                .isInstanceOf(BuildFailedException.class)
                .hasMessage("The project has app/pylock.toml and app/uv.lock, and djdd builds from one lock: set"
                        + " <pip><lockFile> to the one the servers should get, or remove the other.");
        assertThat(LockInput.of(checkout, lock("pylock.toml")).file()).isEqualTo("pylock.toml");
    }

    @Test
    void aNamedFileThatIsNotThereOrOfNoKnownKindIsRefused() throws Exception {
        assertThatThrownBy(() -> LockInput.of(checkout, lock("uv.lock")))
                .hasMessage("The project has no app/uv.lock, which <pip><lockFile> names: commit it, or fix"
                        + " <pip><lockFile>.");
        assertThatThrownBy(() -> LockInput.of(checkout, lock("Pipfile.lock")))
                .hasMessageStartingWith("<pip><lockFile> Pipfile.lock is no file djdd reads: name pylock.toml");
    }

    @Test
    void groupsExtrasAndTheProjectNeedALock() throws Exception {
        files("requirements.txt");
        assertThatThrownBy(() -> LockInput.of(checkout, new PipOptions.Lock(Optional.empty(), List.of("dev"),
                List.of(), false)))
                .hasMessage("<pip><groups> applies to a lock file (pylock.toml, uv.lock, poetry.lock), and the project"
                        + " builds from app/requirements.txt: list what it should install there (the project itself"
                        + " as a line '.'), or remove <groups>.");
    }

    @Test
    void settingsAreCheckedAsNames() throws Exception {
        PipOptions pip = PipOptions.of(null, List.of(), List.of(), List.of(), List.of(), dir, Map.of());
        assertThatThrownBy(() -> pip.withLock("../uv.lock", List.of(), List.of(), false))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("<pip><lockFile> '../uv.lock' is no file name of the project folder");
        assertThatThrownBy(() -> pip.withLock(null, List.of("dev group"), List.of(), false))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("<pip><groups> has 'dev group', which is no group or extra name");
        assertThat(pip.withLock(" uv.lock ", List.of("prod"), List.of("postgres"), true).lock())
                .isEqualTo(new PipOptions.Lock(Optional.of("uv.lock"), List.of("prod"), List.of("postgres"), true));
    }
}
