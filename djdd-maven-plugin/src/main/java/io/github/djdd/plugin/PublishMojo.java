package io.github.djdd.plugin;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.project.ProjectPublish;
import io.github.djdd.core.project.PublishRequest;
import io.github.djdd.core.publish.Channel;
import java.util.Optional;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;

/**
 * Publishes what {@code djdd:build} made last for the selected variants (each site package with
 * the env and src packages it depends on) into a signed APT repository in a folder, for any web
 * server to serve, or into a local repository of an aptly server, whose publications aptly
 * updates and signs. A folder repository's public key is written beside it as
 * <code>{software}-archive-keyring.gpg</code>; each publish signs its {@code Release} anew, valid
 * for {@code <validFor>} days. A site version that does not sort above the repository's newest of
 * that site is refused, since apt would never upgrade to it; the very same package again is no
 * change.
 *
 * @since 0.1.0
 */
@Mojo(name = "publish", defaultPhase = LifecyclePhase.DEPLOY, requiresProject = false, threadSafe = true)
public class PublishMojo extends AbstractRepositoryWriterMojo {
    /**
     * Where in a folder repository the packages go: {@code production}, the distribution named after
     * the suite ({@code trixie}), which servers follow; or {@code staging}, the distribution
     * <code>{suite}-staging</code>, which canary servers follow until {@code djdd:promote} moves the
     * version they ran to production.
     *
     * @since 0.2.0
     */
    @Parameter(property = "djdd.publish.channel", defaultValue = "production")
    String channel;

    /**
     * The URL of an aptly API server ({@code aptly api serve}, behind a proxy that speaks TLS) to
     * publish to instead of a folder, such as {@code https://aptly.example.org/}. A plain
     * {@code http} URL needs {@code <aptlyInsecure>}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.publish.aptly")
    String aptly;

    /**
     * Whether {@code <aptly>} may be a plain {@code http} URL. Over http, the packages (which aptly
     * then signs) and the {@code <aptlyServerId>} password travel unencrypted: anyone on the way
     * could read the password and alter the packages. Set it only for an aptly on the build machine
     * ({@code http://127.0.0.1:8080/}) or on a network you trust.
     *
     * @since 0.2.0
     */
    @Parameter(property = "djdd.publish.aptlyInsecure", defaultValue = "false")
    boolean aptlyInsecure;

    /**
     * The aptly local repository the packages are added to, created and published once by the
     * operator ({@code aptly repo create}, {@code aptly publish repo}); one per suite. Default:
     * <code>{software}-{suite}</code>.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.publish.aptlyRepo")
    String aptlyRepo;

    /**
     * The key aptly signs the publication with (its {@code -gpg-key}); default: aptly's default key.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.publish.aptlyGpgKey")
    String aptlyGpgKey;

    /**
     * The {@code <server>} of Maven's {@code settings.xml} whose username and password djdd sends
     * to aptly with HTTP basic authentication (for aptly behind an authenticating proxy).
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.publish.aptlyServerId")
    String aptlyServerId;

    @Override
    void run(Console console) throws DjddException {
        String suiteName = suiteName();
        PublishRequest.Target target;
        if (aptly != null && !aptly.isBlank()) {
            if (folder != null) {
                throw new InvalidConfigurationException("aptly", "Both <folder> and <aptly> are set: djdd:publish"
                        + " publishes to one repository; remove one of them.");
            }
            Server server = server(aptlyServerId, "aptlyServerId", "whose <username> and <password> aptly's proxy"
                    + " accepts", "leave -Ddjdd.publish.aptlyServerId out");
            target = new PublishRequest.Aptly(aptly, aptlyRepo != null && !aptlyRepo.isBlank() ? aptlyRepo
                    : softwareName().value() + "-" + suiteName, optional(aptlyGpgKey),
                    server == null ? Optional.empty() : Optional.ofNullable(server.getUsername()),
                    server == null || server.getPassword() == null ? new char[0] : server.getPassword().toCharArray(),
                    aptlyInsecure);
        } else {
            target = folderRepository();
        }
        new ProjectPublish(new PublishRequest(preparedBuildDir(), suiteName, softwareName(), variants(variant), target,
                keep, Channel.of(channel)), console).run();
    }

    private static Optional<String> optional(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
