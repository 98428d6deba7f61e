package io.github.djdd.plugin;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BuildRootOptions;
import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.env.PipOptions;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.project.BuildRequest;
import io.github.djdd.core.project.ProjectBuild;
import io.github.djdd.core.site.SiteOptions;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.source.GitAccess;
import io.github.djdd.core.source.SourceOptions;
import java.io.File;
import java.util.Optional;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds the packages of the selected variants into <code>{buildDir}/packages</code>: fetches, resolves
 * each variant's ref, installs the project's Debian packages into the build root, builds the env
 * package (<code>{software}-env-{envhash}</code>) and src package (<code>{software}-src-{srchash}</code>)
 * unless they exist already, runs collectstatic with the variant's settings and builds the site
 * package (<code>{software}-site-{variant}</code>, or <code>{software}-site</code> without variants).
 * Runs as root or as a member of the <code>djdd</code> group (a Jenkins agent's user), which enters
 * the build root unprivileged.
 *
 * @since 0.1.0
 */
@Mojo(name = "build", requiresProject = false, threadSafe = true)
public class BuildMojo extends AbstractRepositoryMojo {
    /**
     * The variant to build; default: every variant in {@code <variants>}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "variant")
    String variant;

    /**
     * The Debian codename to build for: the build root {@code djdd:init} made for that suite builds,
     * and the packages suit servers of that suite.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.suite", defaultValue = BuildRootOptions.DEFAULT_SUITE)
    String suite;

    /**
     * The folder of the repository that holds {@code manage.py} and {@code requirements.txt};
     * default: the repository's top folder.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.projectDir")
    String projectDir;

    /**
     * The Django settings module of every variant that sets none; default: the one
     * {@code manage.py} sets as {@code DJANGO_SETTINGS_MODULE}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.settings")
    String settings;

    /**
     * gunicorn's WSGI application; default <code>{top}.wsgi:application</code>, where <code>{top}</code> is
     * the settings module's top-level package.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.wsgiApplication")
    String wsgiApplication;

    /**
     * Celery's {@code --app}; default: the settings module's top-level package (Django's usual
     * {@code proj/celery.py} layout).
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.celeryApp")
    String celeryApp;

    /**
     * The site packages' version, <code>+deb{release}</code> appended; default
     * <code>YYYYMMDD.HHMMSS.deb{release}+g{srchash}.{contenthash}</code> from the commit time and the
     * Debian release of the build root. apt upgrades only to a higher version, so a set one must
     * sort above those the servers and the repository have: put the build's UTC time before a
     * build number, <code>YYYYMMDD.HHMMSS.N</code>. A bare build number sorts below the default: the
     * build warns of a version below the one it would derive, and {@code djdd:publish} refuses a
     * site version that does not sort above the repository's newest.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.siteVersion")
    String siteVersion;

    /**
     * Whether a warning of Django's deployment checks (<code>manage.py check --deploy</code>, run
     * with each variant's settings before any package of the commit is written) stops the build.
     * They are printed either way; errors of <code>manage.py check</code> always stop it.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.failOnDeployWarnings", defaultValue = "false")
    boolean failOnDeployWarnings;

    /**
     * Where pip finds the project's Python packages; pip's own defaults and the build's
     * {@code PIP_*} variables apply to what is not set. Takes:
     * <ul>
     * <li>{@code indexUrl}: the package index ({@code --index-url}), an http, https or file URL;</li>
     * <li>{@code extraIndexUrls}: more indexes ({@code --extra-index-url}), one
     *     {@code <extraIndexUrl>} each;</li>
     * <li>{@code findLinks}: folders or URLs with distributions ({@code --find-links}), one
     *     {@code <findLink>} each; relative folders are relative to the POM;</li>
     * <li>{@code trustedHosts}: hosts pip may reach without valid TLS ({@code --trusted-host}), one
     *     {@code <trustedHost>} each;</li>
     * <li>{@code extraArgs}: further arguments of {@code pip install}, one {@code <extraArg>} each;</li>
     * <li>{@code requireHashes}: whether every requirement must be pinned with {@code ==} and carry a
     *     {@code --hash} (pip's hash-checking mode); default false (a requirements file with hashes is
     *     checked against them either way).</li>
     * </ul>
     * Remote indexes are reached through djdd's proxy, so their credentials (in {@code PIP_INDEX_URL},
     * for example) never reach the build root or a command line.
     *
     * @since 0.1.0
     */
    @Parameter
    Pip pip = new Pip();

    /**
     * Compression of the packages' data: {@code zstd} (the default: fast, on every core), {@code xz}
     * (smallest, slow), {@code gzip} or {@code none}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.compression", defaultValue = "zstd")
    String compression;

    /**
     * The packages' {@code Maintainer} field.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.maintainer", defaultValue = DebControl.DEFAULT_MAINTAINER)
    String maintainer;

    /**
     * The time every packaged file carries, for reproducible builds; default: the
     * {@code SOURCE_DATE_EPOCH} variable, else the commit's time.
     *
     * @since 0.1.0
     */
    @Parameter(defaultValue = "${project.build.outputTimestamp}")
    String outputTimestamp;

    /**
     * An APT repository that {@code djdd:publish} keeps (http, https or file URL), shared by build
     * agents: an env or src package it has is downloaded, checked against its signed index,
     * instead of built.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.aptRepository")
    String aptRepository;

    /**
     * The public key of {@code <aptRepository>}, the <code>{software}-archive-keyring.gpg</code> that
     * {@code djdd:publish} writes beside it.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.aptRepositoryKey")
    File aptRepositoryKey;

    /**
     * The folder of your versions of djdd's site templates ({@code postinst}, {@code nginx.conf},
     * the units, the control utility, ...): a file there with a template's name replaces djdd's in
     * every site package. Keep it beside the deployment POM: what runs as root on the servers is
     * changed here, by whoever may change the deployment.
     *
     * @since 0.2.0
     */
    @Parameter(property = "djdd.templates", defaultValue = "${basedir}/djdd/templates")
    File templates;

    /**
     * Whether the project's own {@code djdd/templates/} (in the built commit) may replace every
     * template, the maintainer scripts and units too, which run as root or configure services on
     * the servers. Set it only if everyone who can push to a built branch may have root on the
     * servers. Either way the project may replace the maintenance page, and the templates of
     * {@code <templates>} win over the project's.
     *
     * @since 0.2.0
     */
    @Parameter(property = "djdd.projectTemplates", defaultValue = "false")
    boolean projectTemplates;

    /** The folder relative {@code <findLinks>} are resolved against. */
    @Parameter(defaultValue = "${basedir}", readonly = true)
    File basedir;

    @Override
    void run(Console console) throws DjddException {
        SoftwareName name = softwareName();
        SiteVariants selected = variants(variant);
        String url = checkedRepository();
        String checkedRef = checkedRef();
        PipOptions pipOptions = PipOptions.of(pip.getIndexUrl(), pip.getExtraIndexUrls(), pip.getFindLinks(),
                pip.getTrustedHosts(), pip.getExtraArgs(), basedir.toPath(), System.getenv())
                .withRequireHashes(pip.isRequireHashes())
                .withLock(pip.getLockFile(), pip.getGroups(), pip.getExtras(), pip.isInstallProject());
        PackageSettings packages = new PackageSettings(PackageSettings.maintainer(maintainer),
                Compression.of(compression), PackageSettings.timestamp(outputTimestamp, System.getenv()));
        SiteOptions site = SiteOptions.of(settings, wsgiApplication, celeryApp, siteVersion)
                .withFailOnDeployWarnings(failOnDeployWarnings)
                .withTemplates(templates == null ? null : templates.toPath(), projectTemplates);
        Optional<BuildRequest.PackageCache> cache = aptRepository == null || aptRepository.isBlank()
                ? Optional.empty()
                : Optional.of(new BuildRequest.PackageCache(aptRepository, aptRepositoryKey == null ? null
                        : aptRepositoryKey.toPath()));
        SourceOptions source = sourceOptions();
        try (GitAccess access = source.access()) {
            new ProjectBuild(new BuildRequest(preparedBuildDir(), BuildRootOptions.suite(suite), name, url, selected,
                    checkedRef, BuildRequest.projectDir(projectDir), pipOptions, packages, site, cache, source), console)
                    .run();
        }
    }
}
