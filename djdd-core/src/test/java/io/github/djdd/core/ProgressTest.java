package io.github.djdd.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private long now;

    @Test
    void saysHowFarItIsAtMostOncePerInterval() {
        RecordingConsole console = new RecordingConsole();
        Progress progress = new Progress(console, "Packing big", 100L * 1048576, () -> now, Duration.ofSeconds(10));

        now = Duration.ofSeconds(4).toNanos();
        progress.advance(10L * 1048576);
        now = Duration.ofSeconds(10).toNanos();
        progress.advance(15L * 1048576);
        now = Duration.ofSeconds(19).toNanos();
        progress.advance(25L * 1048576);
        now = Duration.ofSeconds(21).toNanos();
        progress.advance(50L * 1048576);

        assertThat(console.infos()).containsExactly("Packing big: 25.0 of 100.0 MiB (25 %)",
                "Packing big: 100.0 of 100.0 MiB (100 %)");
    }

    @Test
    void workThatEndsWithinTheFirstIntervalSaysNothing() {
        RecordingConsole console = new RecordingConsole();
        Progress progress = new Progress(console, "Packing small", 1024, () -> now, Duration.ofSeconds(10));

        now = Duration.ofSeconds(9).toNanos();
        progress.advance(1024);

        assertThat(console.infos()).isEmpty();
    }
}
