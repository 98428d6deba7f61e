package io.github.djdd.plugin;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.buildroot.BuildRootOptions;
import io.github.djdd.core.project.ProjectPublish;
import io.github.djdd.core.project.PublishRequest;
import java.io.File;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Publishes what {@code djdd:build} made last for the selected variants (each site package with
 * the env and src packages it depends on) into a signed APT repository in a folder, for any web
 * server to serve. The public key is written beside it as {@code {software}-archive-keyring.gpg}.
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
     * The folder of the APT repository, created by the first publish.
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

    @Parameter(defaultValue = "${settings}", readonly = true)
    Settings settings;

    @Component
    SettingsDecrypter decrypter;

    @Override
    void run(Console console) throws DjddException {
        if (folder == null) {
            throw new InvalidConfigurationException("folder", "No repository folder configured: set <folder> in the"
                    + " plugin's configuration or pass -Ddjdd.publish.folder=DIR.");
        }
        if (keyFile == null) {
            throw new InvalidConfigurationException("keyFile", "No signing key configured: set <keyFile> or pass"
                    + " -Ddjdd.publish.keyFile=FILE, an ASCII-armoured secret key ('gpg --armor --export-secret-keys"
                    + " KEYID').");
        }
        PublishRequest request = new PublishRequest(preparedBuildDir(), BuildRootOptions.suite(suite), softwareName(),
                variants(variant), folder.toPath(), keyFile.toPath(),
                PublishRequest.passphrase(serverPassword(), System.getenv()), keep);
        new ProjectPublish(request, console).run();
    }

    /** The decrypted password of {@code <serverId>}, or null when none is named. */
    private String serverPassword() throws InvalidConfigurationException {
        if (serverId == null || serverId.isBlank()) {
            return null;
        }
        Server server = settings == null ? null : settings.getServer(serverId.strip());
        if (server == null) {
            throw new InvalidConfigurationException("serverId", "settings.xml has no <server> with the id '"
                    + serverId.strip() + "': add one whose <password> is the signing key's passphrase, or leave"
                    + " -Ddjdd.publish.serverId out and set DJDD_SIGNING_PASSPHRASE.");
        }
        Server decrypted = decrypter.decrypt(new DefaultSettingsDecryptionRequest(server)).getServer();
        return decrypted.getPassphrase() != null ? decrypted.getPassphrase() : decrypted.getPassword();
    }
}
