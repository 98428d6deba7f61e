package io.github.djdd.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.errors.TransportException;
import org.junit.jupiter.api.Test;

/** The sentence for each way a fetch fails, from what JGit throws. */
class FetchFailureTest {
    private static final GitAccess ACCESS = GitAccess.of(Path.of("/home/ci"), Optional.empty(), Map.of());

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
}
