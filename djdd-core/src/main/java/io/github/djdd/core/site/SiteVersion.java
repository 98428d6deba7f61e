package io.github.djdd.core.site;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.deb.DebianVersion;
import io.github.djdd.core.naming.Names;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The site package's Debian version: {@code YYYYMMDD.HHMMSS.debN+g{srchash}.{contenthash}}.
 *
 * <p>The time is the commit's (or the configured build timestamp when that is later), so a build
 * of newer code sorts higher and {@code apt-get install} upgrades; N is the Debian release the
 * package was built for, so that of one commit's packages a server moving from Debian 12 to 13
 * picks the one for 13; the src hash and a hash of the package's contents make the version differ
 * whenever the package does, and stay the same for the same inputs. An operator may set the
 * version instead (a Jenkins build number, for example); {@code +debN} is appended to it.
 */
public final class SiteVersion {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd.HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    /** A Debian upstream version without epoch or revision, so that djdd names the file safely. */
    private static final Pattern OVERRIDE = Pattern.compile("[0-9][A-Za-z0-9.+~]{0,63}");

    private SiteVersion() {}

    /**
     * @param time when the code was made: the commit time, or a later configured timestamp
     * @param debianRelease the major Debian release the package is built for
     * @param commitId the commit's short id (the src package's hash)
     * @param contentHash a hash of everything in the site package
     */
    public static String of(Instant time, int debianRelease, String commitId, String contentHash) {
        return TIME.format(time) + ".deb" + debianRelease + "+g" + commitId + "." + contentHash.substring(0, 8);
    }

    /** A configured version for packages of {@code debianRelease}. */
    public static String configured(String override, int debianRelease) {
        return override + "+deb" + debianRelease;
    }

    /**
     * A warning when the configured {@code version} (with its {@code +debN}) sorts below the one djdd
     * would give the same build, whose time is {@code time}: a server that has a package of djdd's
     * version never upgrades to it, and {@code djdd:publish} refuses it for a repository that has
     * one. A Jenkins build number ({@code 42+deb13}) does; the build's own time and number
     * ({@code 20261207.143000.42+deb13}) does not, since a build comes after its commit.
     *
     * @return the warning, or empty when {@code version} sorts at or above every version djdd can
     *     derive for {@code commitId} at {@code time}
     */
    public static Optional<String> belowDerived(String version, Instant time, int debianRelease, String commitId) {
        // The lowest version djdd can derive there: its content hash is not computed for a configured version.
        String lowest = of(time, debianRelease, commitId, "00000000");
        if (DebianVersion.compare(version, lowest) >= 0) {
            return Optional.empty();
        }
        return Optional.of("The site version " + version + " (<siteVersion>) sorts below "
                + lowest.substring(0, lowest.lastIndexOf('.')) + ".HASH, the version djdd gives this build without <siteVersion>: a server that has a site package"
                + " of djdd's version never upgrades to it, and djdd:publish refuses it for a repository that has"
                + " one. Use a version that grows with every build and starts with the build's UTC time, such as"
                + " YYYYMMDD.HHMMSS.N with the build number N"
                + " (-Ddjdd.siteVersion=$(date -u +%Y%m%d.%H%M%S).$BUILD_NUMBER).");
    }

    /** Checks {@code -Ddjdd.siteVersion}; null or blank means "derive it". */
    public static String override(String value) throws InvalidConfigurationException {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!OVERRIDE.matcher(value.strip()).matches()) {
            throw new InvalidConfigurationException("siteVersion", "Invalid site version " + Names.quote(value)
                    + ": start with a digit and use only letters, digits and . + ~ (at most 64 characters),"
                    + " for example 42 or 2.1.0+build42.");
        }
        return value.strip();
    }
}
