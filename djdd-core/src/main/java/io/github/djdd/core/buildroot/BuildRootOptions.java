package io.github.djdd.core.buildroot;

import io.github.djdd.core.InvalidConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * What Debian the build root holds.
 *
 * @param suite a Debian codename such as {@code bookworm} or {@code trixie}
 * @param mirror the Debian archive to bootstrap from ({@code http}, {@code https} or {@code file})
 */
public record BuildRootOptions(String suite, URI mirror) {
    public static final String DEFAULT_SUITE = "bookworm";
    public static final String DEFAULT_MIRROR = "http://deb.debian.org/debian";

    private static final Pattern SUITE = Pattern.compile("[a-z][a-z0-9-]{1,30}");

    public static BuildRootOptions of(String suite, String mirror) throws InvalidConfigurationException {
        if (suite == null || !SUITE.matcher(suite).matches()) {
            throw new InvalidConfigurationException("suite", "Invalid suite '" + suite
                    + "': use a Debian codename such as bookworm or trixie (-Ddjdd.suite).");
        }
        URI uri;
        try {
            uri = new URI(mirror == null ? "" : mirror.strip());
        } catch (URISyntaxException e) {
            throw new InvalidConfigurationException("mirror", "Invalid mirror URL '" + mirror + "' (" + e.getReason()
                    + "): use a Debian archive URL such as " + DEFAULT_MIRROR + " (-Ddjdd.mirror).");
        }
        String scheme = uri.getScheme();
        boolean remote = "http".equals(scheme) || "https".equals(scheme);
        if (!(remote && uri.getHost() != null) && !("file".equals(scheme) && uri.getPath() != null)) {
            throw new InvalidConfigurationException("mirror", "Invalid mirror URL '" + mirror
                    + "': use an http, https or file URL of a Debian archive such as " + DEFAULT_MIRROR
                    + " (-Ddjdd.mirror).");
        }
        String text = uri.toString();
        return new BuildRootOptions(suite, URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text));
    }
}
