package io.github.djdd.core.naming;

import io.github.djdd.core.InvalidConfigurationException;
import java.util.regex.Pattern;

/** A tenant of the software; with the software name it names the site's user, database and command. */
public record VariantName(String value) {
    static final Pattern RULE = Pattern.compile("[a-z][a-z0-9]*");
    static final int MAX = 15;
    static final String RULE_TEXT = "1 to 15 lowercase letters and digits, starting with a letter (pattern [a-z][a-z0-9]*)";

    /** The variant used when a project configures none: its site package has no variant suffix. */
    public static final VariantName DEFAULT = new VariantName("default");

    public VariantName {
        if (value == null || value.isEmpty() || value.length() > MAX || !RULE.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid variant name " + Names.quote(value) + ": use " + RULE_TEXT + ".");
        }
    }

    public static VariantName of(String value) throws InvalidConfigurationException {
        try {
            return new VariantName(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("variants", e.getMessage());
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
