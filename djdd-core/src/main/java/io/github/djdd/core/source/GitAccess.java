package io.github.djdd.core.source;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.internal.transport.sshd.OpenSshServerKeyDatabase;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.KeyPasswordProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * How djdd reaches the software's repository, which is private more often than not: over SSH
 * with JGit's Apache MINA SSHD transport, with the keys of the build user's {@code ~/.ssh} and
 * {@code ~/.ssh/config} ({@code Host} aliases, {@code IdentityFile}, {@code Port}, {@code User}),
 * those of its ssh-agent ({@code SSH_AUTH_SOCK}) and a deploy key from a {@code settings.xml}
 * {@code <server>}; over HTTPS with that server's username and password (or token), git's
 * credential store or {@code ~/.netrc} ({@link CredentialStores}). Host keys are checked strictly
 * against {@code ~/.ssh/known_hosts} whatever the SSH configuration says: an unknown or changed
 * key is never accepted, and {@link #hostKeyProblem()} says which it was. Nothing is ever asked
 * interactively.
 */
public final class GitAccess implements AutoCloseable {
    /**
     * The credentials of a {@code settings.xml} {@code <server>}, decrypted.
     *
     * @param id the server's id, for messages
     * @param username for HTTPS, and the SSH user unless the URL or the SSH configuration names one
     * @param password for HTTPS: a password or token
     * @param privateKey an SSH private key file, a deploy key
     * @param passphrase the private key's passphrase
     */
    public record Server(String id, String username, char[] password, Path privateKey, char[] passphrase) {}

    /** A host key that stopped a connection. */
    public record HostKeyProblem(String host, int port, String fingerprint, boolean changed) {}

    private final Path home;
    private final Optional<Server> server;
    private final Map<String, String> environment;
    private final JGitKeyCache keys = new JGitKeyCache();
    private volatile HostKeyProblem hostKeyProblem;
    private SshdSessionFactory ssh;

    private GitAccess(Path home, Optional<Server> server, Map<String, String> environment) {
        this.home = home;
        this.server = server;
        this.environment = Map.copyOf(environment);
    }

    /**
     * @param home the build user's home, whose {@code .ssh}, {@code .git-credentials} and
     *     {@code .netrc} count
     * @param server the {@code <repositoryServerId>}'s credentials, if one is named
     * @param environment the build's environment ({@code SSH_AUTH_SOCK}, {@code XDG_CONFIG_HOME})
     */
    public static GitAccess of(Path home, Optional<Server> server, Map<String, String> environment) {
        return new GitAccess(home, server, environment);
    }

    /** The build user's own access: its home, its environment, no {@code <server>}. */
    public static GitAccess ofUser() {
        return of(Path.of(System.getProperty("user.home")), Optional.empty(), System.getenv());
    }

    /** The {@code <server>} whose credentials this access uses, if any. */
    public Optional<Server> server() {
        return server;
    }

    /** The host key that stopped the last connection, if one did. */
    public Optional<HostKeyProblem> hostKeyProblem() {
        return Optional.ofNullable(hostKeyProblem);
    }

    /** Sets up a clone or fetch: its credentials for HTTPS and, for SSH, djdd's session factory. */
    public <C extends TransportCommand<C, ?>> C apply(C command) {
        hostKeyProblem = null;
        command.setCredentialsProvider(credentials());
        command.setTransportConfigCallback(transport -> {
            if (transport instanceof SshTransport sshTransport) {
                sshTransport.setSshSessionFactory(ssh());
            }
        });
        return command;
    }

    /** HTTP(S) credentials: the server's, then git's credential store, then {@code ~/.netrc}. */
    CredentialsProvider credentials() {
        return new CredentialStores(home, server, environment);
    }

    private synchronized SshdSessionFactory ssh() {
        if (ssh == null) {
            File sshDir = home.resolve(".ssh").toFile();
            SshdSessionFactoryBuilder builder = new SshdSessionFactoryBuilder()
                    .setHomeDirectory(home.toFile())
                    .setSshDirectory(sshDir)
                    .setServerKeyDatabase((homeDir, dir) -> new StrictKnownHosts(dir.toPath()))
                    .setKeyPasswordProvider(provider -> new Passphrase())
                    .setConnectorFactory(new AgentConnectorFactory(environment));
            server.filter(credentials -> credentials.privateKey() != null).ifPresent(credentials -> {
                List<Path> identities = new ArrayList<>(List.of(credentials.privateKey()));
                builder.setDefaultIdentities(dir -> identities);
            });
            ssh = builder.build(keys);
        }
        return ssh;
    }

    @Override
    public synchronized void close() {
        if (ssh != null) {
            ssh.close();
        }
        keys.close();
    }

    /** The deploy key's passphrase, once; keys without a passphrase ask nothing. */
    private final class Passphrase implements KeyPasswordProvider {
        private int attempts = 1;

        @Override
        public char[] getPassphrase(URIish uri, int attempt) {
            return server.map(Server::passphrase).filter(value -> value != null && value.length > 0 && attempt == 0)
                    .map(char[]::clone).orElse(null);
        }

        @Override
        public void setAttempts(int value) {
            attempts = Math.min(value, 1);
        }

        @Override
        public int getAttempts() {
            return attempts;
        }

        @Override
        public boolean keyLoaded(URIish uri, int attempt, Exception error) {
            return false;
        }
    }

    /**
     * OpenSSH's {@code known_hosts} files as JGit reads them (hashed names, markers, several
     * files), with {@code StrictHostKeyChecking yes} whatever the configuration says.
     */
    private final class StrictKnownHosts implements ServerKeyDatabase {
        private final ServerKeyDatabase files;

        StrictKnownHosts(Path sshDir) {
            this.files = new OpenSshServerKeyDatabase(false, List.of(sshDir.resolve("known_hosts"),
                    sshDir.resolve("known_hosts2")));
        }

        @Override
        public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
            return files.lookup(connectAddress, remoteAddress, config);
        }

        @Override
        public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
                Configuration config, CredentialsProvider provider) {
            List<PublicKey> known = lookup(connectAddress, remoteAddress, config);
            if (known.stream().anyMatch(key -> KeyUtils.compareKeys(key, serverKey))) {
                return true;
            }
            String host = connectAddress.replaceFirst("^\\[(.*)\\]:[0-9]+$", "$1");
            int port = connectAddress.matches("^\\[.*\\]:[0-9]+$")
                    ? Integer.parseInt(connectAddress.replaceFirst(".*:", "")) : remoteAddress.getPort();
            hostKeyProblem = new HostKeyProblem(host, port, KeyUtils.getFingerPrint(serverKey), !known.isEmpty());
            return false;
        }
    }

    /** The user's {@code known_hosts}, for messages. */
    Path knownHosts() {
        return home.resolve(".ssh/known_hosts");
    }
}
