package io.github.djdd.core.project;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.env.PipOptions;
import io.github.djdd.core.naming.Names;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.site.SiteOptions;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.source.SourceOptions;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@link ProjectBuild} builds.
 *
 * @param suite the Debian codename to build for: the build root of that suite builds
 * @param repository the URL to fetch from; null builds from the existing clone
 * @param variants the variants to build, in order
 * @param ref a ref that overrides every variant's, or null
 * @param projectDir the folder of the repository that holds the Django project, "" for the top
 * @param packageCache the repository whose env and src packages are taken instead of built, if any
 * @param source how the repository is reached (credentials, keys) and whether its submodules count
 */
public record BuildRequest(BuildDir buildDir, String suite, SoftwareName software, String repository, SiteVariants variants,
        String ref, String projectDir, PipOptions pip, PackageSettings settings, SiteOptions site,
        Optional<PackageCache> packageCache, SourceOptions source) {

    /** An APT repository that {@code djdd:publish} keeps, and its public key. */
    public record PackageCache(String url, Path keyring) {}

    public BuildRequest(BuildDir buildDir, String suite, SoftwareName software, String repository,
            SiteVariants variants, String ref, String projectDir, PipOptions pip, PackageSettings settings,
            SiteOptions site) {
        this(buildDir, suite, software, repository, variants, ref, projectDir, pip, settings, site, Optional.empty(),
                SourceOptions.ofUser());
    }

    private static final Pattern SAFE_FOLDER = Pattern.compile("([A-Za-z0-9_][A-Za-z0-9._-]*)(/[A-Za-z0-9_][A-Za-z0-9._-]*)*");

    /** Checks {@code <projectDir>}: a plain relative folder inside the repository. */
    public static String projectDir(String value) throws InvalidConfigurationException {
        String dir = value == null ? "" : value.strip().replaceAll("/+$", "");
        if (dir.equals(".") || dir.isEmpty()) {
            return "";
        }
        Path path = Path.of(dir);
        // The folder ends up in maintainer scripts and unit files: no character a shell or systemd reads.
        if (path.isAbsolute() || !path.normalize().equals(path) || dir.startsWith("..")
                || !SAFE_FOLDER.matcher(dir).matches()) {
            throw new InvalidConfigurationException("projectDir", "Invalid <projectDir> " + Names.quote(value) + ": use a"
                    + " folder inside the repository, relative to its top, named with letters, digits and . _ -,"
                    + " such as app.");
        }
        return dir;
    }
}
