package io.github.djdd.plugin;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.step.StepsRunner;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.source.ResolvedCommit;
import io.github.djdd.core.source.SourceRepository;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Clones the software's repository into {@code {buildDir}/sources/{software}}, or fetches into
 * the existing clone, and shows which commit each variant's ref resolves to.
 *
 * @since 0.1.0
 */
@Mojo(name = "src", requiresProject = false, threadSafe = true)
public class SrcMojo extends AbstractRepositoryMojo {
    @Override
    void run(Console console) throws DjddException {
        SoftwareName name = softwareName();
        variantNames();
        String checkedRef = SourceRepository.checkRef(ref, "-Dref");
        if (repository != null && !repository.isBlank()) {
            SourceRepository.checkUrl(repository);
        }
        BuildDir dir = preparedBuildDir();
        StepsRunner steps = new StepsRunner(console);
        SourceRepository clone = steps.run("Fetch " + name,
                () -> SourceRepository.cloneOrFetch(dir, name, repository, console));
        if (variants.isEmpty()) {
            report(console, "default", clone.resolve(checkedRef));
        }
        for (Variant variant : variants) {
            report(console, variant.getName(), clone.resolve(checkedRef != null ? checkedRef : variant.getRef()));
        }
    }

    private static void report(Console console, String variant, ResolvedCommit commit) {
        console.info("Variant " + variant + ": " + commit.ref() + " is commit " + commit.id());
    }
}
