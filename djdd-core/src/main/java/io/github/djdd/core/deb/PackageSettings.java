package io.github.djdd.core.deb;

import java.time.Instant;
import java.util.Optional;

/**
 * What every package of a build shares.
 *
 * @param maintainer the {@code Maintainer} field
 * @param compression of the data archive
 * @param timestamp the time every entry carries when set (SOURCE_DATE_EPOCH, Maven's
 *     {@code project.build.outputTimestamp}); otherwise the commit's time
 */
public record PackageSettings(String maintainer, Compression compression, Optional<Instant> timestamp) {
    public Instant timestampFor(Instant commitTime) {
        return timestamp.orElse(commitTime);
    }
}
