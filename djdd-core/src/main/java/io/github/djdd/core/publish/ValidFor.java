package io.github.djdd.core.publish;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.Names;
import java.time.Duration;

/**
 * How long a folder repository's signed {@code Release} stays valid after a publish: its
 * {@code Valid-Until} is its {@code Date} plus this many days. Past it, apt on the servers refuses
 * the repository ("Release file ... is expired"), and so does {@code djdd:build} reading it as its
 * package cache: a mirror (or a server in front of the repository) that keeps serving an old
 * state, which the key did sign, is noticed within that time instead of never. Every publish
 * renews it, also one that adds nothing, so a nightly publish keeps a quiet repository valid.
 *
 * @param days from 1 to {@value #MAX}
 */
public record ValidFor(int days) {
    /**
     * Two weeks: a nightly publish may fail for a week and more (a holiday, a broken agent) before
     * servers refuse the repository, while a frozen mirror holds servers back two weeks at most;
     * Debian's security archive signs for one week.
     */
    public static final String DEFAULT = "14";
    /** Ten years: beyond that, Valid-Until protects nothing. */
    public static final int MAX = 3650;

    public ValidFor {
        if (days < 1 || days > MAX) {
            throw new IllegalArgumentException(rule(Integer.toString(days)));
        }
    }

    /** Checks a configured number of days; the exception names the {@code validFor} setting. */
    public static ValidFor of(String days) throws InvalidConfigurationException {
        String value = days == null ? "" : days.strip();
        if (!value.matches("[0-9]{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX) {
            throw new InvalidConfigurationException("validFor", rule(days));
        }
        return new ValidFor(Integer.parseInt(value));
    }

    private static String rule(String days) {
        return "<validFor> is " + Names.quote(days) + ": give the days a published Release stays valid, a whole"
                + " number from 1 to " + MAX + " (default " + DEFAULT + ", -Ddjdd.publish.validFor), and publish at"
                + " least that often.";
    }

    public Duration duration() {
        return Duration.ofDays(days);
    }
}
