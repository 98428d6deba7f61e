package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
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

/**
 * A private repository, as almost every real project's is, on real servers on the host's
 * loopback ({@link GitServers}: OpenSSH's sshd, git http-backend behind nginx with basic
 * authentication), with a submodule: {@code djdd:src} and {@code djdd:build} through Maven, with a
 * deploy key from {@code settings.xml}, the build user's {@code ~/.ssh} and {@code ~/.ssh/config},
 * its ssh-agent, and a password from {@code settings.xml}, git's credential store or
 * {@code ~/.netrc}. A wrong key, an unknown or changed host key and a wrong password each stop the
 * goal in one sentence and leave the clone as it was; no secret appears in a log, a clone's
 * configuration or a package.
 */
class PrivateRepositoryIT {
    private static final Path HERE = Path.of("target/private-repository").toAbsolutePath();
    private static final String PASSWORD = "http-token-3a9f71";
    private static final String PASSPHRASE = "deploy-passphrase-c41e";
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
        return "<server><id>" + id + "</id><privateKey>" + key + "</privateKey><passphrase>" + PASSPHRASE
                + "</passphrase></server>";
    }

    private static String passwordServer(String id, String password) {
        return "<server><id>" + id + "</id><username>" + GitServers.HTTP_USER + "</username><password>" + password
                + "</password></server>";
    }

    /** djdd:src (or other goals) of software {@code software} from {@code url}, as the user whose home is {@code home}. */
    private static MavenBuild.Run maven(List<String> goals, String software, String url, Path home, String servers,
            String configuration, Map<String, String> environment) throws Exception {
        Map<String, String> variables = new LinkedHashMap<>(environment);
        variables.put("MAVEN_OPTS", "-Duser.home=" + home);
        variables.put("SSH_AUTH_SOCK", environment.getOrDefault("SSH_AUTH_SOCK", ""));
        String pom = MavenBuild.pom(software, Path.of("/placeholder"), configuration)
                .replace("<repository>/placeholder</repository>", "<repository>" + url + "</repository>");
        MavenBuild.Run run = MavenBuild.run(Files.createDirectories(HERE.resolve("deploy")), pom, goals, variables,
                servers);
        for (String secret : List.of(PASSWORD, PASSPHRASE)) {
            assertThat(run.log()).as("the build log").doesNotContain(secret);
        }
        return run;
    }

    private static MavenBuild.Run src(String software, String url, Path home, String servers, String configuration,
            Map<String, String> environment) throws Exception {
        return maven(List.of("src"), software, url, home, servers, configuration, environment);
    }

    /** The refs of a clone, as git lists them: what a failed fetch must leave as it was. */
    private static List<String> refs(String software) throws Exception {
        Path clone = ItSupport.cachedBuildDir().resolve("sources").resolve(software);
        return HOST.check(Command.of("git", "-C", clone.toString(), "for-each-ref").quietly()).output();
    }

    private static void forget(String software) throws Exception {
        BuildDir.deleteTree(ItSupport.cachedBuildDir().resolve("sources").resolve(software));
        BuildDir.deleteTree(ItSupport.cachedBuildDir().resolve("sources").resolve(software + ".modules"));
    }

    @Test
    void aDeployKeyFromSettingsXmlFetchesOverSsh() throws Exception {
        forget("djdditsshkey");
        Path home = home("deploy-key", servers.knownHostsLine());
        String server = deployKeyServer("company-git", HERE.resolve("keys/deploy"));

        MavenBuild.Run clone = src("djdditsshkey", servers.sshUrl("app.git"), home, server,
                "<repositoryServerId>company-git</repositoryServerId>", Map.of());
        MavenBuild.Run fetch = src("djdditsshkey", servers.sshUrl("app.git"), home, server,
                "<repositoryServerId>company-git</repositoryServerId>", Map.of());

        assertThat(clone.log()).contains("BUILD SUCCESS", "Cloning " + servers.sshUrl("app.git"),
                "Variant default: main is commit ");
        assertThat(fetch.log()).contains("BUILD SUCCESS", "Fetching " + servers.sshUrl("app.git"));
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

    @Test
    void aPasswordFromSettingsXmlTheCredentialStoreOrNetrcFetchesOverHttp() throws Exception {
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
                passwordServer("company-http", PASSWORD), "<repositoryServerId>company-http</repositoryServerId>",
                Map.of());
        MavenBuild.Run store = src("djdditstore", servers.httpUrl("app.git"), home, "", "", Map.of());
        MavenBuild.Run netrc = src("djdditnetrc", servers.httpUrl("app.git"), netrcHome, "", "", Map.of());

        for (MavenBuild.Run run : List.of(settings, store, netrc)) {
            assertThat(run.log()).contains("BUILD SUCCESS", "Variant default: main is commit ");
        }
        assertThat(Files.readString(ItSupport.cachedBuildDir().resolve("sources/djddithttp/config")))
                .doesNotContain(PASSWORD);
    }

    @Test
    void aWrongKeyAnUnknownOrChangedHostKeyOrAWrongPasswordStopsTheGoalAndLeavesTheClone() throws Exception {
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
                passwordServer("company-http", "not-the-" + PASSWORD.substring(5)),
                "<repositoryServerId>company-http</repositoryServerId>", Map.of());

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
        assertThat(refs("djdditfail")).isEqualTo(before);
        assertThat(refs("djdditfailhttp")).isEqualTo(beforeHttp);
    }

    @Test
    void submodulesComeIntoTheSrcPackageWithTheSameCredentialsAndNoSecretIntoAnyPackage() throws Exception {
        forget("djdditsubmod");
        ItSupport.deletePackages("djdditsubmod", name -> true);

        MavenBuild.Run build = maven(List.of("build"), "djdditsubmod", servers.httpUrl("app.git"), home("none", ""),
                passwordServer("company-http", PASSWORD), "<repositoryServerId>company-http</repositoryServerId>"
                        + "<submodules>true</submodules>", Map.of());

        assertThat(build.log()).contains("BUILD SUCCESS", "Built djdditsubmod-src-");
        List<Path> debs;
        try (Stream<Path> files = Files.list(ItSupport.cachedBuildDir().resolve("packages"))) {
            debs = files.filter(file -> file.getFileName().toString().startsWith("djdditsubmod-")
                    && file.toString().endsWith(".deb")).toList();
        }
        Path src = debs.stream().filter(deb -> deb.getFileName().toString().startsWith("djdditsubmod-src-"))
                .findFirst().orElseThrow();
        assertThat(HOST.check(Command.of("dpkg-deb", "--contents", src.toString()).quietly()).output())
                .anyMatch(line -> line.endsWith("/vendor/lib/vendorlib/__init__.py"))
                .noneMatch(line -> line.contains("/.git/"));
        for (Path deb : debs) {
            List<String> argv = new ArrayList<>(List.of("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -xO",
                    "contents", deb.toString()));
            String contents = String.join("\n", HOST.check(Command.of(argv).quietly()).output());
            assertThat(contents).as(deb.getFileName().toString()).doesNotContain(PASSWORD, PASSPHRASE);
        }
    }
}
