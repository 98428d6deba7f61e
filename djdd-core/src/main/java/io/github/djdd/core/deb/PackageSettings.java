package io.github.djdd.core.deb;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.Names;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What every package of a build shares.
 *
 * @param maintainer the {@code Maintainer} field
 * @param compression of the data archive
 * @param timestamp the time every entry carries when set (SOURCE_DATE_EPOCH, Maven's
 *     {@code project.build.outputTimestamp}); otherwise the commit's time
 */
public record PackageSettings(String maintainer, Compression compression, Optional<Instant> timestamp) {
    /** One line {@code Name <address>}: a line break would start a field of its own in the control file. */
    private static final Pattern MAINTAINER = Pattern.compile("[^<>,\\p{Cntrl}]+ <[^<>\\s\\p{Cntrl}]+@[^<>\\s\\p{Cntrl}]+>");

    /** Checks {@code <maintainer>} / {@code -Ddjdd.maintainer}. */
    public static String maintainer(String value) throws InvalidConfigurationException {
        if (value == null || !MAINTAINER.matcher(value.strip()).matches()) {
            throw new InvalidConfigurationException("maintainer", "Invalid <maintainer> " + Names.quote(value)
                    + ": use one line of the form Name <address@example.org>.");
        }
        return value.strip();
    }

    /**
     * The time every packaged file carries, as Maven's reproducible-build convention has it: Maven's
     * {@code project.build.outputTimestamp} (seconds since 1970 or ISO-8601; unset, blank or
     * {@code 1} mean none), else the {@code SOURCE_DATE_EPOCH} variable, else none (the commit's time).
     *
     * @param environment the process environment, where {@code SOURCE_DATE_EPOCH} is read
     */
    public static Optional<Instant> timestamp(String outputTimestamp, Map<String, String> environment)
            throws InvalidConfigurationException {
        String value = outputTimestamp == null ? "" : outputTimestamp.strip();
        if (!value.isEmpty() && !value.equals("1")) {
            try {
                return Optional.of(value.matches("[0-9]+") ? Instant.ofEpochSecond(Long.parseLong(value))
                        : OffsetDateTime.parse(value).toInstant());
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new InvalidConfigurationException("outputTimestamp", "Invalid project.build.outputTimestamp '"
                        + value + "': use seconds since 1970 or an ISO-8601 time such as 2026-01-01T00:00:00Z.");
            }
        }
        String epoch = environment.getOrDefault("SOURCE_DATE_EPOCH", "").strip();
        return epoch.matches("[0-9]+") ? Optional.of(Instant.ofEpochSecond(Long.parseLong(epoch))) : Optional.empty();
    }

    public Instant timestampFor(Instant commitTime) {
        return timestamp.orElse(commitTime);
    }
}
