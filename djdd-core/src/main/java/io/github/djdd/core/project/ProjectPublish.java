package io.github.djdd.core.project;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.publish.AptlyRepository;
import io.github.djdd.core.publish.FolderRepository;
import io.github.djdd.core.publish.PackageRepository;
import io.github.djdd.core.publish.Published;
import io.github.djdd.core.publish.ReleaseSigner;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.store.LastBuild;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes what {@code djdd:build} made last for the selected variants (each site package with
 * its env and src packages) into a signed folder repository or a local repository of aptly.
 */
public final class ProjectPublish {
    private final PublishRequest request;
    private final Console console;

    public ProjectPublish(PublishRequest request, Console console) {
        this.request = request;
        this.console = console;
    }

    public Published run() throws DjddException {
        PackageRepository repository = repository();
        List<Path> debs = new ArrayList<>();
        for (SiteVariant variant : request.variants().selected()) {
            String site = request.variants().layout(request.software(), variant).packageName();
            for (Path deb : LastBuild.read(request.buildDir(), request.suite(), site)) {
                if (!debs.contains(deb)) {
                    debs.add(deb);
                }
            }
        }
        Published result = repository.publish(request.suite(), debs, request.keep());
        console.info("Published to " + repository.describe() + " (" + request.suite() + "):");
        result.added().forEach(key -> console.info("  added " + key));
        result.present().forEach(key -> console.info("  already there " + key));
        result.dropped().forEach(key -> console.info("  dropped " + key + " (older than the " + request.keep()
                + " kept)"));
        console.info(repository.howServersUseIt(request.suite()));
        return result;
    }

    /** The target repository, its key loaded or its settings checked before any build is read. */
    private PackageRepository repository() throws DjddException {
        if (request.target() instanceof PublishRequest.Folder target) {
            Clock clock = Clock.systemUTC();
            ReleaseSigner signer = ReleaseSigner.load(target.keyFile(), target.passphrase(), clock.instant());
            return new FolderRepository(target.folder(), request.software().value(), signer, target.validFor(),
                    console, clock);
        }
        PublishRequest.Aptly target = (PublishRequest.Aptly) request.target();
        return AptlyRepository.of(target.url(), target.repo(), request.software().value(), target.gpgKey(),
                target.user(), target.password(), target.insecure(), console);
    }
}
