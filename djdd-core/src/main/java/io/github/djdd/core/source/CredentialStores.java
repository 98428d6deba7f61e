package io.github.djdd.core.source;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.NetRC;
import org.eclipse.jgit.transport.URIish;

/**
 * The username and password (or token) for a repository over HTTP(S), from the first place that
 * has them: the {@code <repositoryServerId>}'s {@code settings.xml} {@code <server>}, git's
 * credential store ({@code ~/.git-credentials}, {@code $XDG_CONFIG_HOME/git/credentials}, as
 * {@code git credential-store} writes them), {@code ~/.netrc}. Each answers only for its own
 * host (and, in the credential store, path); nothing is asked interactively.
 */
final class CredentialStores extends CredentialsProvider {
    private final Path home;
    private final Optional<GitAccess.Server> server;
    private final Map<String, String> environment;

    CredentialStores(Path home, Optional<GitAccess.Server> server, Map<String, String> environment) {
        this.home = home;
        this.server = server;
        this.environment = environment;
    }

    @Override
    public boolean isInteractive() {
        return false;
    }

    @Override
    public boolean supports(CredentialItem... items) {
        for (CredentialItem item : items) {
            if (!(item instanceof CredentialItem.Username) && !(item instanceof CredentialItem.Password)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean get(URIish uri, CredentialItem... items) throws UnsupportedCredentialItem {
        Optional<String[]> found = find(uri);
        if (found.isEmpty()) {
            return false;
        }
        for (CredentialItem item : items) {
            if (item instanceof CredentialItem.Username username) {
                username.setValue(found.get()[0]);
            } else if (item instanceof CredentialItem.Password password) {
                password.setValue(found.get()[1].toCharArray());
            } else {
                throw new UnsupportedCredentialItem(uri, item.getClass().getSimpleName() + ":" + item.getPromptText());
            }
        }
        return true;
    }

    /** The user and password for {@code uri}, from the first store that has them. */
    Optional<String[]> find(URIish uri) {
        if (server.isPresent() && server.get().username() != null && server.get().password() != null
                && server.get().password().length > 0) {
            return Optional.of(new String[] {server.get().username(), new String(server.get().password())});
        }
        List<Path> stores = new ArrayList<>(List.of(home.resolve(".git-credentials")));
        String xdg = environment.getOrDefault("XDG_CONFIG_HOME", "");
        stores.add((xdg.isEmpty() ? home.resolve(".config") : Path.of(xdg)).resolve("git/credentials"));
        for (Path store : stores) {
            Optional<String[]> found = fromStore(store, uri);
            if (found.isPresent()) {
                return found;
            }
        }
        Path netrc = home.resolve(".netrc");
        if (Files.isRegularFile(netrc) && uri.getHost() != null) {
            NetRC.NetRCEntry entry = new NetRC(netrc.toFile()).getEntry(uri.getHost());
            if (entry != null && entry.login != null && entry.password != null) {
                return Optional.of(new String[] {entry.login, new String(entry.password)});
            }
        }
        return Optional.empty();
    }

    /**
     * A line of a credential store ({@code https://user:password@host[:port][/path]}) for
     * {@code uri}: the same scheme, host and port, and a path that is a prefix of the
     * repository's when the line has one.
     */
    static Optional<String[]> fromStore(Path store, URIish uri) {
        if (!Files.isRegularFile(store)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(store, StandardCharsets.UTF_8)) {
                URI entry;
                try {
                    entry = new URI(line.strip());
                } catch (URISyntaxException e) {
                    continue;
                }
                if (entry.getRawUserInfo() == null || entry.getHost() == null || uri.getHost() == null
                        || !entry.getScheme().equalsIgnoreCase(uri.getScheme())
                        || !entry.getHost().equalsIgnoreCase(uri.getHost()) || port(entry.getScheme(), entry.getPort())
                                != port(uri.getScheme(), uri.getPort())) {
                    continue;
                }
                String path = entry.getRawPath() == null ? "" : entry.getRawPath().replaceFirst("/+$", "");
                if (!path.isEmpty() && !(uri.getRawPath() + "/").startsWith(path + "/")) {
                    continue;
                }
                String[] userInfo = entry.getRawUserInfo().split(":", 2);
                if (userInfo.length == 2) {
                    return Optional.of(new String[] {decode(userInfo[0]), decode(userInfo[1])});
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static int port(String scheme, int port) {
        return port > 0 ? port : scheme.toLowerCase(Locale.ROOT).equals("https") ? 443 : 80;
    }
}
