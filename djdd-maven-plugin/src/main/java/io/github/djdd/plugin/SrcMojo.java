package io.github.djdd.plugin;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.project.ProjectSource;
import io.github.djdd.core.source.GitAccess;
import io.github.djdd.core.source.SourceOptions;
import io.github.djdd.core.site.SiteVariants;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Clones the software's repository into <code>{buildDir}/sources/{software}</code>, or fetches into
 * the existing clone, and shows which commit each variant's ref resolves to.
 *
 * @since 0.1.0
 */
@Mojo(name = "src", requiresProject = false, threadSafe = true)
public class SrcMojo extends AbstractRepositoryMojo {
    @Override
    void run(Console console) throws DjddException {
        SoftwareName name = softwareName();
        SiteVariants selected = variants(null);
        String url = checkedRepository();
        String checkedRef = checkedRef();
        SourceOptions source = sourceOptions();
        try (GitAccess access = source.access()) {
            ProjectSource.cloneOrFetch(preparedBuildDir(), name, url, source, selected, checkedRef, console);
        }
    }
}
