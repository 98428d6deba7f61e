package io.github.djdd.core.buildroot;

import io.github.djdd.core.InvalidConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What Debian the build root holds.
 *
 * @param suite a Debian codename such as {@code bookworm} or {@code trixie}
 * @param mirror the Debian archive to bootstrap from and update with ({@code http}, {@code https} or {@code file});
 *     its {@code {suite}-updates} is used too when it has one
 * @param security the Debian security archive, whose {@code {suite}-security} the root is updated from; empty for
 *     none (an offline mirror)
 */
public record BuildRootOptions(String suite, URI mirror, Optional<URI> security) {
    public static final String DEFAULT_SUITE = "trixie";
    public static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";
    public static final String DEFAULT_SECURITY_MIRROR = "http://security.debian.org/debian-security";
    /** The security mirror value that leaves the security archive out. */
    public static final String NO_SECURITY_MIRROR = "none";

    private static final Pattern SUITE = Pattern.compile("[a-z][a-z0-9-]{1,30}");

    /** The default security archive. */
    public static BuildRootOptions of(String suite, String mirror) throws InvalidConfigurationException {
        return of(suite, mirror, DEFAULT_SECURITY_MIRROR);
    }

    public static BuildRootOptions of(String suite, String mirror, String securityMirror)
            throws InvalidConfigurationException {
        suite(suite);
        Optional<URI> security = securityMirror != null && securityMirror.strip().equals(NO_SECURITY_MIRROR)
                ? Optional.empty()
                : Optional.of(archive("securityMirror", securityMirror, DEFAULT_SECURITY_MIRROR + ", or "
                        + NO_SECURITY_MIRROR + " for a mirror without one"));
        return new BuildRootOptions(suite, archive("mirror", mirror, DEFAULT_MIRROR), security);
    }

    /** Checks a suite's name: a Debian codename. */
    public static String suite(String suite) throws InvalidConfigurationException {
        if (suite == null || !SUITE.matcher(suite).matches()) {
            throw new InvalidConfigurationException("suite", "Invalid suite '" + suite
                    + "': use a Debian codename such as bookworm or trixie (-Ddjdd.suite).");
        }
        return suite;
    }

    /** A Debian archive URL without a trailing slash. */
    private static URI archive(String parameter, String value, String example) throws InvalidConfigurationException {
        URI uri;
        try {
            uri = new URI(value == null ? "" : value.strip());
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException(parameter, "Invalid " + parameter + " URL '" + value + "' ("
                    + e.getReason() + "): use a Debian archive URL such as " + example + " (-Ddjdd." + parameter + ").");
        }
        String scheme = uri.getScheme();
        boolean remote = "http".equals(scheme) || "https".equals(scheme);
        if (!(remote && uri.getHost() != null) && !("file".equals(scheme) && uri.getPath() != null)) {
            throw new InvalidConfigurationException(parameter, "Invalid " + parameter + " URL '" + value
                    + "': use an http, https or file URL of a Debian archive such as " + example
                    + " (-Ddjdd." + parameter + ").");
        }
        String text = uri.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    /** The suite's security archive, e.g. {@code trixie-security}. */
    String securitySuite() {
        return suite + "-security";
    }

    /** The suite's point-release updates, e.g. {@code trixie-updates}. */
    String updatesSuite() {
        return suite + "-updates";
    }
}
