package io.github.djdd.core.naming;

import io.github.djdd.core.InvalidConfigurationException;
import java.util.regex.Pattern;

/**
 * The software's short name: it prefixes every package, user, database and command of the site,
 * so it must be a valid Debian package name part and a valid user name part.
 */
public record SoftwareName(String value) {
    static final Pattern RULE = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    static final int MIN = 2;
    static final int MAX = 16;
    static final String RULE_TEXT = "2 to 16 characters: lowercase letters and digits, starting with a letter,"
            + " single hyphens between parts (pattern [a-z][a-z0-9]*(-[a-z0-9]+)*)";

    public SoftwareName {
        if (value == null || value.length() < MIN || value.length() > MAX || !RULE.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid software name " + Names.quote(value) + ": use " + RULE_TEXT + ".");
        }
    }

    /** Validates a configured name; the exception names the {@code software} setting. */
    public static SoftwareName of(String value) throws InvalidConfigurationException {
        try {
            return new SoftwareName(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("software", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
