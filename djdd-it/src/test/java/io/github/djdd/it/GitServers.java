package io.github.djdd.it;

import io.github.djdd.core.Console;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A company's private git hosting, on the host's loopback: Debian's OpenSSH server, which lets
 * one system user in by public key only, and git's own {@code git http-backend} behind nginx
 * (through fcgiwrap) with HTTP basic authentication. Both serve the same bare repositories: the
 * example site as {@code app.git}, with a submodule {@code lib.git} at {@code vendor/lib} named by
 * a relative URL, as a company's repositories do. The servers run in a mount namespace that shows
 * their folder at {@link #VIEW}, so that the git user reaches its repositories wherever this
 * checkout lies (under root's home, say).
 */
final class GitServers implements AutoCloseable {
    static final String GIT_USER = "djddit-git";
    /** Where the servers see their folder. */
    static final Path VIEW = Path.of("/run/djdd-it-git");
    private static final String IN_VIEW = "mount --bind \"$1\" \"$2\"; shift 2; exec \"$@\"";
    static final String HTTP_USER = "deploy";

    private static final ProcessRunner HOST = new ProcessRunner(Console.NULL);

    final Path dir;
    final Path repos;
    final int sshPort;
    final int httpPort;
    final Path hostKey;
    final String httpPassword;
    private final List<Process> processes = new ArrayList<>();

    private GitServers(Path dir, int sshPort, int httpPort, String httpPassword) {
        this.dir = dir;
        this.repos = VIEW.resolve("repos");
        this.sshPort = sshPort;
        this.httpPort = httpPort;
        this.hostKey = dir.resolve("ssh_host_ed25519_key");
        this.httpPassword = httpPassword;
    }

    /**
     * Starts both servers for the repositories in {@code dir/repos}, letting in the public keys in
     * {@code authorizedKeys} over SSH and {@link #HTTP_USER} with {@code httpPassword} over HTTP.
     */
    static GitServers start(Path dir, List<Path> authorizedKeys, String httpPassword) throws Exception {
        if (!HOST.run(Command.of("id", GIT_USER).quietly()).succeeded()) {
            HOST.check(Command.of("adduser", "--system", "--group", "--shell", "/bin/sh", "--home",
                    "/nonexistent", "--no-create-home", GIT_USER).quietly());
        }
        // a system user's account is locked ("!"), which sshd refuses even for keys: no password instead
        HOST.check(Command.of("usermod", "-p", "*", GIT_USER).quietly());
        Files.createDirectories(VIEW);
        GitServers servers = new GitServers(dir, freePort(), freePort(), httpPassword);
        servers.repositories();
        servers.startSsh(authorizedKeys);
        servers.startHttp();
        return servers;
    }

    /** app.git with the example site and vendor/lib from lib.git (relative URL), both bare. */
    private void repositories() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path lib = Files.createDirectories(work.resolve("lib"));
        Files.writeString(lib.resolve("README"), "a library of the company's\n");
        Files.createDirectories(lib.resolve("vendorlib"));
        Files.writeString(lib.resolve("vendorlib/__init__.py"), "VERSION = 'from the submodule'\n");
        git(lib, "init", "-q", "--initial-branch=main");
        git(lib, "add", "-A");
        git(lib, "commit", "-q", "-m", "lib");
        Path hostRepos = Files.createDirectories(dir.resolve("repos"));
        git(dir, "clone", "-q", "--bare", lib.toString(), hostRepos.resolve("lib.git").toString());
        Path app = SampleProject.create(work, Map.of());
        // As a company's repositories name each other: relative to the superproject's own URL.
        git(app, "-c", "protocol.file.allow=always", "submodule", "add", "-q", hostRepos.resolve("lib.git").toString(),
                "vendor/lib");
        git(app, "commit", "-q", "-m", "vendor/lib as a submodule");
        git(app, "config", "-f", ".gitmodules", "submodule.vendor/lib.url", "../lib.git");
        git(app, "commit", "-q", "-am", "relative submodule URL");
        git(dir, "clone", "-q", "--bare", app.toString(), hostRepos.resolve("app.git").toString());
        // a second branch, for a fetch that has something to fetch
        Path again = Files.createDirectories(work.resolve("again"));
        git(again, "clone", "-q", hostRepos.resolve("app.git").toString(), ".");
        Files.writeString(again.resolve("mysite/version.py"), "CODE_VERSION = \"2\"\n");
        git(again, "commit", "-q", "-am", "two");
        git(again, "push", "-q", "origin", "HEAD:refs/heads/two");
        HOST.check(Command.of("chown", "-R", GIT_USER + ":", hostRepos.toString()).quietly());
    }

    /** The repository's URLs. */
    String sshUrl(String repository) {
        return "ssh://" + GIT_USER + "@127.0.0.1:" + sshPort + repos.resolve(repository);
    }

    String httpUrl(String repository) {
        return "http://127.0.0.1:" + httpPort + "/" + repository;
    }

    /** The known_hosts line of the server's host key. */
    String knownHostsLine() throws IOException {
        String[] key = Files.readString(hostKey.resolveSibling(hostKey.getFileName() + ".pub")).strip().split(" ");
        return "[127.0.0.1]:" + sshPort + " " + key[0] + " " + key[1] + "\n";
    }

    private void startSsh(List<Path> authorizedKeys) throws Exception {
        HOST.check(Command.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()).quietly());
        StringBuilder keys = new StringBuilder();
        for (Path key : authorizedKeys) {
            keys.append(Files.readString(key)).append('\n');
        }
        // sshd's StrictModes: the keys file and its folders root's and written by no one else
        Path authorized = Files.createDirectories(dir.resolve("sshd")).resolve("authorized_keys");
        Files.writeString(authorized, keys);
        Path config = dir.resolve("sshd/sshd_config");
        Files.writeString(config, """
                Port %d
                ListenAddress 127.0.0.1
                HostKey %s
                PidFile %s
                AuthorizedKeysFile %s
                StrictModes no
                AllowUsers %s
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                UsePAM no
                PermitRootLogin no
                """.formatted(sshPort, hostKey, dir.resolve("sshd/sshd.pid"), VIEW.resolve("sshd/authorized_keys"),
                GIT_USER));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("sshd"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createDirectories(Path.of("/run/sshd"));
        processes.add(inView("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectOutput(dir.resolve("sshd/sshd.log").toFile()).start());
        await(sshPort);
    }

    private void startHttp() throws Exception {
        Path nginx = Files.createDirectories(dir.resolve("nginx"));
        Path fcgi = Files.createDirectories(dir.resolve("fcgi"));
        HOST.check(Command.of("chown", GIT_USER + ":", fcgi.toString()).quietly());
        Path socket = fcgi.resolve("fcgiwrap.sock");
        String hash = HOST.check(Command.of("openssl", "passwd", "-apr1", httpPassword).quietly()).output().get(0)
                .strip();
        Files.writeString(nginx.resolve("htpasswd"), HTTP_USER + ":" + hash + "\n");
        Files.writeString(nginx.resolve("nginx.conf"), """
                daemon off;
                user root;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events {}
                http {
                  access_log %1$s/access.log;
                  client_body_temp_path %1$s/body;
                  fastcgi_temp_path %1$s/fastcgi;
                  server {
                    listen 127.0.0.1:%2$d;
                    auth_basic "git";
                    auth_basic_user_file %1$s/htpasswd;
                    location / {
                      include /etc/nginx/fastcgi_params;
                      fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
                      fastcgi_param GIT_PROJECT_ROOT %3$s;
                      fastcgi_param GIT_HTTP_EXPORT_ALL "";
                      fastcgi_param PATH_INFO $uri;
                      fastcgi_param REMOTE_USER $remote_user;
                      fastcgi_pass unix:%4$s;
                    }
                  }
                }
                """.formatted(nginx, httpPort, repos, socket));
        // git http-backend runs as the repositories' owner, as on a git server
        processes.add(inView("setpriv", "--reuid=" + GIT_USER, "--regid=" + GIT_USER, "--clear-groups", "--",
                "fcgiwrap", "-s", "unix:" + VIEW.resolve("fcgi/fcgiwrap.sock")).redirectOutput(
                nginx.resolve("fcgiwrap.log").toFile()).start());
        for (int i = 0; i < 100 && !Files.exists(socket); i++) {
            Thread.sleep(50);
        }
        processes.add(new ProcessBuilder("nginx", "-p", nginx.toString(), "-c", nginx.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(nginx.resolve("nginx.log").toFile()).start());
        await(httpPort);
    }

    /** A server process in a private mount namespace where {@link #VIEW} shows this fixture's folder. */
    private ProcessBuilder inView(String... command) {
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                IN_VIEW, "in-view", dir.toString(), VIEW.toString()));
        argv.addAll(List.of(command));
        return new ProcessBuilder(argv).redirectErrorStream(true);
    }

    static void git(Path dir, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=djdd it", "-c",
                "user.email=it@example.org"));
        argv.addAll(List.of(args));
        HOST.check(Command.of(argv).withEnvironment(Map.of("GIT_COMMITTER_DATE", Instant.parse(
                "2026-11-01T12:00:00Z").toString(), "GIT_AUTHOR_DATE", "2026-11-01T12:00:00Z"))
                .withTimeout(Duration.ofMinutes(2)).quietly());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void await(int port) throws Exception {
        for (int i = 0; i < 200; i++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nothing listens on 127.0.0.1:" + port);
    }

    @Override
    public void close() throws Exception {
        for (Process process : processes) {
            process.destroy();
            process.waitFor();
        }
        BuildDir.deleteQuietly(dir.resolve("fcgi/fcgiwrap.sock"));
    }
}
