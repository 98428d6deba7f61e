package io.github.djdd.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.RecordingConsole;
import io.github.djdd.core.naming.Names;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.workspace.BuildDir;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SourceRepositoryTest {
    private static final SoftwareName SOFTWARE = new SoftwareName("mysoftware");

    @TempDir
    Path dir;

    private Path upstream;
    private BuildDir buildDir;
    private RevCommit first;
    private RevCommit second;

    @BeforeEach
    void upstreamWithTwoBranchesAndATag() throws Exception {
        upstream = dir.resolve("upstream");
        buildDir = BuildDir.prepare(dir.resolve("build"));
        try (Git git = Git.init().setDirectory(upstream.toFile()).setInitialBranch("main").call()) {
            first = commit(git, "manage.py", "print('one')\n", 1_700_000_000L);
            git.tag().setName("v1.0").setAnnotated(true).setMessage("release 1.0").call();
            git.branchCreate().setName("release").call();
            second = commit(git, "manage.py", "print('two')\n", 1_700_000_100L);
        }
    }

    private RevCommit commit(Git git, String file, String content, long epochSecond) throws Exception {
        Files.writeString(git.getRepository().getWorkTree().toPath().resolve(file), content);
        git.add().addFilepattern(file).call();
        PersonIdent who = new PersonIdent("Dev", "dev@example.com", Instant.ofEpochSecond(epochSecond),
                ZoneOffset.UTC);
        return git.commit().setMessage("change " + file).setAuthor(who).setCommitter(who).call();
    }

    private SourceRepository cloned() throws Exception {
        return SourceRepository.cloneOrFetch(buildDir, SOFTWARE, upstream.toString(), SourceOptions.ofUser(), Console.NULL);
    }

    @Test
    void clonesIntoSourcesAsABareRepository() throws Exception {
        SourceRepository repository = cloned();

        assertThat(repository.directory()).isEqualTo(buildDir.sources().resolve("mysoftware"));
        assertThat(repository.directory().resolve("HEAD")).isRegularFile();
        assertThat(repository.directory().resolve("manage.py")).doesNotExist();
    }

    @Test
    void aCloneLeavesNoLockOfJGitsBackgroundGcBehind() throws Exception {
        SourceRepository repository = cloned();
        Thread.sleep(200);

        assertThat(repository.directory().resolve("gc.log.lock")).doesNotExist();
        assertThat(repository.directory().resolveSibling("mysoftware.partial")).doesNotExist();
    }

    @Test
    void resolvesBranchesTagsAndCommitIds() throws Exception {
        SourceRepository repository = cloned();

        assertThat(repository.resolve("main").id()).isEqualTo(second.getName());
        assertThat(repository.resolve("release").id()).isEqualTo(first.getName());
        assertThat(repository.resolve("v1.0").id()).as("annotated tag peeled to its commit").isEqualTo(first.getName());
        assertThat(repository.resolve(first.getName()).id()).isEqualTo(first.getName());
        assertThat(repository.resolve(first.getName().substring(0, 7).toUpperCase()).id()).isEqualTo(first.getName());
    }

    @Test
    void noRefMeansTheRemotesDefaultBranch() throws Exception {
        ResolvedCommit commit = cloned().resolve(null);

        assertThat(commit.ref()).isEqualTo("main");
        assertThat(commit.id()).isEqualTo(second.getName());
        assertThat(commit.time()).isEqualTo(Instant.ofEpochSecond(1_700_000_100L));
        assertThat(commit.shortId()).isEqualTo(second.getName().substring(0, 12));
    }

    @Test
    void unknownRefNamesTheRefAndTheBranches() throws Exception {
        SourceRepository repository = cloned();

        assertThatThrownBy(() -> repository.resolve("no-such-branch"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("Unknown ref 'no-such-branch'")
                .hasMessageContaining("branches: main, release");
        assertThatThrownBy(() -> repository.resolve("deadbeef"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("Unknown ref 'deadbeef'");
    }

    @Test
    void secondRunFetchesNewCommitsAndDeletedBranches() throws Exception {
        cloned();
        RevCommit third;
        try (Git git = Git.open(upstream.toFile())) {
            third = commit(git, "app.py", "x = 3\n", 1_700_000_200L);
            git.branchDelete().setBranchNames("release").setForce(true).call();
        }

        SourceRepository repository = cloned();

        assertThat(repository.resolve("main").id()).isEqualTo(third.getName());
        assertThatThrownBy(() -> repository.resolve("release")).hasMessageContaining("Unknown ref 'release'");
    }

    @Test
    void aLocalRepositoryWithTheClonesRefsIsNotFetchedAgain() throws Exception {
        cloned();
        RecordingConsole console = new RecordingConsole();

        SourceRepository repository = SourceRepository.cloneOrFetch(buildDir, SOFTWARE, upstream.toString(), SourceOptions.ofUser(), console);

        assertThat(console.infos()).singleElement().asString().contains("has every branch and tag of");
        assertThat(repository.resolve("main").id()).isEqualTo(second.getName());
    }

    @Test
    void aMovedTagOrAnotherDefaultBranchIsFetched() throws Exception {
        cloned();
        try (Git git = Git.open(upstream.toFile())) {
            git.tag().setName("v1.0").setObjectId(second).setForceUpdate(true).call();
        }
        RecordingConsole console = new RecordingConsole();

        SourceRepository repository = SourceRepository.cloneOrFetch(buildDir, SOFTWARE, upstream.toString(), SourceOptions.ofUser(), console);

        assertThat(console.infos()).singleElement().asString().startsWith("Fetching ");
        assertThat(repository.resolve("v1.0").id()).isEqualTo(second.getName());

        try (Git git = Git.open(upstream.toFile())) {
            git.getRepository().updateRef("HEAD").link("refs/heads/release");
        }
        repository = SourceRepository.cloneOrFetch(buildDir, SOFTWARE, upstream.toString(), SourceOptions.ofUser(), console);

        assertThat(console.infos()).last().asString().startsWith("Fetching ");
        assertThat(repository.resolve(null).id()).isEqualTo(first.getName());
    }

    @Test
    void changedRepositoryUrlIsFollowed() throws Exception {
        cloned();
        Path moved = dir.resolve("moved");
        Files.move(upstream, moved);

        SourceRepository repository = SourceRepository.cloneOrFetch(buildDir, SOFTWARE, moved.toUri().toString(), SourceOptions.ofUser(),
                Console.NULL);

        assertThat(repository.resolve("main").id()).isEqualTo(second.getName());
    }

    /**
     * A fetch from a new {@code <repository>} that fails leaves the clone pointing where it did, not
     * only its refs: otherwise the next build, with the old {@code <repository>} back, would take the
     * failed one for "the repository changed" and the previous clone would answer for neither.
     */
    @Test
    void aFailedFetchFromANewUrlLeavesTheClonesUrlAsItWas() throws Exception {
        SourceRepository repository = cloned();
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));

        assertThatThrownBy(() -> SourceRepository.cloneOrFetch(buildDir, SOFTWARE, elsewhere.toString(),
                SourceOptions.ofUser(), Console.NULL)).isInstanceOf(InvalidConfigurationException.class);

        assertThat(originUrl(repository)).isEqualTo(upstream.toString());
        RecordingConsole console = new RecordingConsole();
        SourceRepository.cloneOrFetch(buildDir, SOFTWARE, upstream.toString(), SourceOptions.ofUser(), console);
        assertThat(console.infos()).singleElement().asString().contains("has every branch and tag of");
    }

    @Test
    void aGoodFetchFromANewUrlSavesIt() throws Exception {
        SourceRepository repository = cloned();
        Path moved = dir.resolve("moved");
        Files.move(upstream, moved);

        SourceRepository.cloneOrFetch(buildDir, SOFTWARE, moved.toString(), SourceOptions.ofUser(), Console.NULL);

        assertThat(originUrl(repository)).isEqualTo(moved.toString());
    }

    private static String originUrl(SourceRepository repository) throws Exception {
        try (Git git = Git.open(repository.directory().toFile())) {
            return git.getRepository().getConfig().getString("remote", "origin", "url");
        }
    }

    @Test
    void unreachableRepositoryLeavesTheBuildTheRefsItsCloneHas() throws Exception {
        cloned();
        // The folder is still there but serves no repository, as a git server that lost its disk.
        Files.move(upstream, dir.resolve("gone"));
        Files.createDirectories(upstream);
        RecordingConsole console = new RecordingConsole();

        assertThatThrownBy(() -> cloned()).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Cannot fetch the repository " + upstream);
        SourceRepository repository = SourceRepository.fetchOrUseClone(buildDir, SOFTWARE, upstream.toString(), SourceOptions.ofUser(), console);

        assertThat(repository.resolve("main").id()).isEqualTo(second.getName());
        assertThatThrownBy(() -> repository.resolve("later")).isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("The clone in " + buildDir.sources().resolve("mysoftware") + " has no ref"
                        + " 'later', and " + upstream + " cannot be fetched (")
                .hasMessageEndingWith("): make the repository reachable from the build machine, then build again.");
        assertThat(console.warnings()).hasSize(2);
        assertThat(console.warnings().get(0)).startsWith("Cannot fetch " + upstream + " (")
                .endsWith("): going on with the clone in " + buildDir.sources().resolve("mysoftware")
                        + ", for refs it already has.");
        assertThat(console.warnings().get(1)).isEqualTo("Building 'main' as the clone last fetched it: commit "
                + second.getName() + "; " + upstream + " may have newer commits.");
    }

    @Test
    void aCloneOfAnotherRepositoryIsNoStandIn() throws Exception {
        cloned();

        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));

        assertThatThrownBy(() -> SourceRepository.fetchOrUseClone(buildDir, SOFTWARE, elsewhere.toString(), SourceOptions.ofUser(),
                Console.NULL)).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Cannot fetch the repository " + elsewhere);
    }

    @Test
    void repositoryThatDoesNotExistFailsAndLeavesNoClone() throws Exception {
        assertThatThrownBy(() -> SourceRepository.cloneOrFetch(buildDir, SOFTWARE, dir.resolve("nowhere").toString(), SourceOptions.ofUser(),
                Console.NULL))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("The <repository> folder '" + dir.resolve("nowhere") + "' does not exist on the build"
                        + " machine: fix the path or use the repository's URL.");
        assertThat(SourceRepository.directoryOf(buildDir, SOFTWARE)).doesNotExist();
    }

    @Test
    void folderThatIsNoRepositoryFailsAndLeavesNoClone() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> SourceRepository.cloneOrFetch(buildDir, SOFTWARE, empty.toString(), SourceOptions.ofUser(), Console.NULL))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Cannot fetch the repository " + empty)
                .hasMessageContaining("-Ddjdd.repository");
        try (var files = Files.list(buildDir.sources())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsOnly("mysoftware.lock");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ht!tp://example.com/x.git", "https://", "https:///x.git",
            "not a url", "-uhack", "file://otherhost/x.git", "git@host:", "a\nb"})
    void malformedUrlsNameTheValueAndTheFix(String url) {
        String value = url.replace("\\n", "\n");
        assertThatThrownBy(() -> SourceRepository.checkUrl(value))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Invalid <repository> " + Names.quote(value) + ": use a git URL"
                        + " (https://, ssh://, git:// or file://), user@host:path, or a folder on the build machine.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://git.example.com/a.git", "ssh://git@host/a.git",
            "git@github.com:me/a.git", "git://host/a"})
    void gitUrlsPass(String url) throws Exception {
        assertThat(SourceRepository.checkUrl(" " + url + " ")).isEqualTo(url);
    }

    /** A token alone (TOKEN@host) is a secret as much as user:password@: djdd would print it and keep it. */
    @ParameterizedTest
    @ValueSource(strings = {"https://deploy:s3cret@git.example.com/app.git",
            "https://ghp-token-5e3a9@git.example.com/app.git", "HTTP://deploy@127.0.0.1:8080/app.git",
            "https://oauth2:@git.example.com/group/app.git"})
    void anyUserInfoInAnHttpUrlIsRefusedWithWhereTheCredentialsGo(String url) {
        assertThatThrownBy(() -> SourceRepository.checkUrl(url))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("The <repository> URL holds credentials before its host (TOKEN@ or user:password@), which"
                        + " djdd would print and keep in the clone's configuration: give the URL without them, and put"
                        + " the username and password or token in a settings.xml <server> named by"
                        + " <repositoryServerId>, in git's credential store (~/.git-credentials) or in ~/.netrc.");
    }

    @ParameterizedTest
    @CsvSource({
        "https://ghp-token@git.example.com/app.git, https://git.example.com/app.git",
        "HTTP://deploy:s3cret@127.0.0.1:8080/app.git, HTTP://127.0.0.1:8080/app.git",
        "ssh://git:s3cret@git.example.com/app.git, ssh://git@git.example.com/app.git",
        "ssh://git@git.example.com/app.git, ssh://git@git.example.com/app.git",
        "git@git.example.com:group/app.git, git@git.example.com:group/app.git"})
    void urlsAreShownWithoutTheirSecrets(String url, String shown) {
        assertThat(SourceRepository.shown(url)).isEqualTo(shown);
    }

    @Test
    void anSshUserIsNoSecretButAnSshPasswordIs() throws Exception {
        assertThat(SourceRepository.checkUrl("ssh://git@git.example.com/app.git"))
                .isEqualTo("ssh://git@git.example.com/app.git");
        assertThat(SourceRepository.checkUrl("git@git.example.com:group/app.git"))
                .isEqualTo("git@git.example.com:group/app.git");
        assertThatThrownBy(() -> SourceRepository.checkUrl("ssh://git:s3cret@git.example.com/app.git"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("The <repository> URL holds a password (user:password@), which djdd would print and keep"
                        + " in the clone's configuration: djdd logs in over SSH with keys, not passwords; give the URL"
                        + " without it, and the key in ~/.ssh, in ssh-agent or in a settings.xml <server> with"
                        + " <privateKey> named by <repositoryServerId>.");
    }

    /** The upstream's main with vendor/lib a submodule from {@code lib}, then its .gitmodules URL set to {@code url}. */
    private RevCommit withSubmodule(String url) throws Exception {
        Path lib = dir.resolve("lib");
        try (Git git = Git.init().setDirectory(lib.toFile()).setInitialBranch("main").call()) {
            commit(git, "vendorlib.py", "VERSION = 1\n", 1_700_000_150L);
        }
        try (Git git = Git.open(upstream.toFile())) {
            git.submoduleAdd().setPath("vendor/lib").setURI(lib.toUri().toString()).call().close();
            Files.writeString(upstream.resolve(".gitmodules"), Files.readString(upstream.resolve(".gitmodules"))
                    .replace(lib.toUri().toString(), url));
            return commit(git, ".gitmodules", Files.readString(upstream.resolve(".gitmodules")), 1_700_000_200L);
        }
    }

    @Test
    void submodulesAreLeftOutWithAWarningUnlessAsked() throws Exception {
        RevCommit commit = withSubmodule(dir.resolve("lib").toUri().toString());
        RecordingConsole console = new RecordingConsole();
        SourceRepository repository = SourceRepository.cloneOrFetch(buildDir, SOFTWARE, upstream.toString(),
                SourceOptions.ofUser(), console);

        repository.export(repository.resolve("main"), dir.resolve("export"));

        assertThat(dir.resolve("export/manage.py")).isRegularFile();
        assertThat(dir.resolve("export/vendor/lib")).doesNotExist();
        assertThat(console.warnings()).containsExactly("Leaving out submodule vendor/lib: djdd packages the commit's"
                + " own files only, unless <submodules>true</submodules>.");
        assertThat(repository.resolve("main").id()).isEqualTo(commit.getName());
    }

    @Test
    void aSubmoduleUrlWithATokenIsRefusedWithoutShowingIt() throws Exception {
        RevCommit commit = withSubmodule("https://ghp-token-5e3a9@git.example.com/lib.git");
        SourceRepository repository = SourceRepository.cloneOrFetch(buildDir, SOFTWARE, upstream.toString(),
                new SourceOptions(GitAccess.ofUser(), true), Console.NULL);

        assertThatThrownBy(() -> repository.export(repository.resolve("main"), dir.resolve("export")))
                .isInstanceOf(BuildFailedException.class)
                .hasMessage("Submodule vendor/lib of commit " + commit.getName().substring(0, 12) + " comes from"
                        + " 'https://git.example.com/lib.git', which djdd cannot fetch: The .gitmodules URL holds"
                        + " credentials before its host (TOKEN@ or user:password@), which djdd would print and keep in"
                        + " the clone's configuration: give the URL without them, and put the username and password or"
                        + " token in a settings.xml <server> named by <repositoryServerId>, in git's credential store"
                        + " (~/.git-credentials) or in ~/.netrc.");
        assertThat(buildDir.sources().resolve("mysoftware.modules")).satisfiesAnyOf(
                modules -> assertThat(modules).doesNotExist(), modules -> assertThat(modules).isEmptyDirectory());
    }

    @ParameterizedTest
    @CsvSource({
        "https://git.example.com/group/app.git, ../lib.git, https://git.example.com/group/lib.git",
        "https://git.example.com/group/app.git, ./lib.git, https://git.example.com/group/app.git/lib.git",
        "https://git.example.com/group/app.git, ../../other/lib.git, https://git.example.com/other/lib.git",
        "ssh://git@git.example.com:2222/srv/git/app.git, ../lib.git, ssh://git@git.example.com:2222/srv/git/lib.git",
        "git@git.example.com:group/app.git, ../lib.git, git@git.example.com:group/lib.git",
        "git@git.example.com:app.git, ../lib.git, git@git.example.com:lib.git"})
    void aRelativeSubmoduleUrlIsResolvedAsGitDoes(String superproject, String relative, String resolved) {
        assertThat(SourceRepository.relative(superproject, relative)).isEqualTo(resolved);
    }

    @Test
    void fileUrlOfAnExistingFolderPasses() throws Exception {
        assertThat(SourceRepository.checkUrl(dir.toUri().toString())).isEqualTo(dir.toUri().toString());
    }

    @Test
    void anEmptyRefIsRefusedAndAMissingOneIsNot() throws Exception {
        assertThat(SourceRepository.checkRef(null, "-Dref")).isNull();
        assertThat(SourceRepository.checkRef(" main ", "-Dref")).isEqualTo("main");
        assertThatThrownBy(() -> SourceRepository.checkRef(" ", "-Dref"))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("The ref given by -Dref is empty: name a branch, tag or commit, or leave -Dref out to build"
                        + " the default.");
    }

    @Test
    void missingRepositoryNamesTheSetting() {
        assertThatThrownBy(() -> SourceRepository.cloneOrFetch(buildDir, SOFTWARE, " ", SourceOptions.ofUser(), Console.NULL))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("set <repository>");
    }

    @Test
    void existingNeedsAClone() {
        assertThatThrownBy(() -> SourceRepository.existing(buildDir, SOFTWARE, SourceOptions.ofUser(), Console.NULL))
                .hasMessageContaining("run 'mvn djdd:src' first");
    }

    @Test
    void jgitReadsGitsSystemConfigWhereGitDoesWithoutStartingGit() throws Exception {
        File used = SourceRepository.SYSTEM_CONFIG;
        assertThat(FS.DETECTED.getGitSystemConfig()).isEqualTo(used);
        assertThat(SourceRepository.systemConfig(null)).isEqualTo(new File("/etc/gitconfig"));
        assertThat(SourceRepository.systemConfig("")).isEqualTo(new File("/etc/gitconfig"));
        assertThat(SourceRepository.systemConfig("/srv/git/config")).isEqualTo(new File("/srv/git/config"));
    }
}
