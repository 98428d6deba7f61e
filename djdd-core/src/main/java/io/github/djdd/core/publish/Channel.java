package io.github.djdd.core.publish;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.Names;
import java.util.Locale;

/**
 * Where a site version is on its way to the servers (a distribution of the repository each): canary
 * servers follow {@code staging}, the rest of the fleet {@code production}. {@code djdd:publish}
 * puts new versions into a channel, {@code djdd:promote} moves one from staging to production.
 */
public enum Channel {
    /** The distribution named after the suite itself ({@code trixie}), what every server follows unless told otherwise. */
    PRODUCTION,
    /** {@code {suite}-staging}: what canary servers follow. */
    STAGING;

    /** The channel a setting names. */
    public static Channel of(String value) throws InvalidConfigurationException {
        String name = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (Channel channel : values()) {
            if (channel.value().equals(name)) {
                return channel;
            }
        }
        throw new InvalidConfigurationException("channel", "<channel> is " + Names.quote(value) + ": use staging"
                + " (the distribution {suite}-staging, which canary servers follow) or production (the suite itself,"
                + " which the other servers follow).");
    }

    /** How settings and messages name it. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Its distribution in the repository for servers of {@code suite}: {@code trixie} or {@code trixie-staging}. */
    public String distribution(String suite) {
        return this == PRODUCTION ? suite : suite + "-staging";
    }
}
