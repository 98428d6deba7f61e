package io.github.djdd.it;

import static io.github.djdd.it.SiteServers.PORT;
import static io.github.djdd.it.SiteServers.TRICKY;
import static io.github.djdd.it.SiteServers.awaitBody;
import static io.github.djdd.it.SiteServers.awaitOk;
import static io.github.djdd.it.SiteServers.blue;
import static io.github.djdd.it.SiteServers.both;
import static io.github.djdd.it.SiteServers.hash;
import static io.github.djdd.it.SiteServers.install;
import static io.github.djdd.it.SiteServers.publish;
import static io.github.djdd.it.SiteServers.red;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.project.PublishRequest;
import io.github.djdd.core.publish.AptlyServer;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.publish.TestDebs;
import io.github.djdd.core.site.SiteVariant;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodDescriptor;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages on a real server: pristine servers of the ITs' suite (Debian 13), booted with
 * systemd as PID 1 ({@link BootedTarget}), install the site packages from an APT repository with
 * plain apt-get, and the tests talk to the running sites through nginx, as their users would.
 * Scenarios share a server where they leave each other alone ({@link SiteServers}). Scenarios
 * with a server of their own (those that take a scenario folder) run first, so that the shared
 * server, which they power off, is booted once; no scenario depends on the order. Install, two
 * tenants and the upgrade under load run on bookworm too ({@link BookwormServerIT}).
 */
@TestMethodOrder(ServerIT.OwnServersFirst.class)
@ExtendWith(ScenarioTimes.class)
@Order(1)
class ServerIT {
    /** Scenarios with a server of their own (a {@code Path} parameter) first, the rest by name. */
    static final class OwnServersFirst implements MethodOrderer {
        @Override
        public void orderMethods(MethodOrdererContext context) {
            context.getMethodDescriptors().sort(Comparator
                    .comparing((MethodDescriptor method) -> !Arrays.asList(method.getMethod().getParameterTypes())
                            .contains(Path.class))
                    .thenComparing(method -> method.getMethod().getName()));
        }
    }

    @TempDir
    static Path dir;

    private static SiteServers servers;
    /** Where the server's nginx serves the signed repository. */
    private static final int REPOSITORY_PORT = 8089;
    /** Where the server's nginx serves aptly's publication. */
    private static final int APTLY_PORT = 8091;

    @BeforeAll
    static void makeTheUpstream() throws Exception {
        servers = new SiteServers(ItSupport.SUITE, dir);
    }

    @AfterAll
    static void powerOffTheSharedServer() throws Exception {
        servers.close();
    }

    /**
     * What a site's own memcached holds under {@code key}, asked over its text protocol on its
     * socket, as {@code user} on the server: the output, or the error that kept the user out.
     */
    private static String memcached(BootedTarget server, String user, String socket, String key) throws Exception {
        return String.join("\n", server.run("runuser", "-u", user, "--", "python3", "-c", String.join("\n",
                "import socket, sys",
                "s = socket.socket(socket.AF_UNIX)",
                "try:",
                "    s.connect(sys.argv[1])",
                "except OSError as e:",
                "    sys.exit(type(e).__name__)",
                "s.sendall(b'get ' + sys.argv[2].encode() + b'\\r\\n')",
                "out = b''",
                "while not out.endswith(b'END\\r\\n'):",
                "    out += s.recv(4096)",
                "print(out.decode('latin-1'))"), socket, key).output());
    }

    @Test
    void installRunsEveryServiceAndTheSiteAnswersThroughNginx() throws Exception {
        installRunsEveryServiceAndTheSiteAnswersThroughNginx(servers);
    }

    static void installRunsEveryServiceAndTheSiteAnswersThroughNginx(SiteServers servers) throws Exception {
        List<BuiltPackage> blue1 = servers.release("main", blue("blue"));
        servers.onShared(server -> {
            publish(server, blue1);
            install(server, "djddit-site-blue");

            for (String unit : List.of("djddit-blue.socket", "nginx", "postgresql", "rabbitmq-server")) {
                server.check("systemctl", "is-active", "--quiet", unit);
            }
            sandboxed(server, List.of("djddit-blue-memcached.service", "djddit-blue.service",
                    "djddit-blue-celery.service"));
            SiteClient site = new SiteClient("blue.example.com", PORT);
            HttpResponse<String> page = site.get("/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("code version 1", "No notes yet.");

            HttpResponse<String> css = site.get("/static/notes/style.css");
            assertThat(css.statusCode()).isEqualTo(200);
            assertThat(css.body()).isEqualTo(Files.readString(SampleProject.SITE.resolve("notes/static/notes/style.css")));
            assertThat(css.headers().firstValue("Cache-Control")).as("nginx's expires, not Django")
                    .contains("max-age=604800");

            HttpResponse<String> uploaded = site.upload("/upload/", "hello.txt", "uploaded through nginx\n");
            assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
            assertThat(server.root().resolve("var/lib/djddit-site/blue/media/uploads/hello.txt"))
                    .hasContent("uploaded through nginx\n");
            assertThat(site.get("/media/uploads/hello.txt").body()).isEqualTo("uploaded through nginx\n");
            assertThat(site.get("/media/uploads/hello.txt").headers().firstValue("Content-Disposition")).isEmpty();
            // An upload that would run script in the site's origin: sandboxed, never sniffed, a download.
            for (String name : List.of("page.html", "image.svg")) {
                assertThat(site.upload("/upload/", name, "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>"
                        + "fetch('/api/notes/', {method: 'POST'})</script></svg>\n").statusCode()).isEqualTo(201);
                HttpResponse<String> active = site.get("/media/uploads/" + name);
                assertThat(active.statusCode()).isEqualTo(200);
                assertThat(active.headers().firstValue("Content-Security-Policy")).as(name)
                        .contains("sandbox; default-src 'none'");
                assertThat(active.headers().firstValue("X-Content-Type-Options")).as(name).contains("nosniff");
                assertThat(active.headers().firstValue("Content-Disposition")).as(name).contains("attachment");
            }
            Files.writeString(server.root().resolve("var/lib/djddit-site/blue/media/uploads/.htpasswd"), "x:y\n");
            assertThat(site.get("/media/uploads/.htpasswd").statusCode()).as("dotfiles are not served").isEqualTo(404);
            assertThat(server.sh("cd / && runuser -u postgres -- psql -Atc \"SELECT"
                    + " has_database_privilege('public', 'djddit-blue', 'CONNECT')\"").output())
                    .as("no other role may even connect to the site's database").containsExactly("f");

            HttpResponse<String> note = site.post("/api/notes/", Map.of("text", "for the worker"));
            assertThat(note.statusCode()).as(note.body()).isEqualTo(201);
            String id = note.body().replaceAll("\\D", "");
            String processed = awaitBody(() -> site.get("/api/notes/" + id + "/").body(), "\"processed\": true");
            assertThat(processed).as("the Celery worker ran the task").contains("\"processed\": true");
            assertThat(site.get("/").body()).contains("<li class=\"processed\">for the worker</li>");

            assertThat(site.get("/cache/?value=cached-" + id).body()).contains("\"value\": \"cached-" + id + "\"",
                    "\"backend\": \"MemcachedCache\"");
            String cache = "/run/djddit-site/blue-cache/memcached.sock";
            assertThat(memcached(server, "djddit-blue", cache, "djddit-blue:1:probe"))
                    .contains("VALUE djddit-blue:1:probe", "cached-" + id);
            server.check("systemctl", "is-active", "--quiet", "djddit-blue-memcached.service");
            for (String stranger : List.of("nobody", "www-data")) {
                assertThat(memcached(server, stranger, cache, "djddit-blue:1:probe")).as(stranger + " and the cache")
                        .contains("PermissionError").doesNotContain("cached-");
            }

            assertThat(Files.readString(server.root().resolve("etc/djddit-site/blue/env")))
                    .contains("DATABASE=\"djddit-blue\"");
            String sbom = Files.readString(server.root().resolve("usr/share/djddit-env/" + hash(blue1, 0)
                    + "/sbom.cdx.json"));
            assertThat(sbom).as("the env's SBOM").contains("\"bomFormat\" : \"CycloneDX\"",
                    "\"purl\" : \"pkg:pypi/django@", "\"purl\" : \"pkg:pypi/gunicorn@", "\"alg\" : \"SHA-256\"");
            assertThat(server.sh("cd / && runuser -u postgres -- psql -Atc 'SELECT datname FROM pg_database'")
                    .output()).contains("djddit-blue");

            for (String unit : List.of("djddit-blue.service", "djddit-blue-celery.service")) {
                assertThat(environmentOf(server, unit)).as(unit).contains("DJDD_IT_TRICKY=" + TRICKY);
            }
            assertThat(server.check("djddit-blue", "manage", "shell", "-c",
                    "import os; print(os.environ['DJDD_IT_TRICKY'].encode().hex())").output())
                    .as("the control utility's shell reads the environment file as systemd does")
                    .contains(HexFormat.of().formatHex(TRICKY.getBytes(StandardCharsets.UTF_8)));
        });
    }

    /** The environment of the unit's main process, byte for byte, one entry per variable. */
    private static List<String> environmentOf(BootedTarget server, String unit) throws Exception {
        String pid = server.check("systemctl", "show", "--property=MainPID", "--value", unit).output().get(0).strip();
        String encoded = server.check("base64", "--wrap=0", "/proc/" + pid + "/environ").output().get(0).strip();
        return List.of(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).split("\0"));
    }

    @Test
    void controlUtilityStartsStopsAndTakesTheSiteOffline() throws Exception {
        List<BuiltPackage> release = servers.release("main", blue("control"));
        servers.onShared(server -> {
            publish(server, release);
            install(server, "djddit-site-control");
            SiteClient site = new SiteClient("control.example.com", PORT);

            CommandResult status = server.check("djddit-control", "status");
            for (String unit : List.of("djddit-control-memcached.service", "djddit-control.socket",
                    "djddit-control.service", "djddit-control-celery.service", "postgresql", "rabbitmq-server",
                    "nginx")) {
                assertThat(status.output()).anyMatch(line -> line.matches(Pattern.quote(unit) + " +active"));
            }
            assertThat(status.output()).as("Debian's own memcached is not the site's").noneMatch(line ->
                    line.startsWith("memcached "));

            server.check("djddit-control", "offline");
            HttpResponse<String> offline = site.get("/");
            assertThat(offline.statusCode()).isEqualTo(503);
            assertThat(offline.body()).contains("Down for maintenance");
            server.check("djddit-control", "online");
            assertThat(site.get("/").statusCode()).isEqualTo(200);

            server.check("djddit-control", "restart");
            awaitOk(site, "/");
            server.check("djddit-control", "reload");
            awaitOk(site, "/");

            server.check("systemctl", "stop", "djddit-control.socket", "djddit-control.service",
                    "djddit-control-celery.service");
            assertThat(server.run("djddit-control", "status").exitCode()).isEqualTo(3);
            HttpResponse<String> down = site.get("/");
            assertThat(down.statusCode()).isEqualTo(502);
            assertThat(down.body()).contains("Down for maintenance");
            server.check("djddit-control", "start");
            assertThat(server.run("djddit-control", "status").exitCode()).isZero();
            awaitOk(site, "/");

            assertThat(server.check("djddit-control", "manage", "check").output())
                    .contains("System check identified no issues (0 silenced).");
            assertThat(server.check("djddit-control", "version").output()).anyMatch(line -> line.startsWith("src  "
                    + hash(release, 1))).anyMatch(line -> line.startsWith("env  " + hash(release, 0)));
            CommandResult unknown = server.run("djddit-control", "frobnicate");
            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.output()).contains("Usage: djddit-control COMMAND [ARGS]");
        });
    }

    @Test
    void twoVariantsFromDifferentCommitsLiveSideBySide() throws Exception {
        twoVariantsFromDifferentCommitsLiveSideBySide(servers);
    }

    /** Variants left (commit 1) and right (commit 2, the same requirements): two sites, one env. */
    static void twoVariantsFromDifferentCommitsLiveSideBySide(SiteServers servers) throws Exception {
        List<BuiltPackage> left1 = servers.release("main", blue("left"));
        List<BuiltPackage> right1 = servers.release("main", red("right"));
        List<BuiltPackage> right2 = servers.release("v2", red("right"));
        assertThat(right1.get(1).name()).as("variants on one commit share its src package").isEqualTo(left1.get(1).name());
        assertThat(right2.get(0).name()).as("commits with the same requirements share the env").isEqualTo(
                left1.get(0).name());
        servers.onShared(server -> {
            publish(server, both(left1, right2));
            install(server, "djddit-site-left", "djddit-site-right");

            assertThat(new SiteClient("left.example.com", PORT).get("/health/").body()).isEqualTo("ok 1\n");
            assertThat(new SiteClient("right.example.com", PORT).get("/health/").body()).isEqualTo("ok 2\n");
            server.check("getent", "passwd", "djddit-left");
            server.check("getent", "passwd", "djddit-right");
            assertThat(server.sh("cd / && runuser -u postgres -- psql -Atc 'SELECT datname FROM pg_database'")
                    .output()).contains("djddit-left", "djddit-right");
            server.check("test", "-S", "/run/djddit-site/left/gunicorn.sock");
            server.check("test", "-S", "/run/djddit-site/right/gunicorn.sock");
            assertThat(server.root().resolve("etc/nginx/sites-enabled/djddit-left")).exists();
            assertThat(server.root().resolve("etc/nginx/sites-enabled/djddit-right")).exists();
            assertThat(server.check("djddit-left", "version").output())
                    .anyMatch(line -> line.startsWith("src  " + hash(left1, 1)))
                    .anyMatch(line -> line.startsWith("env  " + hash(left1, 0)));
            assertThat(server.check("djddit-right", "version").output())
                    .anyMatch(line -> line.startsWith("src  " + hash(right2, 1)))
                    .anyMatch(line -> line.startsWith("env  " + hash(left1, 0)));
            server.check("djddit-right", "manage", "migrate", "--noinput");
            assertThat(new SiteClient("right.example.com", PORT).get("/").body()).contains("code version 2");

            // Neighbours: the right site's user gets nothing of the left site's.
            String asRight = "cd / && runuser -u djddit-right -- ";
            for (String attempt : List.of("cat /etc/djddit-site/left/secrets.env",
                    "sh -c 'echo SECRET_KEY=mine >> /etc/djddit-site/left/secrets.env'",
                    "touch /var/lib/djddit-site/left/media/planted",
                    "psql -X -d djddit-left -c 'SELECT 1'")) {
                CommandResult refused = server.run("sh", "-c", asRight + attempt);
                assertThat(refused.exitCode()).as(attempt).isNotZero();
                assertThat(String.join("\n", refused.output())).as(attempt).containsAnyOf("Permission denied",
                        "permission denied for database");
            }
            assertThat(memcached(server, "djddit-right", "/run/djddit-site/left-cache/memcached.sock", "x"))
                    .as("the right site's user and the left site's cache").contains("PermissionError");
        });
    }

    @Test
    void upgradesUnderLoadDropNoRequest() throws Exception {
        upgradesUnderLoadDropNoRequest(servers);
    }

    static void upgradesUnderLoadDropNoRequest(SiteServers servers) throws Exception {
        List<BuiltPackage> load1 = servers.release("main", blue("load"));
        List<BuiltPackage> load2 = servers.release("v2", blue("load"));
        List<BuiltPackage> load3 = servers.release("v3", blue("load"));
        servers.onShared(server -> {
            publish(server, load1);
            install(server, "djddit-site-load");
            SiteClient site = new SiteClient("load.example.com", PORT);
            awaitOk(site, "/health/");
            String report;
            List<String> failures;
            try (SiteClient.Load load = site.load("/health/", 24)) {
                load.awaitServed(1000);
                publish(server, load2);
                long start = System.nanoTime();
                server.check("apt-get", "install", "--yes", "djddit-site-load");
                System.out.printf("[measure] upgrade to a new src: %.1f s%n", (System.nanoTime() - start) / 1e9);
                publish(server, load3);
                start = System.nanoTime();
                server.check("apt-get", "install", "--yes", "djddit-site-load");
                System.out.printf("[measure] upgrade to a new env: %.1f s%n", (System.nanoTime() - start) / 1e9);
                // Requests after the switch to the new env are answered too.
                load.awaitServed(load.served() + 1000);
                report = load.stop();
                failures = load.failures();
                assertThat(load.served()).isGreaterThan(100);
            }
            System.out.println("[measure] load during two upgrades, 24 clients: " + report);
            assertThat(failures).as(report).isEmpty();
            assertThat(site.get("/health/").body()).isEqualTo("ok 3\n");
            assertThat(server.check("djddit-load", "version").output())
                    .anyMatch(line -> line.startsWith("src  " + hash(load3, 1)))
                    .anyMatch(line -> line.startsWith("env  " + hash(load3, 0)));
            // v3 is a uv project: its env is the lock's set, each file pinned by its hash
            assertThat(server.check("cat", "/usr/share/djddit-env/" + hash(load3, 0) + "/requirements.txt").output())
                    .anyMatch(line -> line.startsWith("packaging==") && line.contains(" --hash=sha256:"));
        });
    }

    /**
     * djdd:publish's repository, served by the server's nginx and trusted through its key alone
     * (no trusted=yes): install, upgrade and roll back under load; an index or a package altered
     * after publishing is refused by apt and changes nothing installed.
     */
    @Test
    void aSignedRepositoryInstallsUpgradesRollsBackAndRefusesAlteredFiles() throws Exception {
        List<BuiltPackage> v1 = servers.release("main", blue("signed"));
        Path key = TestDebs.gpgKey(Files.createDirectories(dir.resolve("signing")), "it", "");
        servers.onShared(server -> {
            Path folder = server.repository(server.suite()).resolveSibling("signed");
            servers.publishSigned(folder, key, blue("signed"));
            server.check("apt-get", "update");
            server.check("apt-get", "install", "--yes", "nginx");
            Files.writeString(server.root().resolve("etc/nginx/sites-enabled/djddit-repository"), "server {\n"
                    + "    listen 127.0.0.1:" + REPOSITORY_PORT + ";\n    root /srv/djdd-repo/signed;\n"
                    + "    location ~ /\\. { deny all; }\n}\n");
            server.check("systemctl", "reload-or-restart", "nginx");
            Files.copy(folder.resolve("djddit-archive-keyring.gpg"),
                    server.root().resolve("usr/share/keyrings/djddit-archive-keyring.gpg"));
            Path sources = server.root().resolve("etc/apt/sources.list.d/djddit-signed.sources");
            Files.writeString(sources, "Types: deb\nURIs: http://127.0.0.1:" + REPOSITORY_PORT + "/\nSuites: "
                    + server.suite() + "\nComponents: main\n"
                    + "Signed-By: /usr/share/keyrings/djddit-archive-keyring.gpg\n");
            try {
                install(server, "djddit-site-signed");
                SiteClient site = new SiteClient("signed.example.com", PORT);
                awaitOk(site, "/health/");
                String first = version(server, "djddit-site-signed");

                servers.release("v2", blue("signed"));
                updatesDuringPublishes(server, () -> servers.publishSigned(folder, key, blue("signed")));
                server.check("apt-get", "update");
                String report;
                List<String> failures;
                try (SiteClient.Load load = site.load("/health/", 20)) {
                    load.awaitServed(500);
                    long start = System.nanoTime();
                    server.check("apt-get", "install", "--yes", "djddit-site-signed");
                    System.out.printf("[measure] upgrade from the signed repository: %.1f s%n",
                            (System.nanoTime() - start) / 1e9);
                    assertThat(site.get("/health/").body()).isEqualTo("ok 2\n");
                    start = System.nanoTime();
                    server.check("apt-get", "install", "--yes", "--allow-downgrades", "djddit-site-signed=" + first);
                    System.out.printf("[measure] rollback to the previous site version: %.1f s%n",
                            (System.nanoTime() - start) / 1e9);
                    load.awaitServed(load.served() + 500);
                    report = load.stop();
                    failures = load.failures();
                }
                System.out.println("[measure] load during the upgrade and the rollback, 20 clients: " + report);
                assertThat(failures).as(report).isEmpty();
                assertThat(site.get("/health/").body()).as("the rolled back code serves").isEqualTo("ok 1\n");
                assertThat(server.check("djddit-signed", "version").output())
                        .anyMatch(line -> line.startsWith("src  " + hash(v1, 1)));

                // An index altered after signing: apt refuses it and keeps what it had.
                Path indices = folder.resolve("dists/" + server.suite() + "/main/binary-amd64");
                Map<Path, byte[]> original = new java.util.HashMap<>();
                try (var files = Files.walk(indices)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        original.put(file, Files.readAllBytes(file));
                        Files.writeString(file, "Package: djddit-site-signed\nVersion: 99\n",
                                java.nio.file.StandardOpenOption.APPEND);
                    }
                }
                // apt fetches indices only when InRelease changes: a client new to the repository does.
                server.sh("rm -f /var/lib/apt/lists/127.0.0.1:" + REPOSITORY_PORT + "_*");
                CommandResult mismatch = server.run("apt-get", "update");
                assertThat(mismatch.exitCode()).as("an altered Packages").isNotZero();
                assertThat(String.join("\n", mismatch.output())).contains("E: Failed to fetch http://127.0.0.1:"
                        + REPOSITORY_PORT + "/dists/");
                for (Map.Entry<Path, byte[]> file : original.entrySet()) {
                    Files.write(file.getKey(), file.getValue());
                }
                Path inRelease = folder.resolve("dists/" + server.suite() + "/InRelease");
                byte[] signed = Files.readAllBytes(inRelease);
                Files.writeString(inRelease, new String(signed, StandardCharsets.UTF_8).replaceFirst("Origin: djddit",
                        "Origin: other"));
                assertThat(server.run("apt-get", "update").exitCode()).as("an altered InRelease").isNotZero();
                Files.write(inRelease, signed);

                // A package altered in the pool: apt refuses to install it.
                String v3 = hash(servers.release("v3", blue("signed")), 1);
                servers.publishSigned(folder, key, blue("signed"));
                server.check("apt-get", "update");
                Path pooled;
                try (var files = Files.walk(folder.resolve("pool"))) {
                    pooled = files.filter(file -> file.getFileName().toString().startsWith("djddit-site-signed_")
                            && file.getFileName().toString().contains("+g" + v3)).findFirst().orElseThrow();
                }
                Files.writeString(pooled, "tampered", java.nio.file.StandardOpenOption.APPEND);
                CommandResult refused = server.run("apt-get", "install", "--yes", "djddit-site-signed");
                assertThat(refused.exitCode()).as(String.join("\n", refused.output())).isNotZero();
                assertThat(String.join("\n", refused.output())).contains("E: Failed to fetch http://127.0.0.1:"
                        + REPOSITORY_PORT + "/pool/");
                assertThat(version(server, "djddit-site-signed")).isEqualTo(first);
                awaitOk(site, "/health/");
            } finally {
                Files.deleteIfExists(sources);
                server.check("apt-get", "update");
            }
        });
    }

    /**
     * djdd:publish into a local repository of a real aptly server on the host, whose publication
     * (signed by aptly's own key) the server's nginx serves: the site installs from it, trusted
     * through aptly's key alone.
     */
    @Test
    void anAptlyPublicationInstallsTheSite() throws Exception {
        servers.release("main", red("aptly"));
        servers.onShared(server -> {
            Path folder = Files.createDirectories(server.repository(server.suite()).resolveSibling("aptly"));
            Path sources = server.root().resolve("etc/apt/sources.list.d/djddit-aptly.sources");
            try (AptlyServer aptly = AptlyServer.start(folder)) {
                Path publication = aptly.createPublished("djddit-" + server.suite(), server.suite());
                // aptly on the host, over loopback: plain http is allowed with aptlyInsecure
                servers.publish(new PublishRequest.Aptly(aptly.url(), "djddit-" + server.suite(), Optional.empty(),
                        Optional.empty(), new char[0], true), red("aptly"));
                server.check("apt-get", "install", "--yes", "nginx");
                Files.writeString(server.root().resolve("etc/nginx/sites-enabled/djddit-aptly"), "server {\n"
                        + "    listen 127.0.0.1:" + APTLY_PORT + ";\n    root /srv/djdd-repo/"
                        + folder.getParent().relativize(aptly.publications()) + ";\n}\n");
                server.check("systemctl", "reload-or-restart", "nginx");
                aptly.keyring(server.root().resolve("usr/share/keyrings/djddit-aptly.gpg"));
                Files.writeString(sources, "Types: deb\nURIs: http://127.0.0.1:" + APTLY_PORT + "/"
                        + publication.getFileName() + "/\nSuites: "
                        + server.suite() + "\nComponents: main\nSigned-By: /usr/share/keyrings/djddit-aptly.gpg\n");

                install(server, "djddit-site-aptly");

                assertThat(server.check("apt-cache", "policy", "djddit-site-aptly").output())
                        .anyMatch(line -> line.contains("http://127.0.0.1:" + APTLY_PORT + "/" + publication.getFileName() + " "
                                + server.suite() + "/main"));
                awaitOk(new SiteClient("aptly.example.com", PORT), "/health/");
            } finally {
                Files.deleteIfExists(sources);
                server.check("apt-get", "update");
            }
        });
    }

    /** Something a scenario does while the server does something else. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /**
     * 20 APT clients on the server, each with lists of its own, run {@code apt-get update}
     * against the signed repository in a loop while {@code publish} runs three times; none may
     * fail or warn.
     */
    private static void updatesDuringPublishes(BootedTarget server, Action publish) throws Exception {
        int clients = 20;
        server.check("systemd-run", "--unit", "djddit-apt-clients", "--collect", "sh", "-c", "for i in $(seq "
                + clients + "); do (d=/var/tmp/apt-client-$i; mkdir -p $d/parts $d/lists/partial $d/cache/archives/partial;"
                + " cp /etc/apt/sources.list.d/djddit-signed.sources $d/parts/; n=0;"
                + " while [ ! -e /var/tmp/apt-clients-stop ] && [ $n -lt 200 ]; do n=$((n + 1));"
                + " if out=$(apt-get -q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$d/parts"
                + " -o Dir::State::Lists=$d/lists -o Dir::Cache=$d/cache -o Debug::NoLocking=1 update 2>&1)"
                + " && ! printf '%s' \"$out\" | grep -q '^[EW]:'; then echo ok >> $d/log;"
                + " else printf 'failed: %s\\n' \"$out\" | tr '\\n' ' ' >> $d/log; echo >> $d/log; fi; done) & done; wait");
        // /var/tmp: trixie's /tmp is a tmpfs of the server's own.
        Path tmp = server.root().resolve("var/tmp");
        try {
            long done = awaitUpdates(tmp, clients, clients);
            for (int i = 0; i < 3; i++) {
                publish.run();
                done = awaitUpdates(tmp, clients, done + clients);
            }
        } finally {
            Files.writeString(tmp.resolve("apt-clients-stop"), "");
            server.run("sh", "-c", "while systemctl --quiet is-active djddit-apt-clients; do sleep 0.1; done");
        }
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 1; i <= clients; i++) {
            lines.addAll(Files.readAllLines(tmp.resolve("apt-client-" + i + "/log")));
        }
        System.out.printf("[measure] apt-get update by %d clients during 3 publishes: %d updates, %d failed%n",
                clients, lines.size(), lines.stream().filter(line -> !line.equals("ok")).count());
        assertThat(lines).as("updates during publishes").allMatch(line -> line.equals("ok"));
    }

    /** Waits until the clients in {@code tmp} have finished {@code count} updates in all; returns how many. */
    private static long awaitUpdates(Path tmp, int clients, long count) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(3).toNanos();
        while (true) {
            long done = 0;
            for (int i = 1; i <= clients; i++) {
                Path log = tmp.resolve("apt-client-" + i + "/log");
                done += Files.exists(log) ? Files.readAllLines(log).size() : 0;
            }
            if (done >= count) {
                return done;
            }
            assertThat(System.nanoTime()).as("the APT clients' updates").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static String version(BootedTarget server, String name) throws Exception {
        return server.check("dpkg-query", "-W", "-f", "${Version}", name).output().get(0);
    }

    @Test
    void migrationsRunOnUpgradeOnlyWhereTheVariantSaysSo() throws Exception {
        List<BuiltPackage> first = both(servers.release("main", blue("migrating")), servers.release("main", red("manual")));
        List<BuiltPackage> next = both(servers.release("migration", blue("migrating")), servers.release("migration", red("manual")));
        servers.onShared(server -> {
            publish(server, first);
            install(server, "djddit-site-migrating", "djddit-site-manual");
            server.check("djddit-manual", "manage", "migrate", "--noinput");
            publish(server, next);

            CommandResult blue = server.check("apt-get", "install", "--yes", "djddit-site-migrating");
            assertThat(blue.output()).anyMatch(line -> line.contains("applying migrations"));
            assertThat(server.check("djddit-migrating", "manage", "showmigrations", "notes").output())
                    .anyMatch(line -> line.contains("[X] 0002_note_priority"));

            CommandResult red = server.check("apt-get", "install", "--yes", "djddit-site-manual");
            assertThat(red.output()).anyMatch(line -> line.contains("djddit-site-manual: the database has unapplied"
                    + " migrations; migrate is false for this variant, so apply them yourself: djddit-manual manage"
                    + " migrate"));
            assertThat(server.check("djddit-manual", "manage", "showmigrations", "notes").output())
                    .anyMatch(line -> line.contains("[ ] 0002_note_priority"));
            assertThat(new SiteClient("manual.example.com", PORT).get("/health/").body()).isEqualTo("ok 4\n");
        });
    }

    /** autoremove's result covers every env and src package installed: a server of its own. */
    @Test
    void autoremoveRemoveAndPurgeKeepWhatIsInUseAndTheData(@TempDir Path scenario) throws Exception {
        List<BuiltPackage> blue1 = servers.release("main", blue("blue"));
        List<BuiltPackage> blue2 = servers.release("v2", blue("blue"));
        List<BuiltPackage> blue3 = servers.release("v3", blue("blue"));
        try (BootedTarget server = servers.own(scenario, blue1)) {
            install(server, "djddit-site-blue");
            publish(server, blue2);
            server.check("apt-get", "install", "--yes", "djddit-site-blue");
            publish(server, blue3);
            server.check("apt-get", "install", "--yes", "djddit-site-blue");
            server.check("apt-get", "autoremove", "--yes");
            assertThat(server.sh("dpkg-query -W -f '${Package} ${db:Status-Status}\\n' 'djddit-src-*' 'djddit-env-*'"
                    + " | grep ' installed$' | cut -d' ' -f1").output())
                    .containsExactlyInAnyOrder(blue3.get(0).name(), blue3.get(1).name());

            SiteClient site = new SiteClient("blue.example.com", PORT);
            String id = site.post("/api/notes/", Map.of("text", "survives purge")).body().replaceAll("\\D", "");
            assertThat(site.upload("/upload/", "kept.txt", "kept\n").statusCode()).isEqualTo(201);

            server.check("apt-get", "remove", "--yes", "djddit-site-blue");
            assertThat(server.run("systemctl", "is-active", "djddit-blue.service").output()).contains("inactive");
            assertThat(server.run("systemctl", "is-active", "djddit-blue.socket").output()).contains("inactive");
            assertThat(server.root().resolve("etc/nginx/sites-enabled/djddit-blue")).doesNotExist();

            server.check("apt-get", "purge", "--yes", "djddit-site-blue");
            assertThat(server.root().resolve("etc/djddit-site/blue")).doesNotExist();
            assertThat(server.root().resolve("var/log/nginx/djddit-blue.access.log")).doesNotExist();
            assertThat(server.check("rabbitmqctl", "--quiet", "list_users").output())
                    .noneMatch(line -> line.startsWith("djddit-blue\t"));
            assertThat(server.root().resolve("var/log/djddit-site/blue")).doesNotExist();
            assertThat(server.root().resolve("var/lib/djddit-site/blue/media/uploads/kept.txt")).hasContent("kept\n");
            assertThat(server.sh("cd / && runuser -u postgres -- psql -Atc 'SELECT datname FROM pg_database'")
                    .output()).contains("djddit-blue");

            server.check("apt-get", "install", "--yes", "djddit-site-blue");
            awaitOk(site, "/health/");
            assertThat(site.get("/api/notes/" + id + "/").body()).contains("survives purge");
            assertThat(site.get("/media/uploads/kept.txt").body()).isEqualTo("kept\n");
        }
    }

    /**
     * A variant with TLS, a media host of its own and Celery beat: until its certificate is there,
     * port 80 answers certbot's challenges and 503 for the rest (the site never serves plain HTTP
     * with {@code HTTPS=on}); then HTTPS with Mozilla's intermediate configuration (no suite without
     * forward secrecy, no CBC; testssl.sh's grade printed), HSTS, and a 301 from port 80 to the
     * configured names only; every unit of it in djdd's sandbox at an exposure of at most 2.0; the
     * queue password on no command line; purge takes certbot's folder too. Its plain-HTTP port is
     * its own, so its blocks are that port's default server, which a request for any other host
     * name reaches.
     */
    @Test
    void aTlsVariantServesHttpsOnceItsCertificateIsThereAndEveryUnitIsSandboxed(@TempDir Path scenario)
            throws Exception {
        aTlsVariantServesHttpsOnceItsCertificateIsThereAndEveryUnitIsSandboxed(servers, scenario, true);
    }

    /** @param grade whether testssl.sh rates the HTTPS port: Debian 12's testssl.sh 3.0 has no rating */
    static void aTlsVariantServesHttpsOnceItsCertificateIsThereAndEveryUnitIsSandboxed(SiteServers servers,
            Path scenario, boolean grade) throws Exception {
        int http = PORT + 1;
        int https = 18443;
        SiteVariant secure = SiteVariant.builder(new VariantName("secure")).serverName("secure.example.com")
                .listen("" + http).tlsCertificate("/etc/ssl/djddit/secure.pem")
                .tlsCertificateKey("/etc/ssl/djddit/secure.key").tlsListen("" + https)
                .mediaServerName("media.secure.example.com").migrate(true).celeryBeat(true).workers("2").celeryWorkers("1").build();
        List<BuiltPackage> release = servers.release("main", secure);
        Path certificate = scenario.resolve("secure.pem");
        Path key = scenario.resolve("secure.key");
        ItSupport.check(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=secure.example.com", "-addext",
                "subjectAltName=DNS:secure.example.com,DNS:media.secure.example.com",
                "-keyout", key.toString(), "-out", certificate.toString()));
        servers.onShared(server -> {
            publish(server, release);
            // Every command line on the server while the site sets up its queue user, as root sees them.
            Files.writeString(server.root().resolve("root/cmdlines.py"), String.join("\n",
                    "import glob, signal, sys, time",
                    "seen = set()",
                    "def done(*args):",
                    "    with open('/root/cmdlines', 'w') as out:",
                    "        out.write('\\n'.join(sorted(seen)))",
                    "    sys.exit(0)",
                    "signal.signal(signal.SIGTERM, done)",
                    "while True:",
                    "    for name in glob.glob('/proc/[0-9]*/cmdline'):",
                    "        try:",
                    "            with open(name, 'rb') as f:",
                    "                seen.add(f.read().replace(b'\\0', b' ').decode('latin-1'))",
                    "        except OSError:",
                    "            pass",
                    "    time.sleep(0.002)",
                    ""));
            server.check("apt-get", "install", "--yes", "python3"); // the watcher's; the env brings it anyway
            server.check("systemd-run", "--unit=djddit-cmdlines", "--property=Type=exec", "python3",
                    "/root/cmdlines.py");
            CommandResult installed = install(server, "djddit-site-secure");
            server.check("systemctl", "stop", "djddit-cmdlines");
            String password = server.sh("sed -n 's|^CELERY_BROKER_URL=\"amqp://[^:]*:\\([0-9a-f]*\\)@.*|\\1|p'"
                    + " /etc/djddit-site/secure/secrets.env").output().get(0).strip();
            assertThat(password).hasSize(64);
            String commandLines = Files.readString(server.root().resolve("root/cmdlines"));
            assertThat(commandLines).as("the install ran rabbitmqctl").contains("import_definitions");
            assertThat(commandLines).as("the queue password on a command line").doesNotContain(password);

            // No certificate yet: port 80 answers certbot's challenge and 503 for the site, and the install says so.
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(installed.output()).anyMatch(line -> line.contains("WARNING: the TLS certificate"
                    + " /etc/ssl/djddit/secure.pem or its key /etc/ssl/djddit/secure.key is not there, so the site is"
                    + " not served yet"));
            SiteClient plain = new SiteClient("secure.example.com", http);
            for (SiteClient name : List.of(plain, new SiteClient("media.secure.example.com", http))) {
                HttpResponse<String> waiting = name.get("/health/");
                softly.assertThat(waiting.statusCode()).as("the site over plain HTTP before its certificate")
                        .isEqualTo(503);
                softly.assertThat(waiting.body()).doesNotContain("ok 1").contains("served over HTTPS only");
            }
            Path challenge = server.root().resolve("var/lib/djddit-site/secure/acme/.well-known/acme-challenge/t0k3n");
            Files.createDirectories(challenge.getParent());
            Files.writeString(challenge, "t0k3n.thumbprint");
            softly.assertThat(plain.get("/.well-known/acme-challenge/t0k3n").body()).isEqualTo("t0k3n.thumbprint");
            softly.assertThat(new SiteClient("media.secure.example.com", http).get("/.well-known/acme-challenge/t0k3n")
                    .body()).as("one certificate for both names").isEqualTo("t0k3n.thumbprint");

            // The certificate arrives; certbot's deploy hook runs the reload: HTTPS only.
            Path ssl = Files.createDirectories(server.root().resolve("etc/ssl/djddit"));
            Files.copy(certificate, ssl.resolve("secure.pem"));
            Files.copy(key, ssl.resolve("secure.key"));
            server.check("env", "RENEWED_LINEAGE=/etc/ssl/djddit", "RENEWED_DOMAINS=secure.example.com"
                    + " media.secure.example.com", "sh", "-c", "djddit-secure reload");
            HttpResponse<String> redirect = plain.get("/health/?x=1");
            // nginx's reload is a signal: its new workers take over a moment after systemctl returns.
            for (int i = 0; i < 100 && redirect.statusCode() != 301; i++) {
                Thread.sleep(50);
                redirect = plain.get("/health/?x=1");
            }
            softly.assertThat(redirect.statusCode()).isEqualTo(301);
            softly.assertThat(redirect.headers().firstValue("Location"))
                    .contains("https://secure.example.com:" + https + "/health/?x=1");
            softly.assertThat(new SiteClient("attacker.example", http).get("/login/").headers().firstValue("Location"))
                    .as("a redirect for a host name the site does not have").isNotEqualTo(Optional.of("https://"
                            + "attacker.example:" + https + "/login/")).contains("https://secure.example.com:" + https
                            + "/login/");
            softly.assertThat(new SiteClient("media.secure.example.com", http).get("/a.png").headers()
                    .firstValue("Location")).contains("https://media.secure.example.com:" + https + "/a.png");
            softly.assertThat(plain.get("/.well-known/acme-challenge/t0k3n").body())
                    .as("renewals still answer on port 80").isEqualTo("t0k3n.thumbprint");
            List<String> health = curl(certificate, "secure.example.com", https, "/health/");
            softly.assertThat(health).contains("HTTP/1.1 200 OK", "ok 1")
                    .anyMatch(line -> line.equalsIgnoreCase("Strict-Transport-Security: max-age=63072000"));
            // What an attacker on the path would have the client take: suites without forward secrecy, CBC with SHA-1.
            for (String suite : List.of("AES128-SHA", "AES128-GCM-SHA256", "ECDHE-RSA-AES128-SHA",
                    "ECDHE-RSA-AES256-SHA384")) {
                CommandResult handshake = ItSupport.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + https,
                        "-servername", "secure.example.com", "-tls1_2", "-cipher", suite), Map.of(),
                        Duration.ofSeconds(30));
                softly.assertThat(handshake.exitCode()).as("a TLS 1.2 handshake with " + suite).isNotZero();
            }
            if (grade) {
                testssl(server, softly, https, "secure.example.com");
            }
            softly.assertAll();
            assertThat(Files.readString(server.root().resolve("etc/djddit-site/secure/env"))).contains("HTTPS=\"on\"",
                    "MEDIA_HOST=\"media.secure.example.com\"");
            Files.writeString(server.root().resolve("var/lib/djddit-site/secure/media/page.html"),
                    "<script>alert(1)</script>\n");
            List<String> media = curl(certificate, "media.secure.example.com", https, "/page.html");
            assertThat(media).contains("HTTP/1.1 200 OK", "<script>alert(1)</script>")
                    .anyMatch(line -> line.equalsIgnoreCase("Content-Security-Policy: sandbox; default-src 'none'"))
                    .anyMatch(line -> line.equalsIgnoreCase("Content-Disposition: attachment"))
                    .anyMatch(line -> line.equalsIgnoreCase("Strict-Transport-Security: max-age=63072000"));
            assertThat(curl(certificate, "media.secure.example.com", https, "/missing.html"))
                    .contains("HTTP/1.1 404 Not Found");

            // gunicorn, Celery and beat work in the sandbox: a task runs, beat keeps its schedule.
            List<String> note = curl(certificate, "secure.example.com", https, "/api/notes/", "-d",
                    "text=through TLS");
            assertThat(note).contains("HTTP/1.1 201 Created");
            String id = note.get(note.size() - 1).replaceAll("\\D", "");
            String processed = awaitBody(() -> String.join("\n", curl(certificate, "secure.example.com", https,
                    "/api/notes/" + id + "/")), "\"processed\": true");
            assertThat(processed).as("the Celery worker ran the task").contains("\"processed\": true");
            // Python's shelve names the files after the dbm module it finds: beat-schedule on Debian 13,
            // not so on Debian 12 (beat-schedule.db, or .dat, .dir and .bak).
            try (Stream<Path> schedule = Files.list(server.root().resolve("var/lib/djddit-site/secure/celery"))) {
                assertThat(schedule.map(file -> file.getFileName().toString())).as("beat's schedule")
                        .anyMatch(name -> name.startsWith("beat-schedule"));
            }
            List<String> units = List.of("djddit-secure-memcached.service", "djddit-secure.service",
                    "djddit-secure-celery.service", "djddit-secure-celerybeat.service");
            sandboxed(server, units);

            server.check("apt-get", "purge", "--yes", "djddit-site-secure");
            assertThat(server.root().resolve("var/lib/djddit-site/secure/acme")).as("certbot's folder after purge")
                    .doesNotExist();
        });
    }

    /**
     * testssl.sh (Debian's package) on the server against the HTTPS port, trusting the test's
     * certificate: the checks its rating needs (protocols, cipher categories, forward secrecy,
     * server defaults, headers, the vulnerabilities it weighs, each cipher), its grade printed.
     */
    static void testssl(BootedTarget server, SoftAssertions softly, int port, String host) throws Exception {
        server.check("apt-get", "install", "--yes", "testssl.sh");
        long start = System.nanoTime();
        String binary = server.run("test", "-x", "/usr/bin/testssl").exitCode() == 0 ? "testssl" : "testssl.sh";
        List<String> report = server.run(binary, "--quiet", "--color", "0", "--warnings", "off", "-p", "-s", "-f",
                "-S", "-h", "-H", "-I", "-T", "-BB", "-R", "-C", "-O", "-Z", "-D", "-A", "-4", "-J", "-e",
                "--add-ca", "/etc/ssl/djddit/secure.pem", "--ip", "127.0.0.1", host + ":" + port).output();
        String grade = report.stream().filter(line -> line.strip().startsWith("Overall Grade")).findFirst()
                .orElse("no grade: " + String.join("\n", report));
        System.out.printf("[measure] %s on %s (%.0f s): %s%n", binary, server.suite(), (System.nanoTime() - start) / 1e9,
                grade.strip().replaceAll(" +", " "));
        for (String category : List.of("Obsoleted CBC ciphers", "Strong encryption (AEAD ciphers) with no FS",
                "Triple DES Ciphers", "LOW: 64 Bit")) {
            softly.assertThat(report).as(category).anyMatch(line -> line.strip().startsWith(category)
                    && line.contains("not offered"));
        }
        softly.assertThat(grade).as("testssl.sh's grade").contains("A+");
    }

    /** Each unit is active and rated at most 2.0 by the target's own {@code systemd-analyze security}; the scores printed. */
    static void sandboxed(BootedTarget server, List<String> units) throws Exception {
        for (String unit : units) {
            server.check("systemctl", "is-active", "--quiet", unit);
            String exposure = server.check("systemd-analyze", "security", "--no-pager", unit).output().stream()
                    .filter(line -> line.contains("Overall exposure level")).findFirst().orElseThrow();
            System.out.println("systemd-analyze security on " + server.suite() + ": " + exposure.strip());
            Matcher score = Pattern.compile("level for \\S+: ([0-9.]+)").matcher(exposure);
            assertThat(score.find()).as(exposure).isTrue();
            assertThat(Double.parseDouble(score.group(1))).as(exposure).isLessThanOrEqualTo(2.0);
        }
    }

    /** {@code curl} on the host over HTTPS to {@code host}, trusting only {@code certificate}: headers and body lines. */
    private static List<String> curl(Path certificate, String host, int port, String path, String... options)
            throws Exception {
        List<String> argv = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--include", "--http1.1",
                "--cacert", certificate.toString(), "--resolve", host + ":" + port + ":127.0.0.1"));
        argv.addAll(List.of(options));
        argv.add("https://" + host + ":" + port + path);
        return ItSupport.check(argv).output().stream().map(String::strip).toList();
    }

    /** The operations guide's way to remove a tenant: nothing without its name typed, everything with it. */
    @Test
    void destroyRemovesATenantAndAllItsDataOnlyOnceItsNameIsTyped() throws Exception {
        List<BuiltPackage> release = servers.release("main", blue("doomed"));
        servers.onShared(server -> {
            publish(server, release);
            install(server, "djddit-site-doomed");
            SiteClient site = new SiteClient("doomed.example.com", PORT);
            assertThat(site.upload("/upload/", "keep.txt", "data\n").statusCode()).isEqualTo(201);
            String traces = "cd / && runuser -u postgres -- psql -Atc \"SELECT 'database ' || datname FROM pg_database"
                    + " WHERE datname = 'djddit-doomed' UNION ALL SELECT 'role ' || rolname FROM pg_roles WHERE"
                    + " rolname = 'djddit-doomed'\"; rabbitmqctl --quiet list_vhosts | sed -n 's/^djddit-doomed$/vhost &/p';"
                    + " rabbitmqctl --quiet list_users | cut -f1 | sed -n 's/^djddit-doomed$/queue user &/p';"
                    + " getent passwd djddit-doomed | sed 's/:.*/ system user/'; getent group djddit-doomed"
                    + " | sed 's/:.*/ system group/'; ls -d /var/lib/djddit-site/doomed /etc/djddit-site/doomed"
                    + " /var/log/djddit-site/doomed /etc/nginx/sites-enabled/djddit-doomed 2>/dev/null;"
                    + " dpkg-query -W -f '${Status}\\n' djddit-site-doomed 2>/dev/null | sed 's/^/package /'";
            List<String> before = server.sh(traces).output();
            assertThat(before).contains("database djddit-doomed", "role djddit-doomed", "vhost djddit-doomed",
                    "queue user djddit-doomed", "djddit-doomed system user", "/var/lib/djddit-site/doomed",
                    "package install ok installed");

            CommandResult refused = server.run("sh", "-c", "echo doomed | djddit-doomed destroy");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.output()).anyMatch(line -> line.contains("djddit-doomed destroy: not confirmed ('doomed'"
                    + " is not djddit-doomed); nothing was removed."));
            assertThat(server.sh(traces).output()).isEqualTo(before);
            assertThat(site.get("/media/uploads/keep.txt").body()).isEqualTo("data\n");

            CommandResult destroyed = server.check("sh", "-c", "echo djddit-doomed | djddit-doomed destroy");
            assertThat(destroyed.output()).anyMatch(line -> line.contains("djddit-site-doomed is gone with its data."));
            assertThat(server.sh(traces).output()).as("nothing of the tenant is left").isEmpty();
        });
    }

    @Test
    void configuringAgainChangesNothingAndKeepsTheSecretKey() throws Exception {
        List<BuiltPackage> release = servers.release("main", blue("again"));
        servers.onShared(server -> {
            publish(server, release);
            install(server, "djddit-site-again");
            String snapshot = "find /etc/djddit-site /var/lib/djddit-site /srv/djddit-site /etc/nginx/sites-enabled"
                    + " /etc/systemd/system -path '*/media/*' -prune -o -printf '%p %m %u %g %l\\n' | sort;"
                    + " cat /etc/djddit-site/again/secrets.env;"
                    + " cd / && runuser -u postgres -- psql -Atc \"SELECT datname FROM pg_database ORDER BY 1\";"
                    + " rabbitmqctl --quiet list_vhosts | sort";
            List<String> before = server.sh(snapshot).output();

            server.check("dpkg-reconfigure", "djddit-site-again");
            server.sh("/var/lib/dpkg/info/djddit-site-again.postinst configure"
                    + " \"$(dpkg-query -W -f '${Version}' djddit-site-again)\"");

            assertThat(server.sh(snapshot).output()).isEqualTo(before);
            Matcher key = Pattern.compile("SECRET_KEY=\"([0-9a-f]{64})\"").matcher(String.join("\n", before));
            assertThat(key.find()).isTrue();
            awaitOk(new SiteClient("again.example.com", PORT), "/");
        });
    }

    @Test
    void anAdminsEditedServerBlockAndDisabledSiteSurviveNonInteractiveUpgrades() throws Exception {
        List<BuiltPackage> edited1 = servers.release("main", blue("edited"));
        List<BuiltPackage> edited2 = servers.release("v2", blue("edited"));
        List<BuiltPackage> edited3 = servers.release("v3", blue("edited"));
        servers.onShared(server -> {
            publish(server, edited1);
            install(server, "djddit-site-edited");
            Path block = server.root().resolve("etc/nginx/sites-available/djddit-edited");
            Files.writeString(block, Files.readString(block).replace("client_max_body_size 25m;",
                    "client_max_body_size 50m; # the admin's"));
            server.check("systemctl", "reload", "nginx");

            // unattended-upgrades' way: no terminal, no --force-conf* option; a conffile question would fail it
            publish(server, edited2);
            CommandResult upgraded = server.check("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install",
                    "--yes", "djddit-site-edited");
            assertThat(upgraded.output()).noneMatch(line -> line.contains("Configuration file"))
                    .anyMatch(line -> line.contains("djddit-site-edited: Django's deployment checks (manage.py check"
                            + " --deploy) say, for the admin to weigh:"))
                    .anyMatch(line -> line.contains("(security.W004)"));
            assertThat(block).content().contains("client_max_body_size 50m; # the admin's");
            SiteClient site = new SiteClient("edited.example.com", PORT);
            assertThat(site.get("/health/").body()).isEqualTo("ok 2\n");

            Files.delete(server.root().resolve("etc/nginx/sites-enabled/djddit-edited"));
            server.check("systemctl", "reload", "nginx");
            publish(server, edited3);
            CommandResult disabled = server.check("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install",
                    "--yes", "djddit-site-edited");
            assertThat(disabled.output()).anyMatch(line -> line.contains("djddit-site-edited: the site is disabled in"
                    + " nginx (no /etc/nginx/sites-enabled/djddit-edited), and stays so"));
            assertThat(server.root().resolve("etc/nginx/sites-enabled/djddit-edited")).doesNotExist();
            assertThat(server.check("djddit-edited", "version").output()).anyMatch(line -> line.contains(
                    edited3.get(2).file().getFileName().toString().split("_")[1]));
        });
    }

    @Test
    void secretsAreSetOnTheServerNeverInThePackageAndReachEveryProcess() throws Exception {
        SiteVariant variant = SiteVariant.builder(new VariantName("secret")).serverName("secret.example.com")
                .listen("" + PORT).celery(false).queue(false).cache(false).secrets(List.of("DJDD_IT_API_TOKEN"))
                .build();
        List<BuiltPackage> release = servers.release("main", variant);
        servers.onShared(server -> {
            publish(server, release);
            CommandResult installed = server.check("apt-get", "install", "--yes", "djddit-site-secret");
            assertThat(installed.output()).anyMatch(line -> line.contains("djddit-site-secret: the secret"
                    + " DJDD_IT_API_TOKEN is not set; set it with: djddit-secret secret set DJDD_IT_API_TOKEN"));
            assertThat(server.check("stat", "-c", "%a %U %G", "/etc/djddit-site/secret/env").output())
                    .containsExactly("640 root djddit-secret");
            SiteClient site = new SiteClient("secret.example.com", PORT);
            awaitOk(site, "/health/");

            String value = "to\"k$en `id` \\x";
            CommandResult set = server.sh("printf '%s\\n' '" + value + "' | djddit-secret secret set DJDD_IT_API_TOKEN");
            assertThat(set.output()).contains("djddit-secret: DJDD_IT_API_TOKEN set; the site's services restarted");
            assertThat(environmentOf(server, "djddit-secret.service")).contains("DJDD_IT_API_TOKEN=" + value);
            assertThat(server.check("djddit-secret", "manage", "shell", "-c",
                    "import os; print(os.environ['DJDD_IT_API_TOKEN'])").output()).contains(value);
            assertThat(server.check("djddit-secret", "secret", "list").output())
                    .anyMatch(line -> line.matches("DJDD_IT_API_TOKEN +set"));
            assertThat(new String(Files.readAllBytes(release.get(2).file()), StandardCharsets.ISO_8859_1))
                    .doesNotContain("to\"k");

            String key = "grep '^SECRET_KEY=' /etc/djddit-site/secret/secrets.env";
            List<String> before = server.sh(key).output();
            server.check("djddit-secret", "secret", "rotate", "SECRET_KEY");
            assertThat(server.sh(key).output()).isNotEqualTo(before).singleElement().asString()
                    .matches("SECRET_KEY=\"[0-9a-f]{64}\"");
            awaitOk(site, "/health/");
            assertThat(environmentOf(server, "djddit-secret.service")).contains("DJDD_IT_API_TOKEN=" + value);

            CommandResult refused = server.run("djddit-secret", "secret", "set", "OTHER_TOKEN");
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.output()).anyMatch(line -> line.contains("'OTHER_TOKEN' is not one of this site's"
                    + " secrets (DJDD_IT_API_TOKEN)"));
        });
    }

    // Faults on the server: the running version keeps serving and no data is lost.

    @Test
    void aFailingCreateDatabaseStopsTheInstallWithPostgresqlsMessageAndCompletesLater() throws Exception {
        List<BuiltPackage> release = servers.release("main", blue("nodb"));
        servers.onShared(server -> {
            publish(server, release);
            server.check("apt-get", "install", "--yes", "postgresql");
            // CREATE DATABASE copies template1, and refuses while another session is connected to it.
            server.sh("cd / && (runuser -u postgres -- psql -d template1 -c 'SELECT pg_sleep(600)' >/dev/null 2>&1 &)");
            String sessions = "cd / && runuser -u postgres -- psql -Atc \"SELECT count(*) FROM pg_stat_activity"
                    + " WHERE datname = 'template1' AND pid <> pg_backend_pid()\"";
            for (int i = 0; i < 300 && !server.sh(sessions).output().contains("1"); i++) {
                Thread.sleep(20);
            }
            try {
                CommandResult failed = server.run("apt-get", "install", "--yes", "djddit-site-nodb");

                assertThat(failed.exitCode()).isNotZero();
                assertThat(failed.output()).anyMatch(line -> line.contains("djddit-site-nodb: setting up the PostgreSQL"
                        + " role and database djddit-nodb failed, so the site stays on the version it runs."))
                        .anyMatch(line -> line.contains("is being accessed by other users"));
                assertThat(server.root().resolve("var/lib/djddit-site/nodb/src")).as("no code switched in")
                        .doesNotExist();
            } finally {
                server.sh("cd / && runuser -u postgres -- psql -Atc \"SELECT pg_terminate_backend(pid) FROM"
                        + " pg_stat_activity WHERE datname = 'template1'\"");
            }
            server.check("apt-get", "install", "--fix-broken", "--yes");
            awaitOk(new SiteClient("nodb.example.com", PORT), "/health/");
        });
    }

    @Test
    void upgradeWithPostgresqlStoppedFailsSaysWhatToDoAndCompletesLater() throws Exception {
        List<BuiltPackage> stopped1 = servers.release("main", blue("stopped"));
        List<BuiltPackage> stopped2 = servers.release("v2-again", blue("stopped"));
        servers.onShared(server -> {
            publish(server, stopped1);
            install(server, "djddit-site-stopped");
            SiteClient site = new SiteClient("stopped.example.com", PORT);
            String id = site.post("/api/notes/", Map.of("text", "written before")).body().replaceAll("\\D", "");
            server.check("systemctl", "stop", "postgresql");
            publish(server, stopped2);

            CommandResult failed = server.run("apt-get", "install", "--yes", "djddit-site-stopped");
            assertThat(failed.exitCode()).isNotZero();
            assertThat(failed.output()).anyMatch(line -> line.contains("djddit-site-stopped: PostgreSQL is not running,"
                    + " so the database djddit-stopped cannot be set up. Start it (systemctl start postgresql), then"
                    + " finish the installation with 'dpkg --configure -a' (or apt-get install -f)."));
            assertThat(site.get("/health/").body()).as("the previous version keeps serving").isEqualTo("ok 1\n");

            server.check("systemctl", "start", "postgresql");
            server.check("apt-get", "install", "--fix-broken", "--yes");
            assertThat(site.get("/health/").body()).isEqualTo("ok 2\n");
            assertThat(site.get("/api/notes/" + id + "/").body()).contains("written before");
        });
    }

    @Test
    void failingMigrationKeepsTheOldCodeServingUntilAFixedReleaseInstalls() throws Exception {
        List<BuiltPackage> failing1 = servers.release("main", blue("failing"));
        List<BuiltPackage> bad = servers.release("bad-migration", blue("failing"));
        List<BuiltPackage> fixed = servers.release("fixed-migration", blue("failing"));
        servers.onShared(server -> {
            publish(server, failing1);
            install(server, "djddit-site-failing");
            SiteClient site = new SiteClient("failing.example.com", PORT);
            publish(server, bad);

            CommandResult failed = server.run("apt-get", "install", "--yes", "djddit-site-failing");
            assertThat(failed.exitCode()).isNotZero();
            assertThat(failed.output()).anyMatch(line -> line.contains("RuntimeError: djdd test: this migration fails"))
                    .anyMatch(line -> line.contains("djddit-site-failing: migrate failed (Django's error is above);"
                            + " the site stays on the version it runs."));
            assertThat(site.get("/health/").body()).isEqualTo("ok 1\n");
            assertThat(server.check("djddit-failing", "version").output())
                    .anyMatch(line -> line.startsWith("src  " + hash(failing1, 1)));

            publish(server, fixed);
            server.check("apt-get", "install", "--yes", "djddit-site-failing");
            assertThat(site.get("/health/").body()).isEqualTo("ok 6\n");
            assertThat(server.check("djddit-failing", "manage", "showmigrations", "notes").output())
                    .anyMatch(line -> line.contains("[X] 0002_data"));
        });
    }

    /** Kills dpkg: a server of its own. */
    @Test
    void dpkgKilledDuringAnUpgradeLeavesOneConsistentVersion(@TempDir Path scenario) throws Exception {
        List<BuiltPackage> blue1 = servers.release("main", blue("blue"));
        List<BuiltPackage> blue3 = servers.release("v3", blue("blue"));
        try (BootedTarget server = servers.own(scenario, blue1)) {
            install(server, "djddit-site-blue");
            SiteClient site = new SiteClient("blue.example.com", PORT);
            publish(server, blue3);

            // The power cut: SIGKILL to dpkg while it unpacks the new env's thousands of files.
            server.run("sh", "-c", "apt-get install --yes djddit-site-blue & apt=$!;"
                    + " until [ -e /usr/lib/djddit-env/" + hash(blue3, 0) + " ]; do sleep 0.01; done;"
                    + " pkill -KILL -x dpkg; wait $apt; exit 0");
            assertThat(server.run("dpkg", "--audit").output()).as("dpkg knows the unpack was cut").isNotEmpty();
            assertThat(site.get("/health/").body()).as("the old version serves after the cut").isEqualTo("ok 1\n");
            assertThat(server.check("djddit-blue", "version").output())
                    .anyMatch(line -> line.startsWith("src  " + hash(blue1, 1)))
                    .anyMatch(line -> line.startsWith("env  " + hash(blue1, 0)));

            server.check("dpkg", "--configure", "-a");
            server.check("apt-get", "install", "--fix-broken", "--yes");
            server.check("apt-get", "install", "--yes", "djddit-site-blue");
            assertThat(site.get("/health/").body()).isEqualTo("ok 3\n");
            assertThat(server.check("djddit-blue", "version").output())
                    .anyMatch(line -> line.startsWith("src  " + hash(blue3, 1)))
                    .anyMatch(line -> line.startsWith("env  " + hash(blue3, 0)));
        }
    }
}
