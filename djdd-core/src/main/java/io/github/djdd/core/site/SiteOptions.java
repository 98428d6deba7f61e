package io.github.djdd.core.site;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.naming.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every site of the software shares.
 *
 * @param settings the Django settings module; null: the one {@code manage.py} sets
 * @param wsgiApplication gunicorn's application; null: {@code {top}.wsgi:application}
 * @param celeryApp Celery's {@code --app}; null: the settings module's top-level package
 * @param siteVersion the site packages' version; null: {@link SiteVersion}'s
 * @param templates the deployment's folder of templates that replace djdd's ({@code <templates>});
 *     null or missing: none
 * @param projectTemplates whether the project's {@code djdd/templates/} may replace every template,
 *     not only the pages ({@link SiteTemplates})
 */
public record SiteOptions(String settings, String wsgiApplication, String celeryApp, String siteVersion,
        boolean failOnDeployWarnings, Path templates, boolean projectTemplates) {
    private static final Pattern MANAGE_PY_SETTINGS = Pattern.compile(
            "DJANGO_SETTINGS_MODULE['\"]\\s*,\\s*['\"]([A-Za-z0-9_.]+)['\"]");

    public static final SiteOptions DEFAULTS = new SiteOptions(null, null, null, null, false, null, false);

    /** Checks the configured values. */
    public static SiteOptions of(String settings, String wsgiApplication, String celeryApp, String siteVersion)
            throws InvalidConfigurationException {
        return new SiteOptions(settings == null || settings.isBlank() ? null
                : SiteVariant.module(settings, "settings", "<settings>"), Names.strippedOrNull(wsgiApplication),
                Names.strippedOrNull(celeryApp), SiteVersion.override(siteVersion), false, null, false);
    }

    /** These options, with {@code manage.py check --deploy}'s warnings stopping the build or not. */
    public SiteOptions withFailOnDeployWarnings(boolean value) {
        return new SiteOptions(settings, wsgiApplication, celeryApp, siteVersion, value, templates, projectTemplates);
    }

    /**
     * These options, with the deployment's folder of templates and whether the project may replace
     * every template.
     *
     * @throws InvalidConfigurationException when {@code folder} exists and is no folder
     */
    public SiteOptions withTemplates(Path folder, boolean fromProject) throws InvalidConfigurationException {
        if (folder != null && Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new InvalidConfigurationException("templates", "<templates> " + folder + " is not a folder: name"
                    + " the folder that holds your versions of djdd's templates (default: djdd/templates beside the"
                    + " deployment POM).");
        }
        return new SiteOptions(settings, wsgiApplication, celeryApp, siteVersion, failOnDeployWarnings, folder,
                fromProject);
    }

    /** The templates of a commit's site packages: djdd's, the deployment's and, where allowed, the project's. */
    public SiteTemplates templatesFor(Checkout checkout, Console console) throws DjddException {
        return SiteTemplates.read(templates, checkout, projectTemplates, console);
    }

    /** The variant's settings module, else the software's, else the one manage.py names. */
    public String settingsFor(SiteVariant variant, Checkout checkout) throws DjddException {
        if (variant.settings() != null) {
            return variant.settings();
        }
        if (settings != null) {
            return settings;
        }
        try {
            Matcher matcher = MANAGE_PY_SETTINGS.matcher(Files.readString(checkout.file("manage.py"),
                    StandardCharsets.UTF_8));
            if (matcher.find()) {
                return matcher.group(1);
            }
        } catch (IOException e) {
            throw new DjddException("Cannot read " + checkout.shown("manage.py") + " (" + e.getMessage() + ")", e);
        }
        throw new BuildFailedException("No settings module for variant " + variant.name() + ": "
                + checkout.shown("manage.py") + " sets no DJANGO_SETTINGS_MODULE, so set <settings> (or"
                + " -Ddjdd.settings=MODULE).");
    }
}
