package io.github.djdd.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.RecordingConsole;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessRunnerTest {
    private final RecordingConsole console = new RecordingConsole();
    private final List<String> logged = console.logged;
    private final ProcessRunner runner = new ProcessRunner(console);

    @Test
    void streamsEveryLineOfBothStreamsToTheConsole() throws Exception {
        CommandResult result = runner.check(Command.of("sh", "-c", "echo one; echo two >&2; echo three"));

        assertThat(result.output()).containsExactlyInAnyOrder("one", "two", "three");
        assertThat(logged).contains("info: one", "info: two", "info: three");
    }

    @Test
    void quietCommandsLogAtDebugLevel() throws Exception {
        runner.check(Command.of("echo", "hidden").quietly());

        assertThat(logged).contains("debug: hidden").doesNotContain("info: hidden");
    }

    @Test
    void argumentsAreNotInterpretedByAShell() throws Exception {
        CommandResult result = runner.check(Command.of("printf", "%s|", "a b", "$HOME", "'q'", "x;y"));

        assertThat(result.output()).containsExactly("a b|$HOME|'q'|x;y|");
    }

    @Test
    void environmentIsAddedToTheInheritedOne() throws Exception {
        CommandResult result = runner.check(Command.of("sh", "-c", "echo $DJDD_TEST:${PATH:+path}")
                .withEnvironment(Map.of("DJDD_TEST", "value")));

        assertThat(result.output()).containsExactly("value:path");
    }

    @Test
    void failureStatusIsReturnedByRunAndThrownByCheckWithTheLastLines() throws Exception {
        Command failing = Command.of("sh", "-c", "echo reason; exit 3");

        assertThat(runner.run(failing).exitCode()).isEqualTo(3);
        assertThatThrownBy(() -> runner.check(failing))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("failed with exit code 3")
                .hasMessageContaining("reason");
    }

    @Test
    void commandThatRunsTooLongIsStopped() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> runner.run(Command.of("sleep", "30").withTimeout(Duration.ofMillis(500))))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("did not finish");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void missingProgramIsNamed() {
        assertThatThrownBy(() -> runner.run(Command.of("djdd-no-such-program")))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("djdd-no-such-program");
    }

    @Test
    void interruptingTheCallerKillsTheProgram() throws Exception {
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            caller.interrupt();
        });
        interrupter.start();

        assertThatThrownBy(() -> runner.run(Command.of("sleep", "1234")))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("Interrupted");
        assertThat(Thread.interrupted()).isTrue();
        assertThat(runner.run(Command.of("pgrep", "-f", "^sleep 1234$").quietly()).exitCode()).isEqualTo(1);
    }

    @Test
    void displayQuotesWhatAShellWouldSplit() {
        assertThat(Command.of("echo", "a b", "it's", "plain").display()).isEqualTo("echo 'a b' 'it'\\''s' plain");
    }
}
