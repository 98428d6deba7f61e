package io.github.djdd.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.djdd.core.Console;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.workspace.BuildDir;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sentence for each way a fetch fails, from what JGit throws. */
class FetchFailureTest {
    private static final GitAccess ACCESS = GitAccess.of(Path.of("/home/ci"), Optional.empty(), Map.of());

    @TempDir
    Path dir;

    @Test
    void anUnreachableHostIsTheOneFailureABuildMayGoOnFrom() {
        FetchFailure failure = FetchFailure.of("https://git.example.com/app.git", new TransportException(
                "https://git.example.com/app.git: cannot open git-upload-pack",
                new ConnectException("Connection refused")), ACCESS);

        assertThat(failure.unreachable()).isTrue();
        assertThat(failure.exception()).hasMessage("Cannot reach git.example.com to fetch"
                + " https://git.example.com/app.git (Connection refused): check that the build machine reaches it"
                + " (network, firewall, proxy) and <repository> / -Ddjdd.repository; nothing was fetched, and the"
                + " clone is as it was.");
    }

    @Test
    void noRepositoryThereStops() {
        FetchFailure failure = FetchFailure.of("ssh://git@git.example.com/app.git", new TransportException(
                "ssh://git@git.example.com/app.git: Repository not found."), ACCESS);

        assertThat(failure.unreachable()).isFalse();
        assertThat(failure.exception()).hasMessage("git.example.com has no repository at"
                + " ssh://git@git.example.com/app.git (ssh://git@git.example.com/app.git: Repository not found.): check"
                + " <repository> / -Ddjdd.repository, and that its key may read that repository; nothing was fetched,"
                + " and the clone is as it was.");
    }

    @Test
    void refusedCredentialsOverHttpsNameWhereTheyComeFrom() {
        FetchFailure failure = FetchFailure.of("https://git.example.com/app.git", new TransportException(
                "https://git.example.com/app.git: not authorized"), ACCESS);

        assertThat(failure.unreachable()).isFalse();
        assertThat(failure.exception().getMessage()).startsWith("git.example.com refused the credentials of ")
                .contains("set <repositoryServerId> to a settings.xml <server> with the <username> and the <password>"
                        + " or token, or put them in ~/.git-credentials or ~/.netrc");
    }

    @Test
    void scpLikeUrlsAreSshAndFoldersAreLocal() {
        assertThat(FetchFailure.isSsh("git@git.example.com:group/app.git")).isTrue();
        assertThat(FetchFailure.isSsh("https://git.example.com/app.git")).isFalse();
        assertThat(FetchFailure.isLocal("/srv/git/app.git")).isTrue();
        assertThat(FetchFailure.isLocal("file:///srv/git/app.git")).isTrue();
        assertThat(FetchFailure.isLocal("company-git:/srv/git/app.git")).isFalse();
    }

    /**
     * A URL is no HTTP status: a missing repository on port 34015, or under a group called team401,
     * is a missing repository, not refused credentials (as JGit words a 404, the URL twice over).
     */
    @ParameterizedTest
    @CsvSource({"https://git.example.com:34015/app.git", "https://git.example.com/team401/app.git",
        "https://git.example.com/team403/app.git", "https://git.example.com:4013/app.git"})
    void digitsOfTheUrlAreNoHttpStatus(String url) throws Exception {
        FetchFailure failure = FetchFailure.of(url, new InvalidRemoteException("Invalid remote: " + url,
                new NoRemoteRepositoryException(new URIish(url), url + "/info/refs?service=git-upload-pack not found")),
                ACCESS);

        assertThat(failure.unreachable()).isFalse();
        assertThat(failure.exception()).hasMessage("git.example.com has no repository at " + url + " (" + url + ": "
                + url + "/info/refs?service=git-upload-pack not found): check <repository> / -Ddjdd.repository;"
                + " nothing was fetched, and the clone is as it was.");
    }

    @Test
    void aMissingRepositoryOverSshOnAPortWith401InItIsNoRefusedKey() throws Exception {
        String url = "ssh://git@git.example.com:34015/srv/team401/app.git";
        FetchFailure failure = FetchFailure.of(url, new InvalidRemoteException("Invalid remote: " + url,
                new NoRemoteRepositoryException(new URIish(url), "fatal: '/srv/team401/app.git' does not appear to be"
                        + " a git repository")), ACCESS);

        assertThat(failure.exception().getMessage()).startsWith("git.example.com has no repository at " + url + " (");
    }

    @Test
    void aRefusedConnectionOnAPortWith403InItIsUnreachable() {
        String url = "https://git.example.com:40300/app.git";
        FetchFailure failure = FetchFailure.of(url, new TransportException(url + ": cannot open git-upload-pack",
                new ConnectException("Connection refused: git.example.com/192.0.2.1:40300")), ACCESS);

        assertThat(failure.unreachable()).isTrue();
        assertThat(failure.exception().getMessage()).startsWith("Cannot reach git.example.com to fetch " + url);
    }

    /**
     * What JGit throws for each answer of a real HTTP server, with and without 401 in the URL's
     * path: a 403 (the credentials may not read the repository) stops a build as a 401 does, rather
     * than letting it go on with the clone it has.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "404 | /app.git         | 127.0.0.1 has no repository at URL (",
        "404 | /team401/app.git | 127.0.0.1 has no repository at URL (",
        "401 | /app.git         | 127.0.0.1 refused the credentials of ",
        "401 | /team404/app.git | 127.0.0.1 refused the credentials of ",
        "403 | /app.git         | 127.0.0.1 refused the credentials of ",
        "403 | /team404/app.git | 127.0.0.1 refused the credentials of "})
    void eachHttpStatusOfARealServerGetsItsSentence(int status, String path, String sentence) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            if (status == 401) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + path;
        try {
            assertThatThrownBy(() -> SourceRepository.fetchOrUseClone(BuildDir.prepare(dir.resolve("build")),
                    new SoftwareName("mysoftware"), url, new SourceOptions(GitAccess.of(dir, Optional.empty(), Map.of()),
                            false), Console.NULL)).hasMessageStartingWith(sentence.replace("URL", url));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aStatusJGitHasNoWordsForIsReadFromTheMessageNotTheUrl() {
        assertThat(FetchFailure.httpStatus(FetchFailure.words("https://git.example.com:34015/team404/app.git: 403"
                + " Forbidden", "https://git.example.com:34015/team404/app.git", "git.example.com"))).isEqualTo("403");
        assertThat(FetchFailure.httpStatus(FetchFailure.words("Connection refused: git.example.com/192.0.2.1:40100",
                "https://git.example.com:40100/app.git", "git.example.com"))).isEmpty();
        assertThat(FetchFailure.httpStatus(FetchFailure.words("fatal: '/srv/401/app.git' does not appear to be a git"
                + " repository", "git@git.example.com:/srv/401/app.git", "git.example.com"))).isEmpty();
    }
}
