package io.github.djdd.plugin;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.project.ProjectPromote;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Rolls production back: drops the newest version of each selected site from the suite's own
 * distribution of a folder repository (and the env and src packages only it needed there), so the
 * version before it is production's newest again. Servers whose APT preferences pin the repository's
 * origin above 1000 go back to it at their next upgrade; the dropped version stays in staging.
 *
 * @since 0.2.0
 */
@Mojo(name = "rollback", defaultPhase = LifecyclePhase.DEPLOY, requiresProject = false, threadSafe = true)
public class RollbackMojo extends AbstractRepositoryWriterMojo {
    @Override
    void run(Console console) throws DjddException {
        new ProjectPromote(new ProjectPromote.Request(suiteName(), softwareName(), variants(variant), folderRepository(),
                keep), console).rollback();
    }
}
