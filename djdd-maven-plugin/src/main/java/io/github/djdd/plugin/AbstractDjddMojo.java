package io.github.djdd.plugin;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.workspace.BuildDir;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * What every djdd goal shares: the build dir, the software and its variants, skip. Subclasses
 * adapt their own parameters, call the core and let {@link #execute()} turn the core's typed
 * exceptions into Maven's.
 */
abstract class AbstractDjddMojo extends AbstractMojo {
    /**
     * The build dir: holds the build root, the clones, the packages and the caches.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.buildDir", defaultValue = "/var/lib/djdd/build")
    File buildDir;

    /**
     * The software's short name, the prefix of every package and site user: 2 to 16 characters,
     * lowercase letters, digits and single hyphens, starting with a letter.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.software")
    String software;

    /**
     * The tenants of the software, each a {@code <variant>} with its own site package
     * (<code>{software}-site-{variant}</code>), system user, database and server name. None: one
     * site named after the software alone, with every default. Each {@code <variant>} takes:
     * <ul>
     * <li>{@code name}: required; 1 to 15 lowercase letters and digits, starting with a letter;</li>
     * <li>{@code ref}: the branch, tag or commit it builds; default: the repository's default branch;</li>
     * <li>{@code serverName}: nginx's server_name and Django's ALLOWED_HOSTS; default
     *     <code>{variant}.{software}.localhost</code>;</li>
     * <li>{@code listen}: nginx's port; default 80;</li>
     * <li>{@code settings}: the Django settings module; default: the plugin's {@code <settings>};</li>
     * <li>{@code migrate}: whether install and upgrade run manage.py migrate; default false;</li>
     * <li>{@code celery}: whether a Celery worker runs; default true;</li>
     * <li>{@code celeryWorkers}: the worker's concurrency; default 2;</li>
     * <li>{@code celeryBeat}: whether Celery beat runs; default false;</li>
     * <li>{@code workers}: gunicorn's worker processes; default 3;</li>
     * <li>{@code database}: a PostgreSQL role and database on the server; default true (false with
     *     {@code DATABASE_URL} in {@code secrets}: a database on another host);</li>
     * <li>{@code queue}: a RabbitMQ vhost and user (Celery's broker) on the server; default true (false
     *     with {@code CELERY_BROKER_URL} in {@code secrets}: a broker on another host);</li>
     * <li>{@code cache}: a memcached of the site's own; default true;</li>
     * <li>{@code environment}: extra variables for every process of the site; no secrets;</li>
     * <li>{@code secrets}: names of variables the server provides
     *     (<code>{software}-{variant} secret set NAME</code>);</li>
     * <li>{@code tls}: HTTPS, with a 301 from {@code listen} and HSTS; default false;</li>
     * <li>{@code tlsCertificate}, {@code tlsCertificateKey}: the PEM files on the server; default
     *     certbot's <code>/etc/letsencrypt/live/{serverName}/fullchain.pem</code> and
     *     {@code privkey.pem};</li>
     * <li>{@code tlsListen}: the HTTPS port; default 443;</li>
     * <li>{@code mediaServerName}: a host name of the media's own; default none;</li>
     * <li>{@code probePath}: what the install asks a new release for before it takes traffic; default /;</li>
     * <li>{@code probeTimeout}: the seconds it has to answer below 500; default 60;</li>
     * <li>{@code celeryStopTimeout}: the seconds the Celery worker may finish its tasks when it stops;
     *     default 600.</li>
     * </ul>
     * The site's Configuration page explains each.
     *
     * @since 0.1.0
     */
    @Parameter
    List<Variant> variants = new ArrayList<>();

    /**
     * Skips the goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.skip", defaultValue = "false")
    boolean skip;

    /**
     * Maven's settings, for the {@code <server>}s that djdd's {@code ...ServerId} parameters name. Not
     * called {@code settings}: a deployment POM's plugin-level {@code <settings>} (the Django settings
     * module of {@code djdd:build}) reaches every goal, and Maven would try to make a {@code Settings}
     * of it.
     */
    @Parameter(defaultValue = "${settings}", readonly = true)
    Settings mavenSettings;

    @Component
    SettingsDecrypter decrypter;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping djdd (djdd.skip is true).");
            return;
        }
        try {
            run(new MavenConsole(getLog()));
        } catch (BuildFailedException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (DjddException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }

    abstract void run(Console console) throws DjddException;

    /** The software name, checked against the naming rule. */
    SoftwareName softwareName() throws InvalidConfigurationException {
        if (software == null || software.isBlank()) {
            throw new InvalidConfigurationException("software", "No software name configured: set <software> in the"
                    + " plugin's configuration or pass -Ddjdd.software=NAME.");
        }
        return SoftwareName.of(software);
    }

    /**
     * The configured variants, each checked (with the software's name, when there is one), and those
     * of them {@code selector} (-Dvariant) names; null or blank: all.
     */
    SiteVariants variants(String selector) throws InvalidConfigurationException {
        List<SiteVariant> configured = new ArrayList<>();
        for (Variant variant : variants) {
            configured.add(variant.toSiteVariant());
        }
        if (software == null || software.isBlank()) {
            return SiteVariants.select(configured, selector);
        }
        return SiteVariants.select(SoftwareName.of(software), configured, selector);
    }

    /**
     * The decrypted {@code <server>} named by {@code id}, or null when none is named; a value Maven
     * cannot decrypt is refused.
     *
     * @param setting the parameter that names it, for the message
     * @param purpose what the server must hold, for the message
     * @param otherwise the other way to go, for the message
     */
    Server server(String id, String setting, String purpose, String otherwise) throws InvalidConfigurationException {
        if (id == null || id.isBlank()) {
            return null;
        }
        Server server = mavenSettings == null ? null : mavenSettings.getServer(id.strip());
        if (server == null) {
            throw new InvalidConfigurationException(setting, "settings.xml has no <server> with the id '" + id.strip()
                    + "': add one " + purpose + ", or " + otherwise + ".");
        }
        SettingsDecryptionResult decrypted = decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
        // Maven leaves a value it cannot decrypt as it was: djdd would send the {...} text itself, and the
        // server's refusal would blame the key or the password.
        for (SettingsProblem problem : decrypted.getProblems()) {
            if (problem.getSeverity() != SettingsProblem.Severity.WARNING) {
                throw new InvalidConfigurationException(setting, "Maven cannot decrypt the settings.xml <server> '"
                        + id.strip() + "' (" + problem.getMessage().replaceAll(
                                "([a-z0-9_]+\\.)+[A-Z]\\w*(Exception|Error): ", "") + "): check the master password in"
                        + " settings-security.xml (~/.m2/settings-security.xml, or the file -Dsettings.security names),"
                        + " or encrypt the value again with 'mvn --encrypt-password'.");
            }
        }
        return decrypted.getServer();
    }

    /** The build dir, created and proven writable. */
    BuildDir preparedBuildDir() throws InvalidConfigurationException {
        return BuildDir.prepare(buildDir.toPath());
    }
}
