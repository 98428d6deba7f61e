package io.github.djdd.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.workspace.BuildDir;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real aptly API server; packages made by dpkg-deb; aptly's signatures checked by gpgv. */
class AptlyRepositoryTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static AptlyServer aptly;
    private static int repositories;
    /** The publication of the repository the test made last. */
    private Path publication;

    @BeforeAll
    static void startAptly() throws Exception {
        aptly = AptlyServer.start(shared);
    }

    @AfterAll
    static void stopAptly() throws Exception {
        aptly.close();
    }

    /** A new local repository of the software mysoftware, published as {@code suite}. */
    private AptlyRepository repository(String suite) throws Exception {
        String name = "mysoftware-" + suite + "-" + ++repositories;
        publication = aptly.createPublished(name, suite);
        return AptlyRepository.of(aptly.url(), name, "mysoftware", Optional.empty(), Optional.empty(), new char[0],
                true, Console.NULL);
    }

    private String published(String suite) throws Exception {
        return Files.readString(publication.resolve("dists/" + suite + "/main/binary-amd64/Packages"));
    }

    private String inRelease(String suite) throws Exception {
        return Files.readString(publication.resolve("dists/" + suite + "/InRelease"));
    }

    @Test
    void addsThePackagesAndUpdatesThePublicationThatAptlySigns() throws Exception {
        AptlyRepository repository = repository("trixie");
        List<Path> v1 = TestDebs.release(dir, "mysoftware-site-berlin", "1", "mysoftware-env-aaaa",
                "mysoftware-src-1111");

        Published first = repository.publish("trixie", v1, 5);
        Published again = repository.publish("trixie", v1, 5);

        assertThat(first.added()).containsExactlyInAnyOrder("mysoftware-env-aaaa 1 amd64", "mysoftware-src-1111 1 all",
                "mysoftware-site-berlin 1 all");
        assertThat(again.added()).isEmpty();
        assertThat(again.present()).hasSize(3);
        assertThat(published("trixie")).contains("Package: mysoftware-site-berlin", "Package: mysoftware-env-aaaa",
                "Package: mysoftware-src-1111");
        TestDebs.run(List.of("gpgv", "--keyring", aptly.keyring(dir.resolve("aptly.gpg")).toString(),
                publication.resolve("dists/trixie/InRelease").toString()));
        try (var uploads = Files.list(shared.resolve("aptly-root/upload"))) {
            assertThat(uploads).as("aptly's upload folders").isEmpty();
        }
    }

    @Test
    void keepsTheNewestSiteVersionsAndWhatTheyNeed() throws Exception {
        AptlyRepository repository = repository("trixie");
        repository.publish("trixie", TestDebs.release(dir, "mysoftware-site-berlin", "1", "mysoftware-env-aaaa",
                "mysoftware-src-1111"), 2);
        repository.publish("trixie", TestDebs.release(dir, "mysoftware-site-berlin", "2", "mysoftware-env-bbbb",
                "mysoftware-src-2222"), 2);
        Published third = repository.publish("trixie", TestDebs.release(dir, "mysoftware-site-berlin", "3",
                "mysoftware-env-bbbb", "mysoftware-src-3333"), 2);

        assertThat(third.dropped()).containsExactlyInAnyOrder("mysoftware-site-berlin 1 all",
                "mysoftware-env-aaaa 1 amd64", "mysoftware-src-1111 1 all");
        assertThat(published("trixie")).doesNotContain("mysoftware-env-aaaa", "mysoftware-src-1111")
                .contains("mysoftware-env-bbbb", "mysoftware-src-2222", "mysoftware-src-3333");
        assertThat(aptly.aptly("repo", "show", "-with-packages", "mysoftware-trixie-" + repositories))
                .doesNotContain("mysoftware-site-berlin_1_all").contains("mysoftware-site-berlin_2_all");
    }

    /** apt would never upgrade to an older site version, and retention would drop it first. */
    @Test
    void aSiteVersionThatSortsAtOrBelowTheNewestIsRefusedAndTheSamePackageAgainIsFine() throws Exception {
        AptlyRepository repository = repository("trixie");
        List<Path> dated = TestDebs.release(dir, "mysoftware-site-berlin", "20261207.093000.deb13+g0123456789ab.01234567",
                "mysoftware-env-aaaa", "mysoftware-src-2222");
        repository.publish("trixie", dated, 5);
        String before = inRelease("trixie");
        List<Path> numbered = TestDebs.release(dir, "mysoftware-site-berlin", "42+deb13", "mysoftware-env-aaaa",
                "mysoftware-src-1111");

        assertThatThrownBy(() -> repository.publish("trixie", numbered, 5))
                .isInstanceOf(DjddException.class)
                .hasMessageStartingWith(numbered.get(2).getFileName() + " is mysoftware-site-berlin 42+deb13, which"
                        + " does not sort above 20261207.093000.deb13+g0123456789ab.01234567, the newest"
                        + " mysoftware-site-berlin aptly at " + aptly.url() + " (local repository 'mysoftware-trixie-"
                        + repositories + "') has: servers would never upgrade to it")
                .hasMessageContaining("(-Ddjdd.siteVersion=$(date -u +%Y%m%d.%H%M%S).$BUILD_NUMBER)");
        assertThat(inRelease("trixie")).isEqualTo(before);
        assertThat(aptly.aptly("repo", "show", "-with-packages", "mysoftware-trixie-" + repositories))
                .doesNotContain("42+deb13", "mysoftware-src-1111");

        Published again = repository.publish("trixie", dated, 5);
        assertThat(again.added()).isEmpty();
        assertThat(again.present()).hasSize(3);
    }

    @Test
    void aPackageWithTheSameVersionAndOtherBytesIsRefusedAndNothingChanges() throws Exception {
        AptlyRepository repository = repository("trixie");
        repository.publish("trixie", TestDebs.release(dir, "mysoftware-site-berlin", "1", "mysoftware-env-aaaa",
                "mysoftware-src-1111"), 5);
        String before = inRelease("trixie");
        Path other = TestDebs.deb(dir, "mysoftware-env-aaaa", "1", "amd64", "Depends: python3 (>= 3.13)\n");
        Path site2 = TestDebs.deb(dir, "mysoftware-site-berlin", "2", "all", "Depends: mysoftware-env-aaaa\n");

        assertThatThrownBy(() -> repository.publish("trixie", List.of(site2, other), 5))
                .isInstanceOf(DjddException.class)
                .hasMessageContaining("is mysoftware-env-aaaa 1, which aptly at " + aptly.url())
                .hasMessageContaining("a published package is never replaced");
        assertThat(inRelease("trixie")).isEqualTo(before);
        assertThat(aptly.aptly("repo", "show", "-with-packages", "mysoftware-trixie-" + repositories))
                .doesNotContain("mysoftware-site-berlin_2_all");
    }

    @Test
    void aRepositoryPublishedForAnotherSuiteIsRefused() throws Exception {
        AptlyRepository repository = repository("bookworm");

        assertThatThrownBy(() -> repository.publish("trixie", TestDebs.release(dir, "mysoftware-site-berlin", "1",
                "mysoftware-env-aaaa", "mysoftware-src-1111"), 5))
                .isInstanceOf(DjddException.class)
                .hasMessageContaining("is published as bookworm, but the packages are built for trixie");
        assertThat(aptly.aptly("repo", "show", "-with-packages", "mysoftware-bookworm-" + repositories))
                .contains("Number of packages: 0");
    }

    @Test
    void aMissingOrUnpublishedLocalRepositoryIsNamedWithTheCommandThatMakesIt() throws Exception {
        List<Path> debs = TestDebs.release(dir, "mysoftware-site-berlin", "1", "mysoftware-env-aaaa",
                "mysoftware-src-1111");
        AptlyRepository missing = AptlyRepository.of(aptly.url(), "nowhere", "mysoftware", Optional.empty(),
                Optional.empty(), new char[0], true, Console.NULL);
        assertThatThrownBy(() -> missing.publish("trixie", debs, 5))
                .hasMessageContaining("(local repository 'nowhere') does not exist: create it ('aptly repo create"
                        + " -distribution=trixie -component=main nowhere')");

        aptly.aptly("repo", "create", "-distribution=trixie", "unpublished");
        AptlyRepository unpublished = AptlyRepository.of(aptly.url(), "unpublished", "mysoftware", Optional.empty(),
                Optional.empty(), new char[0], true, Console.NULL);
        assertThatThrownBy(() -> unpublished.publish("trixie", debs, 5))
                .hasMessageContaining("is not published: publish it once ('aptly publish repo -distribution=trixie"
                        + " unpublished')");
        assertThat(aptly.aptly("repo", "show", "unpublished")).contains("Number of packages: 0");
    }

    @Test
    void anAptlyThatIsDownOrRefusesToSignIsReportedInOneSentence() throws Exception {
        List<Path> debs = TestDebs.release(dir, "mysoftware-site-berlin", "1", "mysoftware-env-aaaa",
                "mysoftware-src-1111");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        AptlyRepository down = AptlyRepository.of("http://127.0.0.1:" + port, "mysoftware", "mysoftware",
                Optional.empty(), Optional.empty(), new char[0], true, Console.NULL);
        assertThatThrownBy(() -> down.publish("trixie", debs, 5))
                .hasMessage("aptly at http://127.0.0.1:" + port + "/ (local repository 'mysoftware') cannot be reached"
                        + " (connection refused): start it ('aptly api serve') or correct <aptly>; nothing was"
                        + " published.");

        String name = "mysoftware-trixie-" + ++repositories;
        publication = aptly.createPublished(name, "trixie");
        String before = inRelease("trixie");
        AptlyRepository unknownKey = AptlyRepository.of(aptly.url(), name, "mysoftware",
                Optional.of("nobody@example.org"), Optional.empty(), new char[0], true, Console.NULL);
        assertThatThrownBy(() -> unknownKey.publish("trixie", debs, 5))
                .hasMessageStartingWith("aptly at " + aptly.url() + " (local repository '" + name + "') refused to"
                        + " update its publication " + name + "/trixie")
                .hasMessageContaining("the publication serves its previous state until a publish succeeds");
        assertThat(inRelease("trixie")).isEqualTo(before);
    }

    @Test
    void invalidSettingsNameTheSetting() {
        assertThatThrownBy(() -> AptlyRepository.of("ftp://aptly", "r", "mysoftware", Optional.empty(),
                Optional.empty(), new char[0], true, Console.NULL))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Invalid <aptly> 'ftp://aptly': use the https URL of an aptly API server, such as"
                        + " https://aptly.example.org/ (http with <aptlyInsecure>).");
        assertThatThrownBy(() -> AptlyRepository.of("http://aptly", " ", "mysoftware", Optional.empty(),
                Optional.empty(), new char[0], true, Console.NULL))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("set <aptlyRepo>");
    }

    @Test
    void itsPublicationServesAsThePackageCacheOfBuildAgents() throws Exception {
        AptlyRepository repository = repository("trixie");
        List<Path> debs = TestDebs.release(dir, "mysoftware-site-berlin", "1", "mysoftware-env-aaaa",
                "mysoftware-src-1111");
        repository.publish("trixie", debs, 5);
        BuildDir agent = BuildDir.prepare(dir.resolve("agent"));

        List<String> debug = new java.util.ArrayList<>();
        Console console = new Console() {
            @Override
            public void debug(String message) {
                debug.add(message);
            }

            @Override
            public void info(String message) {}

            @Override
            public void warn(String message) {}
        };
        RemotePackages cache = RemotePackages.of(publication.toUri().toString(), aptly.keyring(dir.resolve("aptly.gpg")),
                "trixie", agent, console);

        Path env = cache.fetch("mysoftware-env-aaaa").orElseThrow();
        assertThat(env).hasSameBinaryContentAs(debs.get(0));
        // aptly 1.5 writes no Valid-Until: taken, as apt takes it, and said at debug level.
        assertThat(inRelease("trixie")).doesNotContain("Valid-Until");
        assertThat(debug).contains("The Release of " + publication.toUri() + " has no Valid-Until (aptly writes"
                + " none): nothing tells an old state of it, served by a mirror, from the current one.");
    }

    /** What servers that bound the age of aptly's publication (Valid-Until-Max) rely on. */
    @Test
    void aPublishThatAddsNothingStillRenewsTheDateOfAptlysPublication() throws Exception {
        AptlyRepository repository = repository("trixie");
        List<Path> debs = TestDebs.release(dir, "mysoftware-site-berlin", "1", "mysoftware-env-aaaa",
                "mysoftware-src-1111");
        repository.publish("trixie", debs, 5);
        String before = date(inRelease("trixie"));
        Thread.sleep(1100);

        assertThat(repository.publish("trixie", debs, 5).added()).isEmpty();
        assertThat(date(inRelease("trixie"))).isNotEqualTo(before);
        TestDebs.run(List.of("gpgv", "--keyring", aptly.keyring(dir.resolve("aptly.gpg")).toString(),
                publication.resolve("dists/trixie/InRelease").toString()));
    }

    private static String date(String release) {
        return release.lines().filter(line -> line.startsWith("Date: ")).findFirst().orElseThrow();
    }

    /**
     * aptly behind a proxy that wants HTTP basic authentication, named by a plain http URL: what
     * goes over the wire (here a loopback server standing for anyone on the way) would carry the
     * password and packages that aptly then signs.
     */
    @Test
    void plainHttpIsRefusedBeforeAnyPasswordOrPackageIsSent() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer wire = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        wire.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        wire.start();
        String url = "http://127.0.0.1:" + wire.getAddress().getPort() + "/";
        List<Path> debs = TestDebs.release(dir, "mysoftware-site-berlin", "1", "mysoftware-env-aaaa",
                "mysoftware-src-1111");
        try {
            Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> AptlyRepository.of(url,
                    "mysoftware-trixie", "mysoftware", Optional.empty(), Optional.of("ci"), "s3cret".toCharArray(),
                    false, Console.NULL).publish("trixie", debs, 5));

            assertThat(seen).as("requests on the wire").isEmpty();
            assertThat(refused).isInstanceOf(InvalidConfigurationException.class).hasMessage("<aptly> '" + url
                    + "' is plain http: djdd would send the packages, and any <aptlyServerId> password, unencrypted,"
                    + " and anyone on the way could alter what aptly then signs; use an https URL, or set"
                    + " <aptlyInsecure>true</aptlyInsecure> (-Ddjdd.publish.aptlyInsecure) for an aptly on this"
                    + " machine or on a network you trust.");
        } finally {
            wire.stop(0);
        }
        assertThat(AptlyRepository.of("https://aptly.example.org/", "mysoftware-trixie", "mysoftware",
                Optional.empty(), Optional.of("ci"), "s3cret".toCharArray(), false, Console.NULL).describe())
                .isEqualTo("aptly at https://aptly.example.org/ (local repository 'mysoftware-trixie')");
    }
}
