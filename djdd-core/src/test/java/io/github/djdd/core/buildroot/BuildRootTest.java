package io.github.djdd.core.buildroot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
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
        new RootState("bookworm", "http://deb.debian.org/debian", false).write(buildDir);

        assertThatThrownBy(() -> BuildRoot.open(buildDir, new ProcessRunner(Console.NULL), Console.NULL))
                .isInstanceOf(DjddException.class)
                .hasMessageContaining("missing or incomplete")
                .hasMessageContaining("djdd:init");
    }

    @Test
    void aRootThatLostAPackageInitInstalledIsRefused() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        new RootState("bookworm", "http://deb.debian.org/debian", true).write(buildDir);
        StringBuilder status = new StringBuilder();
        for (String name : InitBuildRootStep.BUILD_PACKAGES) {
            status.append("Package: ").append(name).append("\nStatus: ")
                    .append(name.equals("git") ? "deinstall ok config-files" : "install ok installed")
                    .append("\nVersion: 1\n\n");
        }
        Path dpkg = Files.createDirectories(buildDir.root().resolve("var/lib/dpkg"));
        Files.writeString(dpkg.resolve("status"), status);

        BuildRoot root = BuildRoot.open(buildDir, new ProcessRunner(Console.NULL), Console.NULL);

        assertThatThrownBy(root::requireBuildPackages)
                .isInstanceOf(DjddException.class)
                .hasMessage("The build root " + buildDir.root() + " lacks git, which djdd:init installed: run 'mvn"
                        + " djdd:init' (as root) with the same -Ddjdd.buildDir to put it back.");

        Files.writeString(dpkg.resolve("status"), status.toString().replace("deinstall ok config-files",
                "install ok installed"));
        root.requireBuildPackages();
    }

    @Test
    void missingPackagesAndThePythonVersionAreReadFromTheRootsFilesWithoutAProcess() throws Exception {
        BuildDir buildDir = BuildDir.prepare(dir);
        Path dpkg = Files.createDirectories(buildDir.root().resolve("var/lib/dpkg"));
        Files.writeString(dpkg.resolve("status"), "Package: libpq5\nStatus: install ok installed\n\n"
                + "Package: gettext\nStatus: install ok unpacked\n\n"
                + "Package: libpq-dev\nStatus: deinstall ok config-files\n\n");
        Files.createSymbolicLink(Files.createDirectories(buildDir.root().resolve("usr/bin")).resolve("python3"),
                Path.of("python3.13"));
        // No runner: a command would fail the test with a NullPointerException.
        BuildRoot root = new BuildRoot(buildDir, "trixie", null, Console.NULL);

        assertThat(root.missingPackages(List.of("libpq5", "gettext", "libpq-dev:amd64", "libicu-dev")))
                .containsExactly("gettext", "libpq-dev:amd64", "libicu-dev");
        assertThat(root.missingPackages(List.of("libpq5:amd64"))).isEmpty();
        assertThat(root.pythonVersion()).isEqualTo("3.13");
    }

    @Test
    void commandsGetACleanEnvironmentAndTheirBindMounts() throws Exception {
        BuildRoot root = new BuildRoot(new BuildDir(dir), "bookworm", new ProcessRunner(Console.NULL), Console.NULL);
        RootCommand command = RootCommand.of("python3", "--version")
                .withEnvironment(Map.of("PIP_INDEX_URL", "file:///opt/pypi/simple"))
                .withBinds(List.of(BindMount.sameReadOnly(Path.of("/opt/pypi"))));

        Command host = root.hostCommand(command);

        List<String> argv = host.argv();
        assertThat(argv.subList(argv.size() - 8, argv.size())).containsExactly("/usr/bin/env", "-i",
                "PATH=" + BuildRoot.PATH, "HOME=/root", "LANG=C.UTF-8", "PIP_INDEX_URL=file:///opt/pypi/simple",
                "python3", "--version");
        if (Host.isRoot()) {
            assertThat(argv).startsWith("setpriv", "--pdeathsig", "KILL", "--", "unshare", "--mount",
                    "--propagation", "private", "--pid", "--fork", "--kill-child", "--");
            assertThat(argv).containsSubsequence(dir.resolve("root").toString(), "/opt/pypi", "/opt/pypi", "ro", "--");
        }
    }

    @Test
    void eachBuildDirHasItsOwnSchrootName() {
        String first = SchrootConfig.nameFor(new BuildDir(Path.of("/var/lib/djdd/build")));

        assertThat(first).matches("djdd-[0-9a-f]{8}");
        assertThat(SchrootConfig.nameFor(new BuildDir(Path.of("/srv/other")))).isNotEqualTo(first);
    }

    @Test
    void schrootConfigLetsTheDjddGroupInAndPointsAtTheRoot() {
        BuildDir buildDir = new BuildDir(Path.of("/var/lib/djdd/build"));

        String config = SchrootConfig.render(buildDir, "bookworm");

        assertThat(config).contains("[" + SchrootConfig.nameFor(buildDir) + "]\n", "type=directory\n",
                "directory=/var/lib/djdd/build/root\n", "groups=djdd,root\n", "root-groups=djdd,root\n",
                "profile=minimal\n");
    }

    @Test
    void bootstrapRunsInAPrivateMountNamespaceWithTheBuildPackages() throws Exception {
        BuildRootOptions options = BuildRootOptions.of("bookworm", "http://deb.debian.org/debian");

        Command command = new Bootstrap("debootstrap").command(options, List.of("python3", "git"), Path.of("/b/root"));

        assertThat(command.argv()).containsExactly("setpriv", "--pdeathsig", "KILL", "--", "unshare", "--mount",
                "--propagation", "private", "--pid", "--fork", "--kill-child", "--", "debootstrap", "--variant=minbase", "--include=python3,git", "bookworm", "/b/root",
                "http://deb.debian.org/debian");
    }
}
