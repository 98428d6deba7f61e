package io.github.djdd.core.deb;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.Names;
import java.time.Instant;
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

    public Instant timestampFor(Instant commitTime) {
        return timestamp.orElse(commitTime);
    }
}
