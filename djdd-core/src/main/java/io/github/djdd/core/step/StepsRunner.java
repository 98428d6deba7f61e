package io.github.djdd.core.step;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * Runs build steps in order, each under a header line and followed by its elapsed time, so a
 * long build reads as a list of steps in the Maven log.
 */
public final class StepsRunner {
    private final Console console;

    public StepsRunner(Console console) {
        this.console = console;
    }

    public <T> T run(String title, Step<T> step) throws DjddException {
        return run(title, step, (result, time) -> result);
    }

    /** As {@link #run(String, Step)}, returning what {@code withTime} makes of the result and the step's time. */
    public <T> T run(String title, Step<T> step, BiFunction<T, Duration, T> withTime) throws DjddException {
        console.info("--- " + title + " ---");
        long start = System.nanoTime();
        boolean done = false;
        try {
            T result = step.call();
            done = true;
            return withTime.apply(result, Duration.ofNanos(System.nanoTime() - start));
        } finally {
            console.info(String.format(Locale.ROOT, "%s %s in %.2f s", title, done ? "done" : "failed",
                    (System.nanoTime() - start) / 1e9));
        }
    }
}
