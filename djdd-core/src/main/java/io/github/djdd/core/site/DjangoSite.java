package io.github.djdd.core.site;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.Names;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the site's services need to know of the Django project: its settings module, the WSGI and
 * Celery applications, and where its static files and media are served (read from the settings
 * at build time).
 *
 * @param staticUrl the path nginx serves the static files at; empty when they are served
 *     elsewhere (a CDN)
 * @param mediaUrl likewise for media
 * @param gunicornVersion the version of gunicorn in the site's env; empty when not known
 */
public record DjangoSite(String settings, String wsgiApplication, String celeryApp, Optional<String> staticUrl,
        Optional<String> mediaUrl, String gunicornVersion) {

    private static final Pattern APPLICATION = Pattern.compile(
            "[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*(:[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*)?");
    /** A URL path nginx can take as a location prefix, and nothing a config file could trip on. */
    private static final Pattern URL_PATH = Pattern.compile("/([A-Za-z0-9._~-]+/)+");

    /**
     * The applications, from the configuration or else Django's usual layout beside the settings:
     * {@code proj.settings} gives {@code proj.wsgi:application} and the Celery app {@code proj}.
     */
    public static DjangoSite of(String settings, String wsgiApplication, String celeryApp, String staticUrl,
            String mediaUrl) throws InvalidConfigurationException, BuildFailedException {
        String top = settings.contains(".") ? settings.substring(0, settings.indexOf('.')) : settings;
        return new DjangoSite(settings,
                application(wsgiApplication, "wsgiApplication", top + ".wsgi:application"),
                celeryApp(settings, celeryApp),
                servedPath(staticUrl, "STATIC_URL"), servedPath(mediaUrl, "MEDIA_URL"), "");
    }

    /** This site with the gunicorn of its env, as collectstatic's Python found it. */
    public DjangoSite withGunicornVersion(String version) {
        return new DjangoSite(settings, wsgiApplication, celeryApp, staticUrl, mediaUrl, version);
    }

    /**
     * Whether gunicorn opens a control socket unless told not to: gunicorn 26 and later do (in
     * {@code $XDG_RUNTIME_DIR} or {@code ~/.gunicorn}); older ones know no such option.
     */
    public boolean gunicornHasControlSocket() {
        String major = gunicornVersion.replaceFirst("[^0-9].*", "");
        return !major.isEmpty() && major.length() < 6 && Integer.parseInt(major) >= 26;
    }

    /** The Celery app ({@code celery -A}'s argument): the configured one, else the settings' top package. */
    public static String celeryApp(String settings, String configured) throws InvalidConfigurationException {
        String top = settings.contains(".") ? settings.substring(0, settings.indexOf('.')) : settings;
        return application(configured, "celeryApp", top);
    }

    private static String application(String value, String element, String fallback)
            throws InvalidConfigurationException {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        if (!APPLICATION.matcher(value.strip()).matches()) {
            throw new InvalidConfigurationException(element, "Invalid <" + element + "> " + Names.quote(value)
                    + ": use a Python module, optionally with ':' and the object in it, such as mysite.wsgi:application.");
        }
        return value.strip();
    }

    static Optional<String> servedPath(String url, String setting) throws BuildFailedException {
        if (url == null || url.isEmpty() || url.contains("://") || url.startsWith("//")) {
            return Optional.empty();
        }
        if (!URL_PATH.matcher(url).matches() || url.contains("/../") || url.contains("/./")) {
            throw new BuildFailedException("The settings' " + setting + " is " + Names.quote(url) + ", which nginx"
                    + " cannot serve as a folder of the site: use a path such as /static/ (letters, digits, . _ ~ -,"
                    + " with a slash at both ends, not just /) or a full URL of another server.");
        }
        return Optional.of(url);
    }
}
