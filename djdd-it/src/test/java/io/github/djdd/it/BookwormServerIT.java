package io.github.djdd.it;

import static io.github.djdd.it.SiteServers.PORT;
import static io.github.djdd.it.SiteServers.awaitBody;
import static io.github.djdd.it.SiteServers.awaitOk;
import static io.github.djdd.it.SiteServers.blue;
import static io.github.djdd.it.SiteServers.hash;
import static io.github.djdd.it.SiteServers.install;
import static io.github.djdd.it.SiteServers.publish;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.store.BuiltPackage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian 12 servers: packages built in a bookworm root install, live side by side and upgrade
 * under load as on Debian 13 ({@link ServerIT}'s scenarios, run here on bookworm), {@code manage}
 * runs in the units' sandbox with bookworm's systemd-run ({@link TenantSecurityIT}'s), HTTPS loads
 * on bookworm's nginx and OpenSSL, and a bookworm server running a site
 * moves to trixie with {@code apt-get full-upgrade}, keeping its data.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ScenarioTimes.class)
@Order(2)
class BookwormServerIT {
    private static final String BOOKWORM = "bookworm";
    private static final String TRIXIE = "trixie";

    @TempDir
    static Path dir;

    private static SiteServers servers;

    @BeforeAll
    static void makeTheUpstream() throws Exception {
        servers = new SiteServers(BOOKWORM, dir);
    }

    @AfterAll
    static void powerOffTheSharedServer() throws Exception {
        servers.close();
    }

    @Test
    @Order(0)
    void bookwormsLintianFindsNoErrorsInPackagesBuiltForIt(@TempDir Path scratch) throws Exception {
        Lintian.assertNoErrors(BOOKWORM, scratch, servers.release("main", blue("blue")).stream()
                .map(BuiltPackage::file).toList());
    }

    @Test
    @Order(1)
    void twoVariantsFromDifferentCommitsLiveSideBySide() throws Exception {
        ServerIT.twoVariantsFromDifferentCommitsLiveSideBySide(servers);
    }

    @Test
    @Order(2)
    void installRunsEveryServiceAndTheSiteAnswersThroughNginx() throws Exception {
        ServerIT.installRunsEveryServiceAndTheSiteAnswersThroughNginx(servers);
    }

    @Test
    @Order(3)
    void upgradesUnderLoadDropNoRequest() throws Exception {
        ServerIT.upgradesUnderLoadDropNoRequest(servers);
    }

    /** systemd-run 252 expands $ and handles terminals as 257 does; the same sandbox, the same arguments. */
    @Test
    @Order(4)
    void manageRunsInTheSandboxOfTheSitesUnitsAndGetsNoHoldOfRootsTerminal() throws Exception {
        TenantSecurityIT.manageRunsInTheSandboxOfTheSitesUnitsAndGetsNoHoldOfRootsTerminal(servers);
    }

    /**
     * nginx 1.22 with OpenSSL 3.0 (no ML-KEM group) loads the HTTPS block and refuses the weak suites;
     * no grade: bookworm's testssl.sh 3.0 rates nothing ({@link ServerIT} prints trixie's).
     */
    @Test
    @Order(5)
    void aTlsVariantServesHttpsOnceItsCertificateIsThereAndEveryUnitIsSandboxed(@TempDir Path scenario)
            throws Exception {
        ServerIT.aTlsVariantServesHttpsOnceItsCertificateIsThereAndEveryUnitIsSandboxed(servers, scenario, false);
    }

    /**
     * Last on the shared server, which it upgrades: the site built for bookworm runs with a row, an
     * upload and its generated secrets; the server's sources move to trixie and to the repository
     * of the same commit built for trixie; {@code apt-get full-upgrade} under load. The trixie
     * site package sorts higher than the bookworm one, so apt takes it with its new env.
     */
    @Test
    @Order(6)
    void aServerUpgradedFromDebian12To13ServesTheSameDataOnTheNewEnv() throws Exception {
        List<BuiltPackage> bookworm = servers.release("main", blue("moving"));
        List<BuiltPackage> trixie = servers.release(TRIXIE, "main", blue("moving"));
        assertThat(trixie.get(0).name()).as("an env per Python").isNotEqualTo(bookworm.get(0).name());
        servers.onShared(server -> {
            publish(server, bookworm);
            install(server, "djddit-site-moving");
            SiteClient site = new SiteClient("moving.example.com", PORT);
            String id = site.post("/api/notes/", Map.of("text", "written on Debian 12")).body().replaceAll("\\D", "");
            assertThat(site.upload("/upload/", "moved.txt", "uploaded on Debian 12\n").statusCode()).isEqualTo(201);
            String secrets = server.check("cat", "/etc/djddit-site/moving/secrets.env").output().toString();

            // RabbitMQ 4.0 cannot start on 3.10's data (RabbitMQ upgrades through 3.13 only), and a
            // Celery broker holds no state a site needs once its queues are drained: the documented
            // step moves the old node's data aside; each site's configure adds its vhost and user again.
            server.sh("timeout 60 sh -c 'until [ -z \"$(rabbitmqctl --quiet list_queues --no-table-headers"
                    + " -p djddit-moving messages | grep -vx 0)\" ]; do sleep 0.2; done'"
                    + " && systemctl stop rabbitmq-server && mv /var/lib/rabbitmq/mnesia /var/lib/rabbitmq/mnesia-bookworm");
            new AptRepository(server.repository(TRIXIE)).publish(trixie);
            server.check("dpkg", "--compare-versions", version(trixie.get(2)), "gt",
                    version(bookworm.get(2)));
            server.sh("sed -i 's/bookworm/trixie/g' /etc/apt/sources.list /etc/apt/sources.list.d/djdd.list");
            String report;
            String unavailable;
            List<String> failures;
            // 8 clients, each pausing 50 ms: a request every 8 ms or so, most CPU left for dpkg.
            try (SiteClient.Load load = site.load("/health/", 8, Duration.ofMillis(50))) {
                load.awaitServed(200);
                long start = System.nanoTime();
                server.check("apt-get", "update");
                // The full upgrade alone, without the release notes' minimal upgrade first: systemd,
                // Python and the sites change in one dpkg run, the harder case for the sites' scripts.
                server.check("apt-get", "full-upgrade", "--yes", "-o", "Dpkg::Options::=--force-confdef", "-o",
                        "Dpkg::Options::=--force-confold");
                System.out.printf("[measure] apt-get full-upgrade from Debian 12 to 13: %.1f s%n",
                        (System.nanoTime() - start) / 1e9);
                load.awaitServed(load.served() + 200);
                unavailable = load.unavailable();
                report = load.stop();
                failures = load.failures();
            }
            System.out.println("[measure] the site during the upgrade to Debian 13, 8 clients: " + report + ", "
                    + unavailable);
            System.out.println("[measure] failed requests (first 5): " + failures.stream().limit(5).toList());

            assertThat(server.check("cat", "/etc/debian_version").output().get(0)).startsWith("13.");
            awaitOk(site, "/health/");
            assertThat(site.get("/api/notes/" + id + "/").body()).contains("written on Debian 12");
            assertThat(site.get("/media/uploads/moved.txt").body()).isEqualTo("uploaded on Debian 12\n");
            String task = site.post("/api/notes/", Map.of("text", "for the worker on Debian 13")).body()
                    .replaceAll("\\D", "");
            String processed = awaitBody(() -> site.get("/api/notes/" + task + "/").body(), "\"processed\": true");
            assertThat(processed).as("Celery on the new env, through RabbitMQ 4").contains("\"processed\": true");
            assertThat(server.check("cat", "/etc/djddit-site/moving/secrets.env").output().toString())
                    .isEqualTo(secrets);
            assertThat(server.check("djddit-moving", "version").output())
                    .anyMatch(line -> line.startsWith("env  " + hash(trixie, 0)));
            assertThat(server.check("/usr/lib/djddit-env/" + hash(trixie, 0) + "/bin/python", "--version").output())
                    .anyMatch(line -> line.startsWith("Python 3.13."));
            assertThat(server.check("dpkg-query", "-W", "-f", "${Version}", "djddit-site-moving").output())
                    .containsExactly(version(trixie.get(2)));

            server.check("apt-get", "autoremove", "--yes");
            assertThat(server.run("dpkg-query", "-W", "-f", "${db:Status-Status}", bookworm.get(0).name()).output())
                    .as("the bookworm env goes with autoremove").noneMatch(line -> line.contains("installed")
                            && !line.contains("not-installed"));
            assertThat(server.check("dpkg-query", "-W", "-f", "${db:Status-Status}", trixie.get(1).name()).output())
                    .as("the same commit's src serves on").containsExactly("installed");
            assertThat(server.check("pg_lsclusters", "--no-header").output())
                    .as("PostgreSQL's old cluster keeps the data until the admin runs pg_upgradecluster")
                    .anyMatch(line -> line.matches("15 +main +5432 +online.*"));
            awaitOk(site, "/health/");
        });
    }

    private static String version(BuiltPackage deb) throws Exception {
        return new String(new ProcessBuilder("dpkg-deb", "--field", deb.file().toString(), "Version").start()
                .getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
