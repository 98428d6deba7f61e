package io.github.djdd.core.project;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.source.ResolvedCommit;
import io.github.djdd.core.source.SourceOptions;
import io.github.djdd.core.source.SourceRepository;
import io.github.djdd.core.step.StepsRunner;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildUser;
import java.util.LinkedHashMap;
import java.util.Map;

/** The commits a software's variants build: each variant's ref resolved in the clone, and said. */
public final class ProjectSource {
    private ProjectSource() {}

    /**
     * What {@code djdd:src} does: clones the repository into the build dir or fetches into the
     * clone (failing when the repository cannot be reached), then resolves every variant's ref.
     *
     * @param url the repository; null fetches from the clone's own remote
     * @param ref a ref that overrides every variant's, or null
     */
    public static Map<SiteVariant, ResolvedCommit> cloneOrFetch(BuildDir buildDir, SoftwareName software, String url,
            SourceOptions options, SiteVariants variants, String ref, Console console) throws DjddException {
        BuildUser.requireMember("djdd:src");
        SourceRepository clone = new StepsRunner(console).run("Fetch " + software,
                () -> SourceRepository.cloneOrFetch(buildDir, software, url, options, console));
        return resolve(clone, variants, ref, console);
    }

    /** Resolves each variant's ref (or {@code ref} for all) and says which commit it is. */
    static Map<SiteVariant, ResolvedCommit> resolve(SourceRepository clone, SiteVariants variants, String ref,
            Console console) throws DjddException {
        Map<SiteVariant, ResolvedCommit> commits = new LinkedHashMap<>();
        for (SiteVariant variant : variants.selected()) {
            ResolvedCommit commit = clone.resolve(ref != null ? ref : variant.ref());
            console.info("Variant " + variant.name() + ": " + commit.ref() + " is commit " + commit.id());
            commits.put(variant, commit);
        }
        return commits;
    }
}
