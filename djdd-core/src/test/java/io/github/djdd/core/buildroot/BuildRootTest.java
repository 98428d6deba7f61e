package io.github.djdd.core.buildroot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildRootTest {
    @TempDir
    Path dir;

    @Test
    void openRefusesARootThatInitDidNotComplete() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(buildDir.root("bookworm").path());
        new RootState("bookworm", "http://deb.debian.org/debian", false, "").write(buildDir.root("bookworm"));

        assertThatThrownBy(() -> BuildRoot.open(buildDir, "bookworm", new ProcessRunner(Console.NULL), Console.NULL))
                .isInstanceOf(DjddException.class)
                .hasMessage("The build dir " + dir + " has no complete bookworm build root: run 'mvn djdd:init"
                        + " -Ddjdd.suite=bookworm' (as root) with the same -Ddjdd.buildDir first.");
    }

    @Test
    void aBuildForASuiteWithoutARootNamesTheRootsThereAre() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(buildDir.root("bookworm").path());
        new RootState("bookworm", "http://deb.debian.org/debian", true, "").write(buildDir.root("bookworm"));

        assertThatThrownBy(() -> BuildRoot.open(buildDir, "trixie", new ProcessRunner(Console.NULL), Console.NULL))
                .isInstanceOf(DjddException.class)
                .hasMessage("The build dir " + dir + " has no complete trixie build root (it has bookworm): run 'mvn"
                        + " djdd:init -Ddjdd.suite=trixie' (as root) with the same -Ddjdd.buildDir first, or build for"
                        + " bookworm with -Ddjdd.suite.");
        assertThat(BuildRoot.open(buildDir, "bookworm", new ProcessRunner(Console.NULL), Console.NULL).path())
                .isEqualTo(dir.resolve("roots/bookworm"));
    }

    @Test
    void aRootOfTheEarlierLayoutIsNamedWithTheInitThatMovesIt() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(dir.resolve("root"));
        Files.writeString(dir.resolve("root.properties"), "suite=bookworm\ncomplete=true\n");

        assertThatThrownBy(() -> BuildRoot.open(buildDir, "bookworm", new ProcessRunner(Console.NULL), Console.NULL))
                .isInstanceOf(DjddException.class)
                .hasMessage("The build dir " + dir + " holds its build root in the layout of an earlier djdd ("
                        + dir.resolve("root") + "): run 'mvn djdd:init -Ddjdd.suite=bookworm' (as root) with the same"
                        + " -Ddjdd.buildDir once to move it to " + dir.resolve("roots/bookworm") + ".");
    }

    @Test
    void theStateKeepsTheArchivesFingerprintOfTheLastUpdate() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(buildDir.root("trixie").path());
        String fingerprint = "Sat, 15 Nov 2026 09:12:44 GMT/\"5a3f-64a1\" Sat, 29 Nov 2026 08:00:01 GMT/- -/-";
        RootState state = new RootState("trixie", "http://deb.debian.org/debian", true, "").updatedTo(fingerprint);

        state.write(buildDir.root("trixie"));

        assertThat(RootState.read(buildDir.root("trixie"))).contains(state);
        assertThat(state.completed().updated()).isEqualTo(fingerprint);
    }

    @Test
    void installedVersionsAreReadFromDpkgsStatusFile() throws Exception {
        Path dpkg = Files.createDirectories(dir.resolve("var/lib/dpkg"));
        Files.writeString(dpkg.resolve("status"), "Package: libc6\nStatus: install ok installed\nVersion: 2.41-12\n\n"
                + "Package: gettext\nVersion: 0.23\nStatus: install ok unpacked\n\n"
                + "Package: tzdata\nStatus: install ok installed\nVersion: 2025b-4+deb13u1");

        assertThat(BuildRoot.installedVersions(dir)).containsExactlyInAnyOrderEntriesOf(Map.of("libc6", "2.41-12",
                "tzdata", "2025b-4+deb13u1"));
    }

    @Test
    void aRootThatLostAPackageInitInstalledIsRefused() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Files.createDirectories(buildDir.root("bookworm").path());
        new RootState("bookworm", "http://deb.debian.org/debian", true, "").write(buildDir.root("bookworm"));
        StringBuilder status = new StringBuilder();
        for (String name : InitBuildRootStep.BUILD_PACKAGES) {
            status.append("Package: ").append(name).append("\nStatus: ")
                    .append(name.equals("git") ? "deinstall ok config-files" : "install ok installed")
                    .append("\nVersion: 1\n\n");
        }
        Path dpkg = Files.createDirectories(buildDir.root("bookworm").path().resolve("var/lib/dpkg"));
        Files.writeString(dpkg.resolve("status"), status);

        BuildRoot root = BuildRoot.open(buildDir, "bookworm", new ProcessRunner(Console.NULL), Console.NULL);

        assertThatThrownBy(root::requireBuildPackages)
                .isInstanceOf(DjddException.class)
                .hasMessage("The build root " + dir.resolve("roots/bookworm") + " lacks git, which djdd:init installed:"
                        + " run 'mvn djdd:init -Ddjdd.suite=bookworm' (as root) with the same -Ddjdd.buildDir to put it"
                        + " back.");

        Files.writeString(dpkg.resolve("status"), status.toString().replace("deinstall ok config-files",
                "install ok installed"));
        root.requireBuildPackages();
    }

    @Test
    void missingPackagesAndThePythonVersionAreReadFromTheRootsFilesWithoutAProcess() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Path dpkg = Files.createDirectories(buildDir.root("trixie").path().resolve("var/lib/dpkg"));
        Files.writeString(dpkg.resolve("status"), "Package: libpq5\nStatus: install ok installed\n\n"
                + "Package: gettext\nStatus: install ok unpacked\n\n"
                + "Package: libpq-dev\nStatus: deinstall ok config-files\n\n");
        Files.createSymbolicLink(Files.createDirectories(buildDir.root("trixie").path().resolve("usr/bin")).resolve("python3"),
                Path.of("python3.13"));
        // No runner: a command would fail the test with a NullPointerException.
        BuildRoot root = new BuildRoot(buildDir, buildDir.root("trixie"), null, Console.NULL);

        assertThat(root.missingPackages(List.of("libpq5", "gettext", "libpq-dev:amd64", "libicu-dev")))
                .containsExactly("gettext", "libpq-dev:amd64", "libicu-dev");
        assertThat(root.missingPackages(List.of("libpq5:amd64"))).isEmpty();
        assertThat(root.pythonVersion()).isEqualTo("3.13");
    }

    /**
     * The attacker: a project lists {@code python3-} in its requirements, which apt-get, run as root
     * in a root build, reads as "remove python3" from the root every build shares. Refused before any
     * process runs; {@code g++}, a real package, is installed already (build-essential) and passes.
     */
    @Test
    void aNameEndingInAptsRemoveSuffixIsRefusedBeforeAptRuns() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Path dpkg = Files.createDirectories(buildDir.root("trixie").path().resolve("var/lib/dpkg"));
        Files.writeString(dpkg.resolve("status"), "Package: g++\nStatus: install ok installed\n\n"
                + "Package: python3\nStatus: install ok installed\n\n");
        // No runner: a command would fail the test with a NullPointerException.
        BuildRoot root = new BuildRoot(buildDir, buildDir.root("trixie"), null, Console.NULL);

        assertThat(root.installPackages(List.of("g++", "python3"), "venv-debian-requirements.txt")).isEmpty();
        assertThatThrownBy(() -> root.installPackages(List.of("g++", "python3-"), "venv-debian-requirements.txt"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessage("Debian package 'python3-' listed in venv-debian-requirements.txt ends in '-', which"
                        + " apt-get reads as an order to remove python3, not as a name: write the package's name"
                        + " alone in venv-debian-requirements.txt.");
        assertThatThrownBy(() -> root.installPackages(List.of("libpq5+"), "src-debian-requirements.txt"))
                .isInstanceOf(BuildFailedException.class)
                .hasMessage("Debian package 'libpq5+' listed in src-debian-requirements.txt ends in '+', which"
                        + " apt-get reads as an order to install libpq5, not as a name: write the package's name"
                        + " alone in src-debian-requirements.txt.");
        assertThatThrownBy(() -> root.installPackages(List.of("libpq5:amd64-"), "src-debian-requirements.txt"))
                .hasMessageStartingWith("Debian package 'libpq5:amd64-' listed in src-debian-requirements.txt ends in"
                        + " '-', which apt-get reads as an order to remove libpq5:amd64,");
    }

    @Test
    void theDebianReleaseIsReadFromTheRootsOsReleaseOrForTestingFromItsCodename() throws Exception {
        BuildDir buildDir = new BuildDir(dir);
        Path trixie = Files.createDirectories(buildDir.root("trixie").path().resolve("etc"));
        Files.writeString(trixie.resolve("os-release"), "PRETTY_NAME=\"Debian GNU/Linux 13 (trixie)\"\n"
                + "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"13\"\nVERSION_CODENAME=trixie\n");
        Path forky = Files.createDirectories(buildDir.root("forky").path().resolve("etc"));
        Files.writeString(forky.resolve("os-release"), "PRETTY_NAME=\"Debian GNU/Linux forky/sid\"\nID=debian\n");
        Path sid = Files.createDirectories(buildDir.root("sid").path().resolve("etc"));
        Files.writeString(sid.resolve("os-release"), "PRETTY_NAME=\"Debian GNU/Linux forky/sid\"\nID=debian\n");

        assertThat(new BuildRoot(buildDir, buildDir.root("trixie"), null, Console.NULL).debianRelease()).isEqualTo(13);
        assertThat(new BuildRoot(buildDir, buildDir.root("forky"), null, Console.NULL).debianRelease()).isEqualTo(14);
        assertThatThrownBy(() -> new BuildRoot(buildDir, buildDir.root("sid"), null, Console.NULL).debianRelease())
                .isInstanceOf(DjddException.class)
                .hasMessage("The build root's suite sid has no Debian release number, which the site package's"
                        + " version carries: build for a released suite such as trixie or bookworm.");
    }

    @Test
    void commandsGetACleanEnvironmentInTheirEnvironmentNotTheirCommandLineAndTheirBindMounts() throws Exception {
        BuildDir buildDir = new BuildDir(dir);
        BuildRoot root = new BuildRoot(buildDir, buildDir.root("bookworm"), new ProcessRunner(Console.NULL), Console.NULL);
        RootCommand command = RootCommand.of("python3", "--version")
                .withEnvironment(Map.of("PIP_INDEX_URL", "https://user:token@pypi.example.com/simple"))
                .withBinds(List.of(BindMount.sameReadOnly(Path.of("/opt/pypi"))));

        Command host = root.hostCommand(command, null, true);

        assertThat(host.argv()).endsWith("--", "python3", "--version").noneMatch(arg -> arg.contains("token"));
        assertThat(host.inheritEnvironment()).isFalse();
        assertThat(host.environment()).containsExactlyInAnyOrderEntriesOf(Map.of("PATH", BuildRoot.PATH, "HOME",
                "/root", "LANG", "C.UTF-8", "PIP_INDEX_URL", "https://user:token@pypi.example.com/simple"));
        assertThat(host.argv()).startsWith("setpriv", "--pdeathsig", "KILL", "--", "unshare", "--mount",
                "--propagation", "private", "--pid", "--fork", "--kill-child", "--");
        assertThat(host.argv()).containsSubsequence(dir.resolve("roots/bookworm").toString(), "", "host", "",
                "/opt/pypi", "/opt/pypi", "ro", "--");
    }

    @Test
    void aBuildUserEntersInAUserNamespaceOnAnOverlay() throws Exception {
        BuildDir buildDir = new BuildDir(dir);
        BuildRoot root = new BuildRoot(buildDir, buildDir.root("bookworm"), new ProcessRunner(Console.NULL), Console.NULL);
        Path scratch = dir.resolve("work/1-1-root");

        List<String> argv = root.hostCommand(RootCommand.of("true"), scratch, false).argv();

        assertThat(argv).startsWith("setpriv", "--pdeathsig", "KILL", "--", "unshare", "--user", "--map-root-user",
                "--mount", "--propagation", "private", "--pid", "--fork", "--kill-child", "--");
        assertThat(argv).containsSubsequence(dir.resolve("roots/bookworm").toString(), scratch.toString(), "host",
                ",userxattr", "--", "true");
    }

    @Test
    void codeOfTheProjectRunsAsAnUnprivilegedUidInNamespacesOfItsOwnWithoutNetwork() throws Exception {
        BuildDir buildDir = new BuildDir(dir);
        BuildRoot root = new BuildRoot(buildDir, buildDir.root("bookworm"), new ProcessRunner(Console.NULL), Console.NULL);
        Path scratch = dir.resolve("work/1-1-root");
        RootCommand collect = RootCommand.of("python3", "manage.py", "collectstatic").inSandbox();

        Command asRoot = root.hostCommand(collect, scratch, true);
        Command asMember = root.hostCommand(collect, scratch, false);

        assertThat(asRoot.argv()).startsWith("setpriv", "--pdeathsig", "KILL", "--", "unshare", "--mount",
                "--propagation", "private", "--net", "--pid", "--fork", "--kill-child", "--");
        assertThat(asRoot.argv()).containsSubsequence(scratch.toString(), "sandbox", "", "--", "setpriv",
                "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
                "--no-new-privs", "--", "unshare", "--user", "--map-user=1000", "--map-group=1000", "--", "python3",
                "manage.py", "collectstatic");
        assertThat(asRoot.environment()).containsEntry("HOME", "/tmp");
        assertThat(asMember.argv()).startsWith("setpriv", "--pdeathsig", "KILL", "--", "unshare", "--user",
                "--map-root-user", "--mount", "--propagation", "private", "--net", "--pid");
        assertThat(asMember.argv()).containsSubsequence("sandbox", ",userxattr", "--", "setpriv", "--no-new-privs",
                "--", "unshare", "--user", "--map-user=1000", "--", "python3").doesNotContain("--reuid=65534");
        assertThat(root.hostCommand(collect.inSandboxWithLoopback(), scratch, true).argv()).contains("loopback");
    }

    @Test
    void eachBuildDirAndSuiteHasItsOwnSchrootName() {
        String first = SchrootConfig.nameFor(new BuildDir(Path.of("/var/lib/djdd/build")), "trixie");

        assertThat(first).matches("djdd-[0-9a-f]{8}-trixie");
        assertThat(SchrootConfig.nameFor(new BuildDir(Path.of("/srv/other")), "trixie")).isNotEqualTo(first);
        assertThat(SchrootConfig.nameFor(new BuildDir(Path.of("/var/lib/djdd/build")), "bookworm"))
                .isEqualTo(first.replace("trixie", "bookworm"));
    }

    @Test
    void schrootConfigLetsTheDjddGroupInAsThemselvesAndPointsAtTheRoot() {
        BuildDir buildDir = new BuildDir(Path.of("/var/lib/djdd/build"));

        String config = SchrootConfig.render(buildDir, buildDir.root("bookworm"));

        assertThat(config).contains("[" + SchrootConfig.nameFor(buildDir, "bookworm") + "]\n", "type=directory\n",
                "directory=/var/lib/djdd/build/roots/bookworm\n", "groups=djdd,root\n", "root-groups=root\n",
                "profile=minimal\n");
    }

    @Test
    void theRootsSourcesHoldTheSuiteItsUpdatesAndItsSecurityArchive() throws Exception {
        BuildDir buildDir = new BuildDir(dir);
        InitBuildRootStep init = new InitBuildRootStep(buildDir, BuildRootOptions.of("trixie",
                "http://deb.debian.org/debian/"), Console.NULL);
        InitBuildRootStep offline = new InitBuildRootStep(buildDir, BuildRootOptions.of("trixie",
                "file:///srv/mirror", "none"), Console.NULL);

        assertThat(init.sources(true)).isEqualTo("deb http://deb.debian.org/debian trixie main\n"
                + "deb http://deb.debian.org/debian trixie-updates main\n"
                + "deb http://security.debian.org/debian-security trixie-security main\n");
        assertThat(offline.sources(false)).isEqualTo("deb file:///srv/mirror trixie main\n");
    }

    @Test
    void bootstrapRunsInAPrivateMountNamespaceWithTheBuildPackages() throws Exception {
        BuildRootOptions options = BuildRootOptions.of("bookworm", "http://deb.debian.org/debian");

        List<String> sources = List.of("deb http://deb.debian.org/debian bookworm main",
                "deb http://security.debian.org/debian-security bookworm-security main");

        Command command = new Bootstrap("debootstrap").command(options, List.of("python3", "git"), Path.of("/b/root"),
                sources);
        Command mmdebstrap = new Bootstrap("mmdebstrap").command(options, List.of("python3", "git"),
                Path.of("/b/root"), sources);

        assertThat(command.argv()).containsExactly("setpriv", "--pdeathsig", "KILL", "--", "unshare", "--mount",
                "--propagation", "private", "--pid", "--fork", "--kill-child", "--", "debootstrap", "--variant=minbase",
                "--include=python3,git", "bookworm", "/b/root", "http://deb.debian.org/debian");
        assertThat(new Bootstrap("debootstrap").fromAllSources()).isFalse();
        assertThat(mmdebstrap.argv()).endsWith("mmdebstrap", "--variant=minbase", "--include=python3,git", "bookworm",
                "/b/root", "deb http://deb.debian.org/debian bookworm main",
                "deb http://security.debian.org/debian-security bookworm-security main");
        assertThat(new Bootstrap("mmdebstrap").fromAllSources()).isTrue();
    }
}
