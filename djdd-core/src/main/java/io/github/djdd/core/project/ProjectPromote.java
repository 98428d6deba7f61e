package io.github.djdd.core.project;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.publish.Channel;
import io.github.djdd.core.publish.FolderRepository;
import io.github.djdd.core.publish.Published;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A staged rollout through a folder repository's channels: {@link #promote} puts a site version that
 * canary servers ran from staging into production, {@link #rollback} takes production's newest
 * version of each selected site away again. Neither builds anything.
 */
public final class ProjectPromote {
    /**
     * @param suite the suite whose channels these are
     * @param variants the sites to promote or roll back
     * @param repository the folder repository and its signing key
     * @param keep the site versions production keeps per variant
     */
    public record Request(String suite, SoftwareName software, SiteVariants variants, PublishRequest.Folder repository,
            int keep) {}

    private final Request request;
    private final Console console;

    public ProjectPromote(Request request, Console console) {
        this.request = request;
        this.console = console;
    }

    /**
     * Promotes {@code version} of the selected site (every selected site's newest in staging when
     * empty) to production.
     *
     * @throws InvalidConfigurationException when a version is named for more than one site: each
     *     site's versions are its own
     */
    public List<Published> promote(Optional<String> version) throws DjddException {
        List<SiteVariant> selected = request.variants().selected();
        if (version.isPresent() && selected.size() > 1) {
            throw new InvalidConfigurationException("promoteVersion", "<promoteVersion> " + version.get() + " names the"
                    + " version of one site, but " + selected.size() + " variants are selected: choose one with"
                    + " -Dvariant=NAME, or leave the version out to promote each site's newest in staging.");
        }
        FolderRepository repository = ProjectPublish.folderRepository(request.repository(), request.software(), console);
        String from = Channel.STAGING.distribution(request.suite());
        String to = Channel.PRODUCTION.distribution(request.suite());
        List<Published> results = new ArrayList<>();
        for (String site : sites()) {
            Published result = repository.promote(from, to, site, version, request.keep());
            console.info("Promoted " + site + " from " + from + " to " + to + " in " + repository.describe() + ":");
            result.added().forEach(key -> console.info("  added " + key));
            result.present().forEach(key -> console.info("  already there " + key));
            result.dropped().forEach(key -> console.info("  dropped " + key + " (older than the " + request.keep()
                    + " kept)"));
            results.add(result);
        }
        return results;
    }

    /** Drops production's newest version of each selected site, so the one before it serves again. */
    public List<String> rollback() throws DjddException {
        FolderRepository repository = ProjectPublish.folderRepository(request.repository(), request.software(), console);
        String production = Channel.PRODUCTION.distribution(request.suite());
        List<String> dropped = new ArrayList<>();
        for (String site : sites()) {
            List<String> keys = repository.rollback(production, site);
            console.info("Rolled " + site + " back in " + production + " of " + repository.describe() + ":");
            keys.forEach(key -> console.info("  dropped " + key + " (still in " + Channel.STAGING.distribution(
                    request.suite()) + " if it was promoted from there)"));
            dropped.addAll(keys);
        }
        console.info("Servers that follow " + production + " with an APT pin above 1000 for its origin go back to its"
                + " newest version at their next upgrade (apt-get install --allow-downgrades, or unattended-upgrades"
                + " with Allow-downgrade).");
        return dropped;
    }

    private List<String> sites() {
        return request.variants().selected().stream()
                .map(variant -> request.variants().layout(request.software(), variant).packageName()).toList();
    }
}
