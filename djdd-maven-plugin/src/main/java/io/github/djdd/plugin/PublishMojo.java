package io.github.djdd.plugin;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.buildroot.BuildRootOptions;
import io.github.djdd.core.project.ProjectPublish;
import io.github.djdd.core.project.PublishRequest;
import io.github.djdd.core.publish.ValidFor;
import java.io.File;
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
public class PublishMojo extends AbstractDjddMojo {
    /**
     * The variant to publish; default: every variant in {@code <variants>}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "variant")
    String variant;

    /**
     * The suite the packages were built for and are published to.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.suite", defaultValue = BuildRootOptions.DEFAULT_SUITE)
    String suite;

    /**
     * The folder of the APT repository, created by the first publish. Either this or
     * {@code <aptly>}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.publish.folder")
    File folder;

    /**
     * The ASCII-armoured OpenPGP secret key that signs the repository
     * ({@code gpg --armor --export-secret-keys KEYID}). Its passphrase comes from the
     * {@code DJDD_SIGNING_PASSPHRASE} environment variable or from {@code <serverId>}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.publish.keyFile")
    File keyFile;

    /**
     * The {@code <server>} of Maven's {@code settings.xml} whose password (or passphrase) is the
     * key's passphrase, encrypted as Maven encrypts passwords; default: the
     * {@code DJDD_SIGNING_PASSPHRASE} environment variable.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.publish.serverId")
    String serverId;

    /**
     * The site versions kept installable per variant; env and src packages no kept version needs
     * are dropped.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.publish.keep", defaultValue = "5")
    int keep;

    /**
     * The days the {@code Release} of a folder repository stays valid after each publish: its
     * {@code Valid-Until} is the publish's {@code Date} plus this. Past it, apt on the servers
     * refuses the repository ("Release file ... is expired"), and so does {@code djdd:build}
     * reading it as its package cache, so a mirror that keeps serving an old (signed) state is
     * noticed instead of holding servers back for ever. Every publish renews it, also one that
     * adds nothing: publish at least that often, e.g. from a nightly job. The default, two weeks,
     * lets a nightly publish fail for a week and more before servers refuse the repository, while
     * a frozen mirror holds them back two weeks at most (Debian's security archive signs for one
     * week). A whole number from 1 to 3650. aptly's publications carry no {@code Valid-Until}
     * (aptly 1.5 cannot write one), so this applies to {@code <folder>} only.
     *
     * @since 0.2.0
     */
    @Parameter(property = "djdd.publish.validFor", defaultValue = ValidFor.DEFAULT)
    String validFor;

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
        String suiteName = BuildRootOptions.suite(suite);
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
            if (folder == null) {
                throw new InvalidConfigurationException("folder", "No repository configured: set <folder> in the"
                        + " plugin's configuration or pass -Ddjdd.publish.folder=DIR (or <aptly> for an aptly"
                        + " server).");
            }
            if (keyFile == null) {
                throw new InvalidConfigurationException("keyFile", "No signing key configured: set <keyFile> or pass"
                        + " -Ddjdd.publish.keyFile=FILE, an ASCII-armoured secret key ('gpg --armor"
                        + " --export-secret-keys KEYID').");
            }
            Server server = server(serverId, "serverId", "whose <password> is the signing key's passphrase",
                    "leave -Ddjdd.publish.serverId out and set DJDD_SIGNING_PASSPHRASE");
            String password = server == null ? null
                    : server.getPassphrase() != null ? server.getPassphrase() : server.getPassword();
            target = new PublishRequest.Folder(folder.toPath(), keyFile.toPath(),
                    PublishRequest.passphrase(password, System.getenv()), ValidFor.of(validFor));
        }
        new ProjectPublish(new PublishRequest(preparedBuildDir(), suiteName, softwareName(), variants(variant), target,
                keep), console).run();
    }

    private static Optional<String> optional(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
