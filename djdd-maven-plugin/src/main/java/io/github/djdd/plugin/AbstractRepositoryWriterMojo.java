package io.github.djdd.plugin;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.buildroot.BuildRootOptions;
import io.github.djdd.core.project.PublishRequest;
import io.github.djdd.core.publish.ValidFor;
import java.io.File;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;

/**
 * The goals that write a folder APT repository: {@code publish}, {@code promote} and
 * {@code rollback}. They share its folder, its signing key and what it keeps.
 */
abstract class AbstractRepositoryWriterMojo extends AbstractDjddMojo {
    /**
     * The variant to publish, promote or roll back; default: every variant in {@code <variants>}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "variant")
    String variant;

    /**
     * The suite the packages were built for and are published to (with its channels, for
     * {@code promote} and {@code rollback}).
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

    /** {@code <folder>} with its signing key, checked. */
    PublishRequest.Folder folderRepository() throws InvalidConfigurationException {
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
        return new PublishRequest.Folder(folder.toPath(), keyFile.toPath(),
                PublishRequest.passphrase(password, System.getenv()), ValidFor.of(validFor));
    }

    /** {@code <suite>}, checked. */
    String suiteName() throws InvalidConfigurationException {
        return BuildRootOptions.suite(suite);
    }
}
