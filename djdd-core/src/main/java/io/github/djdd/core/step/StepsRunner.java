package io.github.djdd.core.step;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import java.util.Locale;

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
        console.info("--- " + title + " ---");
        long start = System.nanoTime();
        boolean done = false;
        try {
            T result = step.call();
            done = true;
            return result;
        } finally {
            console.info(String.format(Locale.ROOT, "%s %s in %.2f s", title, done ? "done" : "failed",
                    (System.nanoTime() - start) / 1e9));
        }
    }
}
