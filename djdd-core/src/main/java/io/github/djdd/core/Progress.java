package io.github.djdd.core;

import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long piece of work, for batch logs (Jenkins): a line with how much of the whole
 * is done, at most once per interval, none for work that ends within the first one.
 */
public final class Progress {
    /** How often a long step says how far it is. */
    public static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Console console;
    private final String what;
    private final long total;
    private final LongSupplier nanoTime;
    private final long interval;
    private long done;
    private long lastReport;

    /**
     * @param what the work, as the line names it ("Packing mysite-env-...")
     * @param total its size in bytes
     */
    public Progress(Console console, String what, long total) {
        this(console, what, total, System::nanoTime, INTERVAL);
    }

    Progress(Console console, String what, long total, LongSupplier nanoTime, Duration interval) {
        this.console = console;
        this.what = what;
        this.total = total;
        this.nanoTime = nanoTime;
        this.interval = interval.toNanos();
        this.lastReport = nanoTime.getAsLong();
    }

    /** Counts {@code bytes} more done; says so when the interval has passed since the last line. */
    public void advance(long bytes) {
        done += bytes;
        long now = nanoTime.getAsLong();
        if (now - lastReport >= interval) {
            lastReport = now;
            console.info(String.format(Locale.ROOT, "%s: %.1f of %.1f MiB (%d %%)", what, done / 1048576.0,
                    total / 1048576.0, total == 0 ? 100 : Math.min(100, done * 100 / total)));
        }
    }
}
