package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;

/**
 * A private repository, as almost every real project's is, on real servers on the host's
 * loopback ({@link GitServers}: OpenSSH's sshd, git http-backend behind nginx with basic
 * authentication), with a submodule: {@code djdd:src} and {@code djdd:build} through Maven, with a
 * deploy key from {@code settings.xml} (its passphrase plain or encrypted as Maven encrypts it), the
 * build user's {@code ~/.ssh} and {@code ~/.ssh/config}, its ssh-agent, and a password from
 * {@code settings.xml} (encrypted too), git's credential store or {@code ~/.netrc}. A wrong key, an
 * unknown or changed host key, a wrong password, no repository at the URL and a host that does not
 * answer each stop the goal in one sentence and leave the clone as it was, its refs and its URL; no
 * secret appears in a log, a clone's configuration or a package.
 */
class PrivateRepositoryIT {
    private static final Path HERE = Path.of("target/private-repository").toAbsolutePath();
    private static final String PASSWORD = "http-token-3a9f71";
    private static final String WRONG_PASSWORD = "not-the-token-3a9f71";
    private static final String PASSPHRASE = "deploy-passphrase-c41e";
    /** The master password of settings-security.xml, which encrypts the others. */
    private static final String MASTER_PASSWORD = "maven-master-5b7d20";
    /** What no log, clone configuration or package may hold: the secrets, and any private key. */
    private static final List<String> SECRETS = List.of(PASSWORD, WRONG_PASSWORD, PASSPHRASE, MASTER_PASSWORD,
            "BEGIN OPENSSH");
    private static final Path SETTINGS_SECURITY = HERE.resolve("settings-security.xml");
    private static final ProcessRunner HOST = new ProcessRunner(Console.NULL);

    private static GitServers servers;
    private static Process agent;

    @BeforeAll
    static void keysAndServers() throws Exception {
        BuildDir.deleteTree(HERE);
        Path keys = Files.createDirectories(HERE.resolve("keys"));
        key(keys.resolve("deploy"), PASSPHRASE);
        key(keys.resolve("home"), "");
        key(keys.resolve("agent"), "");
        key(keys.resolve("stranger"), "");
        servers = GitServers.start(HERE.resolve("servers"), List.of(keys.resolve("deploy.pub"),
                keys.resolve("home.pub"), keys.resolve("agent.pub")), PASSWORD);
        Path socket = HERE.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(HERE.resolve("agent.log").toFile()).start();
        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
            Thread.sleep(50);
        }
        HOST.check(Command.of("ssh-add", keys.resolve("agent").toString())
                .withEnvironment(Map.of("SSH_AUTH_SOCK", socket.toString())).quietly());
        // as 'mvn --encrypt-master-password' writes it: the master password encrypted with "settings.security"
        Files.writeString(SETTINGS_SECURITY, "<settingsSecurity><master>" + new DefaultPlexusCipher()
                .encryptAndDecorate(MASTER_PASSWORD, "settings.security") + "</master></settingsSecurity>\n");
        ItSupport.cachedRoot();
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.destroy();
        }
        if (servers != null) {
            servers.close();
        }
    }

    private static void key(Path file, String passphrase) throws Exception {
        HOST.check(Command.of("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", file.getFileName()
                .toString(), "-f", file.toString()).quietly());
    }

    /** A fresh home for the build user: .ssh with the server's host key, unless {@code knownHosts} says otherwise. */
    private static Path home(String name, String knownHosts) throws Exception {
        Path home = HERE.resolve("homes").resolve(name);
        BuildDir.deleteTree(home);
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(ssh.resolve("known_hosts"), knownHosts);
        return home;
    }

    private static String deployKeyServer(String id, Path key) {
        return deployKeyServer(id, key, PASSPHRASE);
    }

    private static String deployKeyServer(String id, Path key, String passphrase) {
        return "<server><id>" + id + "</id><privateKey>" + key + "</privateKey><passphrase>" + passphrase
                + "</passphrase></server>";
    }

    private static String passwordServer(String id, String password) {
        return "<server><id>" + id + "</id><username>" + GitServers.HTTP_USER + "</username><password>" + password
                + "</password></server>";
    }

    /** {@code value} as 'mvn --encrypt-password' writes it into settings.xml, with {@link #MASTER_PASSWORD}. */
    private static String encrypted(String value) throws Exception {
        String text = new DefaultPlexusCipher().encryptAndDecorate(value, MASTER_PASSWORD);
        assertThat(text).startsWith("{").endsWith("}").doesNotContain(value);
        return text;
    }

    /**
     * djdd:src (or other goals) of software {@code software} from {@code url}, as the user whose home
     * is {@code home}, with settings-security.xml for the {@code settings.xml} values that are
     * encrypted.
     */
    private static MavenBuild.Run maven(List<String> goals, String software, String url, Path home, String servers,
            String configuration, Map<String, String> environment, String... arguments) throws Exception {
        Map<String, String> variables = new LinkedHashMap<>(environment);
        // the runs are short: a JVM set for them (C1 only, serial GC) starts in half the CPU
        variables.put("MAVEN_OPTS", "-Duser.home=" + home + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        variables.put("SSH_AUTH_SOCK", environment.getOrDefault("SSH_AUTH_SOCK", ""));
        String pom = MavenBuild.pom(software, Path.of("/placeholder"), configuration)
                .replace("<repository>/placeholder</repository>", "<repository>" + url + "</repository>");
        // a later -Dsettings.security in arguments wins, as Maven sets -D properties in order
        List<String> argv = new ArrayList<>(List.of("-Dsettings.security=" + SETTINGS_SECURITY));
        argv.addAll(List.of(arguments));
        MavenBuild.Run run = MavenBuild.run(Files.createDirectories(HERE.resolve("deploy")), pom, goals, variables,
                servers, argv.toArray(String[]::new));
        for (String secret : SECRETS) {
            assertThat(run.log()).as("the build log").doesNotContain(secret);
        }
        return run;
    }

    private static MavenBuild.Run src(String software, String url, Path home, String servers, String configuration,
            Map<String, String> environment) throws Exception {
        return maven(List.of("src"), software, url, home, servers, configuration, environment);
    }

    /** The refs of a clone, as git lists them, and where it fetches from: what a failed fetch must leave as it was. */
    private static List<String> refs(String software) throws Exception {
        Path clone = ItSupport.cachedBuildDir().resolve("sources").resolve(software);
        List<String> refs = new ArrayList<>(HOST.check(Command.of("git", "-C", clone.toString(), "for-each-ref")
                .quietly()).output());
        refs.addAll(HOST.check(Command.of("git", "-C", clone.toString(), "config", "remote.origin.url").quietly())
                .output());
        return refs;
    }

    /** The first 12 digits of what {@code ref} is in the server's {@code repository}, as git rev-parse says. */
    private static String shortId(String repository, String ref) throws Exception {
        return HOST.check(Command.of("git", "-c", "safe.directory=*", "-C", servers.dir.resolve("repos")
                .resolve(repository).toString(), "rev-parse", ref).quietly()).output().get(0).substring(0, 12);
    }

    /** The packages of {@code software} in the build dir. */
    private static List<Path> debs(String software) throws Exception {
        try (Stream<Path> files = Files.list(ItSupport.cachedBuildDir().resolve("packages"))) {
            return files.filter(file -> file.getFileName().toString().startsWith(software + "-")
                    && file.toString().endsWith(".deb")).sorted().toList();
        }
    }

    private static List<String> contents(Path deb) throws Exception {
        return HOST.check(Command.of("dpkg-deb", "--contents", deb.toString()).quietly()).output();
    }

    /** No secret in any file of any package of {@code software}. */
    private static void assertNoSecretIn(String software) throws Exception {
        for (Path deb : debs(software)) {
            List<String> argv = new ArrayList<>(List.of("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -xO",
                    "contents", deb.toString()));
            String contents = String.join("\n", HOST.check(Command.of(argv).quietly()).output());
            for (String secret : SECRETS) {
                assertThat(contents).as(deb.getFileName().toString()).doesNotContain(secret);
            }
        }
    }

    /** A port of the loopback on which nothing listens. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void forget(String software) throws Exception {
        BuildDir.deleteTree(ItSupport.cachedBuildDir().resolve("sources").resolve(software));
        BuildDir.deleteTree(ItSupport.cachedBuildDir().resolve("sources").resolve(software + ".modules"));
    }

    /**
     * The fetch's passphrase is encrypted as 'mvn --encrypt-password' writes it: Maven decrypts it for
     * djdd with the master password of the settings-security.xml that -Dsettings.security names; without
     * that file the goal stops before it fetches.
     */
    @Test
    void aDeployKeyFromSettingsXmlPlainOrEncryptedFetchesOverSsh() throws Exception {
        forget("djdditsshkey");
        Path home = home("deploy-key", servers.knownHostsLine());
        String server = deployKeyServer("company-git", HERE.resolve("keys/deploy"));
        String encryptedServer = deployKeyServer("company-git", HERE.resolve("keys/deploy"), encrypted(PASSPHRASE));

        MavenBuild.Run clone = src("djdditsshkey", servers.sshUrl("app.git"), home, server,
                "<repositoryServerId>company-git</repositoryServerId>", Map.of());
        MavenBuild.Run fetch = src("djdditsshkey", servers.sshUrl("app.git"), home, encryptedServer,
                "<repositoryServerId>company-git</repositoryServerId>", Map.of());
        Path noMaster = HERE.resolve("no/settings-security.xml");
        MavenBuild.Run undecryptable = maven(List.of("src"), "djdditsshkey", servers.sshUrl("app.git"), home,
                encryptedServer, "<repositoryServerId>company-git</repositoryServerId>", Map.of(),
                "-Dsettings.security=" + noMaster);

        assertThat(clone.log()).contains("BUILD SUCCESS", "Cloning " + servers.sshUrl("app.git"),
                "Variant default: main is commit ");
        assertThat(fetch.log()).contains("BUILD SUCCESS", "Fetching " + servers.sshUrl("app.git"));
        assertThat(undecryptable.log()).contains("BUILD FAILURE", "Maven cannot decrypt the settings.xml <server>"
                + " 'company-git' (Failed to decrypt passphrase for server company-git: " + noMaster + " (No such file or"
                + " directory)): check the master password in settings-security.xml").doesNotContain("Fetching ");
        assertThat(Files.readString(ItSupport.cachedBuildDir().resolve("sources/djdditsshkey/config")))
                .doesNotContain(PASSPHRASE, "BEGIN");
    }

    @Test
    void keysFromTheUsersSshConfigAndItsAgentFetchOverSsh() throws Exception {
        forget("djdditsshconf");
        forget("djdditsshagent");
        Path home = home("ssh-config", servers.knownHostsLine());
        Files.copy(HERE.resolve("keys/home"), home.resolve(".ssh/company_deploy"));
        Files.writeString(home.resolve(".ssh/config"), """
                Host company-git
                  HostName 127.0.0.1
                  Port %d
                  User %s
                  IdentityFile ~/.ssh/company_deploy
                """.formatted(servers.sshPort, GitServers.GIT_USER));
        Path agentHome = home("agent", servers.knownHostsLine());

        MavenBuild.Run alias = src("djdditsshconf", "company-git:" + servers.repos.resolve("app.git"), home, "", "",
                Map.of());
        MavenBuild.Run viaAgent = src("djdditsshagent", servers.sshUrl("app.git"), agentHome, "", "",
                Map.of("SSH_AUTH_SOCK", HERE.resolve("agent.sock").toString()));

        assertThat(alias.log()).contains("BUILD SUCCESS", "Variant default: main is commit ");
        assertThat(viaAgent.log()).contains("BUILD SUCCESS", "Variant default: main is commit ");
    }

    /** settings.xml's password is encrypted as 'mvn --encrypt-password' writes it; the failure test's is plain. */
    @Test
    void anEncryptedPasswordFromSettingsXmlTheCredentialStoreOrNetrcFetchOverHttp() throws Exception {
        Path home = home("http", "");
        Files.writeString(home.resolve(".git-credentials"), "http://" + GitServers.HTTP_USER + ":" + PASSWORD
                + "@127.0.0.1:" + servers.httpPort + "\n");
        Path netrcHome = home("netrc", "");
        Files.writeString(netrcHome.resolve(".netrc"), "machine 127.0.0.1 login " + GitServers.HTTP_USER
                + " password " + PASSWORD + "\n");
        for (String software : List.of("djddithttp", "djdditstore", "djdditnetrc")) {
            forget(software);
        }

        MavenBuild.Run settings = src("djddithttp", servers.httpUrl("app.git"), home("none", ""),
                passwordServer("company-http", encrypted(PASSWORD)),
                "<repositoryServerId>company-http</repositoryServerId>", Map.of());
        MavenBuild.Run store = src("djdditstore", servers.httpUrl("app.git"), home, "", "", Map.of());
        MavenBuild.Run netrc = src("djdditnetrc", servers.httpUrl("app.git"), netrcHome, "", "", Map.of());

        for (MavenBuild.Run run : List.of(settings, store, netrc)) {
            assertThat(run.log()).contains("BUILD SUCCESS", "Variant default: main is commit ");
        }
        assertThat(Files.readString(ItSupport.cachedBuildDir().resolve("sources/djddithttp/config")))
                .doesNotContain(PASSWORD, "{");
    }

    /**
     * Each way a fetch fails, against a clone each: the sentence, and the clone's refs and URL as they
     * were. The missing repository lies under team401/, digits that once read as an HTTP status.
     */
    @Test
    void aWrongKeyOrPasswordAHostKeyNoRepositoryOrNoHostStopsTheGoalAndLeavesTheClone() throws Exception {
        forget("djdditfail");
        forget("djdditfailhttp");
        Path home = home("good", servers.knownHostsLine());
        String deploy = deployKeyServer("company-git", HERE.resolve("keys/deploy"));
        String configuration = "<repositoryServerId>company-git</repositoryServerId>";
        assertThat(src("djdditfail", servers.sshUrl("app.git"), home, deploy, configuration, Map.of()).log())
                .contains("BUILD SUCCESS");
        assertThat(src("djdditfailhttp", servers.httpUrl("app.git"), home("none", ""),
                passwordServer("company-http", PASSWORD), "<repositoryServerId>company-http</repositoryServerId>",
                Map.of()).log()).contains("BUILD SUCCESS");
        List<String> before = refs("djdditfail");
        List<String> beforeHttp = refs("djdditfailhttp");
        Path other = HERE.resolve("keys/other_host");
        key(other, "");
        String[] otherKey = Files.readString(other.resolveSibling("other_host.pub")).strip().split(" ");

        MavenBuild.Run wrongKey = src("djdditfail", servers.sshUrl("app.git"), home,
                deployKeyServer("company-git", HERE.resolve("keys/stranger")).replace(PASSPHRASE, ""), configuration,
                Map.of());
        MavenBuild.Run unknownHost = src("djdditfail", servers.sshUrl("app.git"), home("unknown", ""), deploy,
                configuration, Map.of());
        MavenBuild.Run changedHost = src("djdditfail", servers.sshUrl("app.git"), home("changed", "[127.0.0.1]:"
                + servers.sshPort + " " + otherKey[0] + " " + otherKey[1] + "\n"), deploy, configuration, Map.of());
        MavenBuild.Run changedHostBuild = maven(List.of("build"), "djdditfail", servers.sshUrl("app.git"),
                home("changed", "[127.0.0.1]:" + servers.sshPort + " " + otherKey[0] + " " + otherKey[1] + "\n"),
                deploy, configuration, Map.of());
        MavenBuild.Run wrongPassword = src("djdditfailhttp", servers.httpUrl("app.git"), home("none", ""),
                passwordServer("company-http", WRONG_PASSWORD), "<repositoryServerId>company-http</repositoryServerId>",
                Map.of());
        MavenBuild.Run missing = src("djdditfail", servers.sshUrl("team401/missing.git"), home, deploy, configuration,
                Map.of());
        MavenBuild.Run missingHttp = src("djdditfailhttp", servers.httpUrl("team401/missing.git"), home("none", ""),
                passwordServer("company-http", PASSWORD), "<repositoryServerId>company-http</repositoryServerId>",
                Map.of());
        String closed = "ssh://" + GitServers.GIT_USER + "@127.0.0.1:" + closedPort() + servers.repos.resolve(
                "app.git");
        MavenBuild.Run noHost = src("djdditfail", closed, home, deploy, configuration, Map.of());

        assertThat(wrongKey.log()).contains("BUILD FAILURE", "127.0.0.1 refused the SSH keys of root (settings.xml"
                + " <server> company-git) for " + servers.sshUrl("app.git"), "nothing was fetched, and the clone is"
                + " as it was.");
        assertThat(unknownHost.log()).contains("BUILD FAILURE", "The SSH host key of 127.0.0.1 (port " + servers.sshPort
                + ") is not in root's " + HERE.resolve("homes/unknown/.ssh/known_hosts") + ", so djdd does not trust"
                + " it: compare its fingerprint SHA256:", "then add it with 'ssh-keyscan -p " + servers.sshPort
                + " 127.0.0.1 >> ~/.ssh/known_hosts' (as root)");
        assertThat(changedHost.log()).contains("BUILD FAILURE", "The SSH host key of 127.0.0.1 (port "
                + servers.sshPort + ") is SHA256:", "someone may be intercepting the connection",
                "'ssh-keygen -R \"[127.0.0.1]:" + servers.sshPort + "\"'");
        assertThat(changedHostBuild.log()).contains("BUILD FAILURE", "someone may be intercepting the connection")
                .doesNotContain("going on with the clone");
        assertThat(wrongPassword.log()).contains("BUILD FAILURE", "127.0.0.1 refused the credentials of root"
                + " (settings.xml <server> company-http) for " + servers.httpUrl("app.git"));
        assertThat(missing.log()).contains("BUILD FAILURE", "127.0.0.1 has no repository at "
                + servers.sshUrl("team401/missing.git") + " (", "): check <repository> / -Ddjdd.repository, and that its"
                + " key may read that repository; nothing was fetched, and the clone is as it was.");
        assertThat(missingHttp.log()).contains("BUILD FAILURE", "127.0.0.1 has no repository at "
                + servers.httpUrl("team401/missing.git") + " (", "): check <repository> / -Ddjdd.repository; nothing"
                + " was fetched, and the clone is as it was.");
        assertThat(noHost.log()).contains("BUILD FAILURE", "Cannot reach 127.0.0.1 to fetch " + closed + " (",
                "): check that the build machine reaches it (network, firewall, proxy) and <repository> /"
                        + " -Ddjdd.repository; nothing was fetched, and the clone is as it was.");
        assertThat(refs("djdditfail")).isEqualTo(before);
        assertThat(refs("djdditfailhttp")).isEqualTo(beforeHttp);
    }

    /**
     * djdd:build over SSH with the deploy key (its passphrase encrypted): the submodule, fetched with
     * the same key, is in the src package, which is named after the superproject's commit; without
     * {@code <submodules>} the next build leaves it out with a warning. The HTTP test below shares the
     * software, so the one that runs second reuses the env package.
     */
    @Test
    void aBuildOverSshPacksTheSubmoduleAtTheSuperprojectsCommitAndNoKey() throws Exception {
        String main = shortId("app.git", "main");
        forget("djdditsubmod");
        ItSupport.deletePackages("djdditsubmod", name -> name.contains(main));
        Path home = home("ssh-build", servers.knownHostsLine());
        String server = deployKeyServer("company-git", HERE.resolve("keys/deploy"), encrypted(PASSPHRASE));

        MavenBuild.Run build = maven(List.of("build"), "djdditsubmod", servers.sshUrl("app.git"), home, server,
                "<repositoryServerId>company-git</repositoryServerId><submodules>true</submodules>", Map.of());

        assertThat(build.log()).contains("BUILD SUCCESS", "Cloning " + servers.sshUrl("app.git"),
                "Built djdditsubmod-src-" + main + "_1_all.deb").doesNotContain("Leaving out submodule");
        assertThat(contents(ItSupport.cachedBuildDir().resolve("packages/djdditsubmod-src-" + main + "_1_all.deb")))
                .anyMatch(line -> line.endsWith("/vendor/lib/vendorlib/__init__.py"))
                .noneMatch(line -> line.contains("/.git/"));

        MavenBuild.Run without = maven(List.of("build"), "djdditsubmod", servers.sshUrl("app.git"), home, server,
                "<repositoryServerId>company-git</repositoryServerId>", Map.of());

        assertThat(without.log()).contains("BUILD SUCCESS", "[WARNING] Leaving out submodule vendor/lib: djdd packages"
                + " the commit's own files only, unless <submodules>true</submodules>.");
        assertNoSecretIn("djdditsubmod");
    }

    /** The same over HTTP with the password (encrypted), on the second branch: its own src package. */
    @Test
    void submodulesComeOverHttpWithTheSameCredentialsAndNoSecretIntoAnyPackage() throws Exception {
        String two = shortId("app.git", "two");
        forget("djdditsubmod");
        ItSupport.deletePackages("djdditsubmod", name -> name.contains(two));

        MavenBuild.Run build = maven(List.of("build"), "djdditsubmod", servers.httpUrl("app.git"), home("http-build",
                ""), passwordServer("company-http", encrypted(PASSWORD)), "<repositoryServerId>company-http"
                        + "</repositoryServerId><submodules>true</submodules>", Map.of(), "-Dref=two");

        assertThat(build.log()).contains("BUILD SUCCESS", "Built djdditsubmod-src-" + two + "_1_all.deb");
        assertThat(contents(ItSupport.cachedBuildDir().resolve("packages/djdditsubmod-src-" + two + "_1_all.deb")))
                .anyMatch(line -> line.endsWith("/vendor/lib/vendorlib/__init__.py"))
                .noneMatch(line -> line.contains("/.git/"));
        assertNoSecretIn("djdditsubmod");
    }
}
