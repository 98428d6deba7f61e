package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.project.ProjectPublish;
import io.github.djdd.core.project.PublishRequest;
import io.github.djdd.core.publish.Channel;
import io.github.djdd.core.publish.TestDebs;
import io.github.djdd.core.publish.ValidFor;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Builds as a Jenkins agent's user, and what such a user and the code of a project's
 * dependencies can do to the build machine, which holds the key that signs what every server
 * installs as root. The fixture builds one project twice, with Debian's Maven: as a real
 * unprivileged member of the {@code djdd} group and as root, each in a build dir that
 * {@code djdd:init} prepared as root, with the project's Debian package coming in through init's
 * sudo helper for the member. The project's requirements hold an attacker's sdist
 * ({@link ProbeSdist}) from a private index whose URL carries a token; while the builds run, a
 * watcher reads every process's command line for that token and a listener on the host's
 * loopback waits for the sdist.
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
    /** The secret in the private index's URL. */
    private static final String TOKEN = "djdd-it-index-token-5f1c0e";
    /** A folder of the host that anyone may write: the sdist tries it, directly and from outside its chroot. */
    private static final Path HOST_TARGET = HERE.resolve("host-target");
    /** A file only root reads, as the signing key is. */
    private static final Path KEY = HERE.resolve("signing.key");

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

    private static ServerSocket listener;
    private static final AtomicInteger REACHED = new AtomicInteger();
    private static final Set<String> LINES_WITH_TOKEN = ConcurrentHashMap.newKeySet();
    private static PrivateIndex index;
    private static String memberBuild;
    private static String rootBuild;

    @BeforeAll
    static void buildAsMemberAndAsRoot() throws Exception {
        ItSupport.cachedRoot().check(RootCommand.of("apt-get", "purge", "--yes", "--autoremove", DEBIAN_PACKAGE)
                .withTimeout(Duration.ofMinutes(5)).quietly());
        Files.deleteIfExists(ItSupport.cachedRoot().path().resolve(ProbeSdist.IN_ROOT.substring(1)));
        listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!listener.isClosed()) {
                try (Socket reached = listener.accept()) {
                    REACHED.incrementAndGet();
                } catch (Exception e) {
                    return;
                }
            }
        });
        accept.setDaemon(true);
        accept.start();
        prepareView();
        index = PrivateIndex.serve(HERE.resolve("private-index"), TOKEN);
        for (String user : List.of(MEMBER, OUTSIDER)) {
            if (!HOST.run(Command.of("id", user).quietly()).succeeded()) {
                HOST.check(Command.of("adduser", "--system", "--group", "--home", "/home/" + user, "--shell",
                        "/bin/sh", user).quietly());
            }
        }
        HOST.check(Command.of("adduser", MEMBER, "djdd").quietly());
        HOST.run(Command.of("deluser", OUTSIDER, "djdd").quietly());
        for (String build : List.of("root-build", "user-build")) {
            assertThat(maven(null, build, "init")).contains("BUILD SUCCESS");
        }
        AtomicBoolean building = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (building.get()) {
                LINES_WITH_TOKEN.addAll(commandLinesWith(TOKEN));
            }
        });
        watcher.start();
        try {
            memberBuild = maven(MEMBER, "user-build", "src", "build");
            rootBuild = maven(null, "root-build", "build");
        } finally {
            building.set(false);
            watcher.join();
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (listener != null) {
            listener.close();
        }
        if (index != null) {
            index.close();
        }
        // init's schroot definitions of the view's build dirs, which exist only in the test's namespaces
        try (Stream<Path> definitions = Files.list(Path.of("/etc/schroot/chroot.d"))) {
            for (Path definition : definitions.toList()) {
                if (Files.readString(definition).contains("directory=" + VIEW + "/")) {
                    Files.delete(definition);
                }
            }
        }
    }

    @Test
    void aMemberOfTheDjddGroupBuildsWhatRootBuilds() throws Exception {
        assertThat(memberBuild).contains("BUILD SUCCESS", "Installing into the build root through"
                + " /usr/local/libexec/djdd/install-packages: " + DEBIAN_PACKAGE, "Built " + SOFTWARE + "-env-",
                "Built " + SOFTWARE + "-src-", "Built " + SOFTWARE + "-site-berlin_");
        assertThat(rootBuild).contains("BUILD SUCCESS", "Built " + SOFTWARE + "-env-");
        List<Path> memberDebs = debs(memberPackages());
        List<Path> rootDebs = debs(HERE.resolve("root-build/packages"));
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
    }

    @Test
    void aUserOutsideTheGroupIsRefused() throws Exception {
        List<String> before = names(memberPackages());
        for (String goal : List.of("build", "src")) {
            String refused = maven(OUTSIDER, "user-build", goal);
            assertThat(refused).contains("BUILD FAILURE", "as root, run 'adduser " + OUTSIDER + " djdd'");
        }
        assertThat(names(memberPackages())).isEqualTo(before);
    }

    /**
     * The attacker's sdist, built in a root build and in a member build, ran as an unprivileged
     * uid without capabilities, could neither write outside its build (the shared root, the
     * host) nor leave its sandbox, reached no listener on the host's loopback, could not read
     * the signing key and did not find the private index's token in its environment.
     */
    @Test
    void dependencyCodeRunsWithoutPrivilegesNetworkOrAWayOutOfItsSandbox() throws Exception {
        for (Path packages : List.of(HERE.resolve("root-build/packages"), memberPackages())) {
            Path env = debs(packages).stream().filter(deb -> deb.getFileName().toString().startsWith(SOFTWARE
                    + "-env-")).findFirst().orElseThrow(() -> new AssertionError("no env package in " + packages
                    + ":\n" + memberBuild + "\n" + rootBuild));

            String report = ProbeSdist.report(env);

            assertThat(report).as("what the sdist's setup.py managed in " + env).isEqualTo("{\"capabilities\":"
                    + " \"0000000000000000\", \"escaped\": false, \"escaped_key\": false, \"escaped_write\": false,"
                    + " \"host_write\": false, \"key\": false, \"loopback\": false, \"root_write\": false,"
                    + " \"token_in_environment\": false, \"uid\": 1000}");
        }
        assertThat(REACHED.get()).as("connections from the builds to a listener on the host's loopback").isZero();
        try (Stream<Path> written = Files.list(HOST_TARGET)) {
            assertThat(written).as("files the sdist wrote on the host").isEmpty();
        }
        assertThat(ItSupport.cachedBuildDir().resolve("roots").resolve(ItSupport.SUITE)
                .resolve(ProbeSdist.IN_ROOT.substring(1))).as("a file the sdist wrote into the shared root")
                .doesNotExist();
    }

    @Test
    void theIndexTokenIsOnNoCommandLine() {
        assertThat(memberBuild).contains("BUILD SUCCESS");
        assertThat(rootBuild).contains("BUILD SUCCESS");
        assertThat(LINES_WITH_TOKEN).as("command lines holding the private index's token during the builds")
                .isEmpty();
        assertThat(memberBuild + rootBuild).as("the build logs").doesNotContain(TOKEN);
    }

    /**
     * A member plants links towards a folder of root's wherever it can write in root's build
     * dir and replaces a package root built (with its checksum); root's next init, build and
     * publish change nothing of that folder and publish root's own bytes.
     */
    @Test
    void aMemberReachesNothingOfRootsBuild() throws Exception {
        Path rootBuildDir = HERE.resolve("root-build");
        Path victim = Files.createDirectories(HERE.resolve("victim"));
        Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path env = debs(rootBuildDir.resolve("packages")).stream().filter(deb -> deb.getFileName().toString()
                .startsWith(SOFTWARE + "-env-")).findFirst().orElseThrow();
        String rootsEnv = PackageChecksum.sha256(env);
        String[] nameVersionArch = env.getFileName().toString().replaceFirst("\\.deb$", "").split("_");
        Path forged = TestDebs.deb(Files.createDirectories(HERE.resolve("forged")), nameVersionArch[0],
                nameVersionArch[1], nameVersionArch[2], "");
        Files.setPosixFilePermissions(forged, PosixFilePermissions.fromString("rw-r--r--"));
        Path viewVictim = VIEW.resolve("victim");
        Path viewForged = VIEW.resolve("forged").resolve(forged.getFileName());

        List<String> folders = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(rootBuildDir, 2)) {
            walk.filter(Files::isDirectory).filter(folder -> !folder.startsWith(rootBuildDir.resolve("roots"))
                    || folder.equals(rootBuildDir.resolve("roots"))).forEach(folder -> folders.add(
                    VIEW.resolve(HERE.relativize(folder)).toString()));
        }
        String viewEnv = VIEW.resolve(HERE.relativize(env)).toString();
        CommandResult planted = asMember("""
                victim=$1; forged=$2; env=$3; shift 3
                for folder in "$@"; do
                  ln -s "$victim" "$folder/djdd-link" 2>/dev/null && echo "planted $folder/djdd-link"
                done
                cp "$forged" "$env.new" 2>/dev/null && mv -f "$env.new" "$env" && echo "replaced $env"
                sha256sum "$env" > "$env.sha256" 2>/dev/null && echo "recorded $env.sha256"
                true
                """, viewVictim.toString(), viewForged.toString(), viewEnv, folders);
        System.out.println("[attack] " + String.join("\n[attack] ", planted.output()));

        assertThat(maven(null, "root-build", "init")).contains("BUILD SUCCESS");
        String again = maven(null, "root-build", "build");
        Path repository = HERE.resolve("repository");
        Path key = TestDebs.gpgKey(HERE, "publisher", "");
        new ProjectPublish(new PublishRequest(BuildDir.prepare(rootBuildDir), ItSupport.SUITE,
                SoftwareName.of(SOFTWARE), new SiteVariants(List.of(SiteVariant.defaults(VariantName.of("berlin"))),
                true), new PublishRequest.Folder(repository, key, new char[0], new ValidFor(14)), 5, Channel.PRODUCTION),
                Console.NULL).run();

        assertThat(again).contains("BUILD SUCCESS");
        assertThat(Files.getAttribute(victim, "unix:mode")).as("mode of the folder the links pointed at")
                .isEqualTo(040755);
        assertThat(Files.getAttribute(victim, "posix:group").toString()).isEqualTo("root");
        assertThat(PackageChecksum.sha256(env)).as("root's env package after the member's attempt").isEqualTo(rootsEnv);
        try (Stream<Path> pool = Files.walk(repository.resolve("pool"))) {
            Path published = pool.filter(file -> file.getFileName().equals(env.getFileName())).findFirst()
                    .orElseThrow();
            assertThat(PackageChecksum.sha256(published)).as("the published env package").isEqualTo(rootsEnv);
        }
    }

    /** The member's own build dir in the shared one. */
    private static Path memberPackages() {
        return HERE.resolve("user-build/users").resolve(MEMBER).resolve("packages");
    }

    /** The test's folder, fresh: the upstream repository, the two build dirs, the mount points. */
    private static void prepareView() throws Exception {
        BuildDir.deleteTree(HERE);
        Files.createDirectories(VIEW);
        for (String folder : List.of("local-repo", "m2", "wheelhouse", "root-build/roots", "user-build/roots",
                "root-m2", "private-index")) {
            Files.createDirectories(HERE.resolve(folder));
        }
        Files.createDirectories(HOST_TARGET);
        Files.setPosixFilePermissions(HOST_TARGET, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(KEY, "-----BEGIN PGP PRIVATE KEY BLOCK-----\nthe signing key\n");
        Files.setPosixFilePermissions(KEY, PosixFilePermissions.fromString("rw-------"));
        ProbeSdist.write(HERE.resolve("private-index"), listener.getLocalPort(), HOST_TARGET, KEY, TOKEN);
        // The project asks for a Debian package for its src, which the build root lacks, and for the sdist.
        Path upstream = SampleProject.create(HERE, Map.of());
        String requirements = Files.readString(upstream.resolve("requirements.txt"));
        SampleProject.branch(upstream, "main", "with-jq", Map.of("src-debian-requirements.txt",
                DEBIAN_PACKAGE + "\n", "requirements.txt", requirements + ProbeSdist.NAME + "==" + ProbeSdist.VERSION
                        + "\n"), Instant.parse("2026-11-02T12:00:00Z"));
        Files.writeString(HERE.resolve("settings.xml"), """
                <settings><profiles><profile><id>it-repo</id><activation><activeByDefault>true</activeByDefault>
                </activation><repositories><repository><id>it-local</id><url>file://%1$s/local-repo</url></repository>
                <repository><id>local.central</id><url>file://%1$s/m2</url></repository></repositories>
                <pluginRepositories><pluginRepository><id>it-local</id><url>file://%1$s/local-repo</url>
                </pluginRepository><pluginRepository><id>local.central</id><url>file://%1$s/m2</url>
                </pluginRepository></pluginRepositories></profile></profiles></settings>
                """.formatted(VIEW));
        // The index comes from PIP_INDEX_URL, as operators set a private one, not from the POM.
        String pom = MavenBuild.pom(SOFTWARE, VIEW.resolve("upstream"), """
                <variants><variant><name>berlin</name><ref>with-jq</ref></variant></variants>
                """).replace("<indexUrl>file:///opt/pypi/simple</indexUrl>", "")
                .replace("<findLinks><findLink>" + WHEELHOUSE + "</findLink></findLinks>",
                        "<findLinks><findLink>" + VIEW.resolve("wheelhouse") + "</findLink></findLinks>");
        for (String user : List.of("root", MEMBER, OUTSIDER)) {
            Path project = Files.createDirectories(HERE.resolve("deploy-" + user));
            Files.writeString(project.resolve("pom.xml"), pom);
        }
    }

    /** The private index first, this machine's mirror (or PyPI) for everything else. */
    private static Map<String, String> pipEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("PIP_INDEX_URL", index.url());
        environment.put("PIP_EXTRA_INDEX_URL", Files.isDirectory(Path.of("/opt/pypi/simple"))
                ? "file:///opt/pypi/simple" : "https://pypi.org/simple");
        return environment;
    }

    /** The command in the view, as root or as {@code user} with its groups. */
    private static List<String> inView(String user) {
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--", "sh",
                "-c", IN_VIEW, "in-view", VIEW.toString(), HERE.toString(), LOCAL_REPO.toString(),
                OUTER_REPO.toString(), WHEELHOUSE.toString(), ItSupport.cachedBuildDir().resolve("roots").toString()));
        if (user != null) {
            argv.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
        }
        return argv;
    }

    /**
     * Runs Debian's Maven with djdd's {@code goals} in the view: as root with a local repository of
     * the test's, or as {@code user} with its groups, {@code HOME} and deployment project in its
     * home; the index's URL in the environment, never on a command line.
     */
    private static String maven(String user, String build, String... goals) throws Exception {
        List<String> argv = inView(user);
        Path project;
        Map<String, String> environment = new LinkedHashMap<>();
        if (user == null) {
            project = HERE.resolve("deploy-root");
            environment.putAll(System.getenv());
            environment.put("HOME", System.getProperty("user.home"));
            argv.addAll(List.of("/usr/bin/mvn", "-Dmaven.repo.local=" + VIEW.resolve("root-m2")));
        } else {
            Path home = Path.of("/home", user);
            project = home.resolve("deploy");
            BuildDir.deleteTree(project);
            Files.createDirectories(project);
            Files.copy(HERE.resolve("deploy-" + user + "/pom.xml"), project.resolve("pom.xml"));
            HOST.check(Command.of("chown", "-R", user + ":", project.toString()).quietly());
            // this tree's djdd, not a snapshot an earlier run left in the user's Maven repository
            BuildDir.deleteTree(home.resolve(".m2/repository/io/github/djdd"));
            environment.putAll(Map.of("HOME", home.toString(), "USER", user, "LOGNAME", user, "PATH",
                    "/usr/bin:/bin", "LANG", "C.UTF-8"));
            argv.add("/usr/bin/mvn");
        }
        environment.putAll(pipEnvironment());
        argv.addAll(List.of("-B", "-s", VIEW.resolve("settings.xml").toString(), "-f",
                project.resolve("pom.xml").toString(), "-Ddjdd.buildDir=" + VIEW.resolve(build)));
        for (String goal : goals) {
            argv.add("io.github.djdd:djdd-maven-plugin:" + VERSION + ":" + goal);
        }
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return output;
    }

    /** Runs a shell script as the member in the view, with {@code arguments} and then {@code more}. */
    private static CommandResult asMember(String script, String a, String b, String c, List<String> more)
            throws Exception {
        List<String> argv = inView(MEMBER);
        argv.addAll(List.of("sh", "-c", script, "attack", a, b, c));
        argv.addAll(more);
        return HOST.run(Command.of(argv).withTimeout(Duration.ofMinutes(1)).quietly());
    }

    /** The command lines of every process on the host that hold {@code secret}. */
    private static List<String> commandLinesWith(String secret) {
        List<String> found = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String line = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ');
                    if (line.contains(secret)) {
                        found.add(line);
                    }
                } catch (Exception e) {
                    // the process ended while we looked
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    private static List<Path> debs(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
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
