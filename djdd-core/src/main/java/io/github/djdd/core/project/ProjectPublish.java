package io.github.djdd.core.project;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.publish.AptlyRepository;
import io.github.djdd.core.publish.Channel;
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
        String distribution = request.channel().distribution(request.suite());
        Published result = repository.publish(distribution, debs, request.keep());
        console.info("Published to " + repository.describe() + " (" + distribution + "):");
        result.added().forEach(key -> console.info("  added " + key));
        result.present().forEach(key -> console.info("  already there " + key));
        result.dropped().forEach(key -> console.info("  dropped " + key + " (older than the " + request.keep()
                + " kept)"));
        console.info(repository.howServersUseIt(distribution));
        return result;
    }

    /** A folder repository with its signing key loaded. */
    static FolderRepository folderRepository(PublishRequest.Folder target, SoftwareName software, Console console)
            throws DjddException {
        Clock clock = Clock.systemUTC();
        ReleaseSigner signer = ReleaseSigner.load(target.keyFile(), target.passphrase(), clock.instant());
        return new FolderRepository(target.folder(), software.value(), signer, target.validFor(), console, clock);
    }

    /** The target repository, its key loaded or its settings checked before any build is read. */
    private PackageRepository repository() throws DjddException {
        if (request.target() instanceof PublishRequest.Folder target) {
            return folderRepository(target, request.software(), console);
        }
        if (request.channel() != Channel.PRODUCTION) {
            throw new InvalidConfigurationException("channel", "<channel> is " + request.channel().value() + ", which"
                    + " needs a <folder> repository (djdd:promote moves versions between its distributions): with"
                    + " <aptly>, publish to a local repository for the canaries (<aptlyRepo>) and copy versions with"
                    + " aptly's 'repo copy', or drop <channel>.");
        }
        PublishRequest.Aptly target = (PublishRequest.Aptly) request.target();
        return AptlyRepository.of(target.url(), target.repo(), request.software().value(), target.gpgKey(),
                target.user(), target.password(), target.insecure(), console);
    }
}
