package io.github.djdd.core.project;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.publish.FolderRepository;
import io.github.djdd.core.publish.ReleaseSigner;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.store.LastBuild;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes what {@code djdd:build} made last for the selected variants (each site package with
 * its env and src packages) into a signed folder repository.
 */
public final class ProjectPublish {
    private final PublishRequest request;
    private final Console console;

    public ProjectPublish(PublishRequest request, Console console) {
        this.request = request;
        this.console = console;
    }

    public FolderRepository.Result run() throws DjddException {
        Clock clock = Clock.systemUTC();
        ReleaseSigner signer = ReleaseSigner.load(request.keyFile(), request.passphrase(), clock.instant());
        List<Path> debs = new ArrayList<>();
        for (SiteVariant variant : request.variants().selected()) {
            String site = request.variants().layout(request.software(), variant).packageName();
            for (Path deb : LastBuild.read(request.buildDir(), request.suite(), site)) {
                if (!debs.contains(deb)) {
                    debs.add(deb);
                }
            }
        }
        FolderRepository repository = new FolderRepository(request.folder(), request.software().value(), signer,
                console, clock);
        FolderRepository.Result result = repository.publish(request.suite(), debs, request.keep());
        console.info("Published to " + request.folder() + " (" + request.suite() + "), signed by "
                + signer.fingerprint() + ":");
        result.added().forEach(key -> console.info("  added " + key));
        result.present().forEach(key -> console.info("  already there " + key));
        result.dropped().forEach(key -> console.info("  dropped " + key + " (older than the " + request.keep()
                + " kept)"));
        console.info("Servers use it with " + repository.keyring().getFileName() + " in /usr/share/keyrings and: deb"
                + " [signed-by=/usr/share/keyrings/" + repository.keyring().getFileName() + "] URL-OF-"
                + request.folder().getFileName() + " " + request.suite() + " main");
        return result;
    }
}
