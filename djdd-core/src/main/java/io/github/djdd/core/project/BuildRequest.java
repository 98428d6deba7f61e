package io.github.djdd.core.project;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.build.BuildDir;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.env.PipOptions;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.site.SiteOptions;
import io.github.djdd.core.site.SiteVariant;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link ProjectBuild} builds.
 *
 * @param repository the URL to fetch from; null builds from the existing clone
 * @param variants the variants to build, in order
 * @param named whether the variants come from {@code <variants>}; if not, the one site package is
 *     named after the software alone
 * @param ref a ref that overrides every variant's, or null
 * @param projectDir the folder of the repository that holds the Django project, "" for the top
 */
public record BuildRequest(BuildDir buildDir, SoftwareName software, String repository, List<SiteVariant> variants,
        boolean named, String ref, String projectDir, PipOptions pip, PackageSettings settings, SiteOptions site) {

    public BuildRequest {
        variants = List.copyOf(variants);
    }

    /** Checks {@code <projectDir>}: a plain relative folder inside the repository. */
    public static String projectDir(String value) throws InvalidConfigurationException {
        String dir = value == null ? "" : value.strip().replaceAll("/+$", "");
        if (dir.equals(".")) {
            return "";
        }
        Path path = Path.of(dir);
        if (path.isAbsolute() || !path.normalize().equals(path) || dir.startsWith("..") || dir.contains("\\")) {
            throw new InvalidConfigurationException("projectDir", "Invalid <projectDir> '" + value + "': use a folder"
                    + " inside the repository, relative to its top, such as app.");
        }
        return dir;
    }
}
