package io.github.djdd.plugin;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.project.ProjectPromote;
import java.util.Optional;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Promotes a site version from the staging channel of a folder repository
 * (<code>{suite}-staging</code>, where {@code djdd:publish -Ddjdd.publish.channel=staging} put it
 * and canary servers ran it) to production (the suite's own distribution, which the rest of the
 * fleet follows), with the env and src packages it depends on, signed, atomic for readers. Builds
 * nothing: production gets the very packages the canaries installed.
 *
 * @since 0.2.0
 */
@Mojo(name = "promote", defaultPhase = LifecyclePhase.DEPLOY, requiresProject = false, threadSafe = true)
public class PromoteMojo extends AbstractRepositoryWriterMojo {
    /**
     * The site version to promote, as {@code apt-cache policy} lists it on a canary; default: the
     * newest in staging. Names one site, so with several variants select one ({@code -Dvariant}).
     *
     * @since 0.2.0
     */
    @Parameter(property = "djdd.promote.version")
    String promoteVersion;

    @Override
    void run(Console console) throws DjddException {
        new ProjectPromote(new ProjectPromote.Request(suiteName(), softwareName(), variants(variant), folderRepository(),
                keep), console).promote(promoteVersion == null || promoteVersion.isBlank() ? Optional.empty()
                        : Optional.of(promoteVersion.strip()));
    }
}
