package io.github.djdd.plugin;

import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.source.GitAccess;
import io.github.djdd.core.source.SourceOptions;
import io.github.djdd.core.source.SourceRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;

/** The goals that read the software's repository: {@code src} and {@code build}. */
abstract class AbstractRepositoryMojo extends AbstractDjddMojo {
    /**
     * The software's git repository: any URL git understands, or a local path. {@code djdd:build}
     * without it uses the clone {@code djdd:src} made.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.repository")
    String repository;

    /**
     * The branch, tag or commit for every variant, instead of each variant's {@code <ref>}.
     *
     * @since 0.1.0
     */
    @Parameter(property = "ref")
    String ref;

    /**
     * The {@code <server>} of Maven's {@code settings.xml} that holds the repository's credentials:
     * {@code <username>} and {@code <password>} (a password or token) for HTTPS, {@code <privateKey>}
     * (a deploy key's file) and {@code <passphrase>} for SSH, encrypted as Maven encrypts passwords.
     * Without it: the build user's {@code ~/.ssh} (and {@code ~/.ssh/config}), its ssh-agent, git's
     * credential store ({@code ~/.git-credentials}) and {@code ~/.netrc}. Never put credentials in
     * {@code <repository>}.
     *
     * @since 0.2.0
     */
    @Parameter(property = "djdd.repositoryServerId")
    String repositoryServerId;

    /**
     * Whether the repository's submodules are fetched, with the same credentials, and packaged in the
     * src package at the commits the superproject records (the src package is still named after the
     * superproject's commit); without it they are left out with a warning.
     *
     * @since 0.2.0
     */
    @Parameter(property = "djdd.submodules", defaultValue = "false")
    boolean submodules;

    /** {@code <repository>}, checked; null when none is configured. */
    String checkedRepository() throws InvalidConfigurationException {
        return repository == null || repository.isBlank() ? null : SourceRepository.checkUrl(repository);
    }

    /** How the repository is reached: {@code <repositoryServerId>}'s credentials, the user's keys, submodules. */
    SourceOptions sourceOptions() throws InvalidConfigurationException {
        Server server = server(repositoryServerId, "repositoryServerId", "with the repository's <username> and"
                + " <password> (HTTPS) or <privateKey> and <passphrase> (SSH)", "leave -Ddjdd.repositoryServerId out"
                + " to use the build user's ~/.ssh, ssh-agent, ~/.git-credentials or ~/.netrc");
        Optional<GitAccess.Server> credentials = Optional.empty();
        if (server != null) {
            Path key = server.getPrivateKey() == null || server.getPrivateKey().isBlank() ? null
                    : Path.of(server.getPrivateKey().strip());
            if (key != null && !Files.isReadable(key)) {
                throw new InvalidConfigurationException("repositoryServerId", "The <privateKey> " + key + " of the"
                        + " settings.xml <server> '" + repositoryServerId.strip() + "' is not a readable file for "
                        + System.getProperty("user.name") + ": give the deploy key's absolute path.");
            }
            credentials = Optional.of(new GitAccess.Server(repositoryServerId.strip(), server.getUsername(),
                    chars(server.getPassword()), key, chars(server.getPassphrase())));
        }
        return new SourceOptions(GitAccess.of(Path.of(System.getProperty("user.home")), credentials, System.getenv()),
                submodules);
    }

    private static char[] chars(String value) {
        return value == null ? new char[0] : value.toCharArray();
    }

    /** {@code -Dref}, checked; null when none is given. */
    String checkedRef() throws InvalidConfigurationException {
        return SourceRepository.checkRef(ref, "-Dref");
    }
}
