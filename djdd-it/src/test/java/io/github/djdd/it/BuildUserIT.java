package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A Jenkins agent's build: {@code djdd:src} and {@code djdd:build} as a real unprivileged member
 * of the {@code djdd} group, with Debian's Maven, its {@code HOME} and the deployment project in
 * that user's folders, in a build dir {@code djdd:init} prepared as root. Its packages equal a
 * root build's of the same commit (src and site byte for byte; the env's files, modes and
 * owners), the project's Debian package comes in through init's sudo helper, and nothing in the
 * build root becomes the user's. A user outside the group is refused.
 *
 * <p>The build user cannot enter this checkout's folders when they lie under root's home, so the
 * test runs both Mavens in a private mount namespace that shows what they need under
 * {@link #VIEW}: the test's folder, the Maven repositories, the wheelhouse and the cached build
 * root (bound into each build dir, to save a bootstrap).
 */
class BuildUserIT {
    private static final String SOFTWARE = "djddituser";
    private static final String MEMBER = "djddit-build";
    private static final String OUTSIDER = "djddit-outsider";
    private static final Path VIEW = Path.of("/run/djdd-it-user");
    private static final Path HERE = Path.of("target/build-user").toAbsolutePath();
    private static final Path LOCAL_REPO = Path.of(System.getProperty("djdd.it.localRepo", "target/local-repo"))
            .toAbsolutePath();
    private static final Path OUTER_REPO = Path.of(System.getProperty("djdd.it.outerRepo",
            System.getProperty("user.home") + "/.m2/repository")).toAbsolutePath();
    private static final Path WHEELHOUSE = Path.of(System.getProperty("djdd.it.wheelhouse", "../../shared/wheelhouse"))
            .toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("djdd.it.pluginVersion", "0.1.0-SNAPSHOT");
    /** Not in the build root until this project asks for it: the build user's install goes through the helper. */
    private static final String DEBIAN_PACKAGE = "jq";

    private static final ProcessRunner HOST = new ProcessRunner(Console.NULL);

    /** Mounts the view, then runs the command after the script's arguments. */
    private static final String IN_VIEW = """
            set -e
            view=$1; here=$2; local_repo=$3; outer_repo=$4; wheelhouse=$5; roots=$6; shift 6
            mount --bind "$here" "$view"
            for pair in "local-repo:$local_repo" "m2:$outer_repo" "wheelhouse:$wheelhouse"; do
              mount --bind "${pair#*:}" "$view/${pair%%:*}"
              mount -o remount,bind,ro "$view/${pair%%:*}"
            done
            for build in root-build user-build; do mount --bind "$roots" "$view/$build/roots"; done
            exec "$@"
            """;

    @Test
    void aMemberOfTheDjddGroupBuildsWhatRootBuildsAndAnOutsiderIsRefused() throws Exception {
        ItSupport.cachedRoot().check(RootCommand.of("apt-get", "purge", "--yes", "--autoremove", DEBIAN_PACKAGE)
                .withTimeout(Duration.ofMinutes(5)).quietly());
        prepareView();
        for (String user : List.of(MEMBER, OUTSIDER)) {
            if (!HOST.run(Command.of("id", user).quietly()).succeeded()) {
                HOST.check(Command.of("adduser", "--system", "--group", "--home", "/home/" + user, "--shell",
                        "/bin/sh", user).quietly());
            }
        }
        HOST.check(Command.of("adduser", MEMBER, "djdd").quietly());
        HOST.run(Command.of("deluser", OUTSIDER, "djdd").quietly());
        try {
            for (String build : List.of("root-build", "user-build")) {
                assertThat(maven(null, build, "init")).contains("BUILD SUCCESS");
            }
            assertThat(Files.getAttribute(HERE.resolve("user-build/packages"), "posix:group")).hasToString("djdd");

            String member = maven(MEMBER, "user-build", "src", "build");
            String root = maven(null, "root-build", "build");

            assertThat(member).contains("BUILD SUCCESS", "Installing into the build root through"
                    + " /usr/local/libexec/djdd/install-packages: " + DEBIAN_PACKAGE, "Built " + SOFTWARE + "-env-",
                    "Built " + SOFTWARE + "-src-", "Built " + SOFTWARE + "-site-berlin_");
            assertThat(root).contains("BUILD SUCCESS", "Built " + SOFTWARE + "-env-");
            List<Path> memberDebs = debs("user-build");
            List<Path> rootDebs = debs("root-build");
            assertThat(memberDebs).extracting(Path::getFileName).extracting(Path::toString)
                    .isEqualTo(rootDebs.stream().map(deb -> deb.getFileName().toString()).toList()).hasSize(3);
            for (int i = 0; i < memberDebs.size(); i++) {
                Path ours = memberDebs.get(i);
                Path roots = rootDebs.get(i);
                assertThat(Files.getOwner(ours).getName()).isEqualTo(MEMBER);
                if (ours.getFileName().toString().startsWith(SOFTWARE + "-env-")) {
                    assertThat(filesModesOwners(ours)).as(ours.getFileName().toString()).isNotEmpty()
                            .isEqualTo(filesModesOwners(roots));
                } else {
                    assertThat(ours).as(ours.getFileName().toString()).hasSameBinaryContentAs(roots);
                }
            }
            String uid = HOST.check(Command.of("id", "-u", MEMBER).quietly()).output().get(0).strip();
            assertThat(HOST.check(Command.of("find", ItSupport.cachedBuildDir().resolve("roots").toString(), "-xdev",
                    "-uid", uid, "-print", "-quit").quietly()).output()).as("files of the build user in the root")
                    .isEmpty();

            List<String> before = names(HERE.resolve("user-build/packages"));
            for (String goal : List.of("build", "src")) {
                String refused = maven(OUTSIDER, "user-build", goal);
                assertThat(refused).contains("BUILD FAILURE", "as root, run 'adduser " + OUTSIDER + " djdd'");
            }
            assertThat(names(HERE.resolve("user-build/packages"))).isEqualTo(before);
        } finally {
            // init's schroot definitions of the view's build dirs, which exist only in the test's namespaces
            try (Stream<Path> definitions = Files.list(Path.of("/etc/schroot/chroot.d"))) {
                for (Path definition : definitions.toList()) {
                    if (Files.readString(definition).contains("directory=" + VIEW + "/")) {
                        Files.delete(definition);
                    }
                }
            }
        }
    }

    /** The test's folder, fresh: the upstream repository, the two build dirs, the mount points. */
    private static void prepareView() throws Exception {
        BuildDir.deleteTree(HERE);
        Files.createDirectories(VIEW);
        for (String folder : List.of("local-repo", "m2", "wheelhouse", "root-build/roots", "user-build/roots",
                "root-m2")) {
            Files.createDirectories(HERE.resolve(folder));
        }
        // The project asks for a Debian package for its src, which the build root lacks.
        Path upstream = SampleProject.create(HERE, Map.of());
        SampleProject.branch(upstream, "main", "with-jq", Map.of("src-debian-requirements.txt",
                DEBIAN_PACKAGE + "\n"), java.time.Instant.parse("2026-11-02T12:00:00Z"));
        Files.writeString(HERE.resolve("settings.xml"), """
                <settings><profiles><profile><id>it-repo</id><activation><activeByDefault>true</activeByDefault>
                </activation><repositories><repository><id>it-local</id><url>file://%1$s/local-repo</url></repository>
                <repository><id>local.central</id><url>file://%1$s/m2</url></repository></repositories>
                <pluginRepositories><pluginRepository><id>it-local</id><url>file://%1$s/local-repo</url>
                </pluginRepository><pluginRepository><id>local.central</id><url>file://%1$s/m2</url>
                </pluginRepository></pluginRepositories></profile></profiles></settings>
                """.formatted(VIEW));
        String pom = MavenBuild.pom(SOFTWARE, VIEW.resolve("upstream"), """
                <variants><variant><name>berlin</name><ref>with-jq</ref></variant></variants>
                """).replace("<findLinks><findLink>" + WHEELHOUSE + "</findLink></findLinks>",
                "<findLinks><findLink>" + VIEW.resolve("wheelhouse") + "</findLink></findLinks>");
        for (String user : List.of("root", MEMBER, OUTSIDER)) {
            Path project = Files.createDirectories(HERE.resolve("deploy-" + user));
            Files.writeString(project.resolve("pom.xml"), pom);
        }
    }

    /**
     * Runs Debian's Maven with djdd's {@code goals} in the view: as root with a local repository of
     * the test's, or as {@code user} with its groups, {@code HOME} and deployment project in its home.
     */
    private static String maven(String user, String build, String... goals) throws Exception {
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--", "sh",
                "-c", IN_VIEW, "in-view", VIEW.toString(), HERE.toString(), LOCAL_REPO.toString(),
                OUTER_REPO.toString(), WHEELHOUSE.toString(), ItSupport.cachedBuildDir().resolve("roots").toString()));
        Path project;
        if (user == null) {
            project = HERE.resolve("deploy-root");
            argv.addAll(List.of("env", "HOME=" + System.getProperty("user.home"), "/usr/bin/mvn",
                    "-Dmaven.repo.local=" + VIEW.resolve("root-m2")));
        } else {
            Path home = Path.of("/home", user);
            project = home.resolve("deploy");
            BuildDir.deleteTree(project);
            Files.createDirectories(project);
            Files.copy(HERE.resolve("deploy-" + user + "/pom.xml"), project.resolve("pom.xml"));
            HOST.check(Command.of("chown", "-R", user + ":", project.toString()).quietly());
            // this tree's djdd, not a snapshot an earlier run left in the user's Maven repository
            BuildDir.deleteTree(home.resolve(".m2/repository/io/github/djdd"));
            argv.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--", "env", "-i",
                    "HOME=" + home, "USER=" + user, "LOGNAME=" + user, "PATH=/usr/bin:/bin", "LANG=C.UTF-8",
                    "/usr/bin/mvn"));
        }
        argv.addAll(List.of("-B", "-s", VIEW.resolve("settings.xml").toString(), "-f",
                project.resolve("pom.xml").toString(), "-Ddjdd.buildDir=" + VIEW.resolve(build)));
        for (String goal : goals) {
            argv.add("io.github.djdd:djdd-maven-plugin:" + VERSION + ":" + goal);
        }
        CommandResult result = HOST.run(Command.of(argv).withTimeout(Duration.ofMinutes(15)).quietly());
        return String.join("\n", result.output());
    }

    private static List<Path> debs(String build) throws Exception {
        try (Stream<Path> files = Files.list(HERE.resolve(build).resolve("packages"))) {
            return files.filter(file -> file.toString().endsWith(".deb")).sorted().toList();
        }
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    /** Each file of the package with its mode and owner, as {@code dpkg-deb --contents} lists them. */
    private static List<String> filesModesOwners(Path deb) throws Exception {
        return HOST.check(Command.of("dpkg-deb", "--contents", deb.toString()).quietly()).output().stream()
                .map(line -> line.split("\\s+"))
                .map(fields -> fields[0] + " " + fields[1] + " " + fields[5])
                .toList();
    }
}
