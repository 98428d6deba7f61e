package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.Console;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.deb.DebContent;
import io.github.djdd.core.deb.Template;
import io.github.djdd.core.env.EnvLayout;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.source.SourceLayout;
import io.github.djdd.core.workspace.BuildDir;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every generated file for a variant with every switch on and one with every switch off, against
 * golden copies in {@code src/test/resources/.../golden}. After a deliberate change, run the test
 * with {@code -Ddjdd.updateGolden=true} and review the diff of the golden files.
 */
class SiteFilesTest {
    private static final ProcessRunner RUNNER = new ProcessRunner(Console.NULL);
    private static final Path GOLDEN = Path.of("src/test/resources/io/github/djdd/core/site/golden");
    private static final SoftwareName SOFTWARE = new SoftwareName("mysoftware");
    private static final SiteFiles.Release RELEASE = new SiteFiles.Release(
            new SourceLayout(SOFTWARE, "0123456789ab", "app"), new EnvLayout(SOFTWARE, "ba9876543210"),
            "0123456789abcdef0123456789abcdef01234567", 13);
    private static final String VERSION = "20261127.120000+g0123456789ab.cafe0123";

    @TempDir
    Path dir;

    static SiteFiles allOn(SiteTemplates templates) throws Exception {
        SiteVariant variant = SiteVariant.builder(new VariantName("berlin")).serverName("berlin.example.com")
                .listen("8080").migrate(true).celeryBeat(true).workers("4").celeryWorkers("3")
                .environment(Map.of("DEBUG", "0", "MOTD", "it's \"here\" $1 `now`\nsecond line"))
                .secrets(List.of("STRIPE_API_KEY", "SMTP_PASSWORD")).tls(true).tlsListen("8443")
                .mediaServerName("media.berlin.example.com").build();
        return new SiteFiles(new SiteLayout(SOFTWARE, variant.name(), true), variant,
                DjangoSite.of("mysite.settings", null, null, "/static/", "/uploads/").withGunicornVersion("26.2.0"),
                RELEASE, templates);
    }

    static SiteFiles allOff() throws Exception {
        SiteVariant variant = SiteVariant.builder(VariantName.DEFAULT).database(false).queue(false).cache(false)
                .celery(false).build();
        return new SiteFiles(new SiteLayout(SOFTWARE, variant.name(), false), variant,
                DjangoSite.of("mysite.settings", null, null, "https://cdn.example.com/static/", ""), RELEASE, SiteTemplates.DJDD);
    }

    /** Every generated file by its installed path, maintainer scripts under DEBIAN/. */
    private static Map<String, String> rendered(SiteFiles files) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (DebContent content : files.contents(VERSION)) {
            DebContent.Data data = (DebContent.Data) content;
            String path = data.target().substring(1);
            if (path.endsWith(".gz")) {
                out.put(path.substring(0, path.length() - 3), new String(new GZIPInputStream(
                        new ByteArrayInputStream(data.content())).readAllBytes(), StandardCharsets.UTF_8));
            } else {
                out.put(path, new String(data.content(), StandardCharsets.UTF_8));
            }
        }
        files.scripts(VERSION).forEach((name, text) -> out.put("DEBIAN/" + name, text));
        return out;
    }

    private static void assertGolden(String name, Map<String, String> files) throws Exception {
        Path golden = GOLDEN.resolve(name);
        if (Boolean.getBoolean("djdd.updateGolden")) {
            BuildDir.deleteTree(golden);
            for (Map.Entry<String, String> file : files.entrySet()) {
                Files.createDirectories(golden.resolve(file.getKey()).getParent());
                Files.writeString(golden.resolve(file.getKey()), file.getValue());
            }
        }
        Map<String, String> expected = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(golden)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                expected.put(golden.relativize(file).toString(), Files.readString(file));
            }
        }
        assertThat(files.keySet()).containsExactlyElementsOf(expected.keySet());
        files.forEach((path, text) -> assertThat(text).as(path).isEqualTo(expected.get(path)));
    }

    @Test
    void everySwitchOnMatchesTheGoldenFiles() throws Exception {
        assertGolden("all-on", rendered(allOn(SiteTemplates.DJDD)));
    }

    @Test
    void everySwitchOffMatchesTheGoldenFiles() throws Exception {
        assertGolden("all-off", rendered(allOff()));
    }

    @Test
    void switchedOffServicesHaveNoUnitsAndNoDependencies() throws Exception {
        SiteFiles off = allOff();
        assertThat(off.units()).containsExactly("mysoftware-default.socket", "mysoftware-default.service");
        assertThat(off.services()).containsExactly("nginx");
        assertThat(rendered(off).keySet()).noneMatch(path -> path.contains("celery") || path.contains("memcached"));
        SiteFiles on = allOn(SiteTemplates.DJDD);
        // The site's own memcached first: gunicorn and Celery start after it.
        assertThat(on.units()).containsExactly("mysoftware-berlin-memcached.service", "mysoftware-berlin.socket",
                "mysoftware-berlin.service", "mysoftware-berlin-celery.service", "mysoftware-berlin-celerybeat.service");
        assertThat(on.services()).containsExactly("postgresql", "rabbitmq-server", "memcached", "nginx");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DEBIAN/postinst", "DEBIAN/prerm", "DEBIAN/postrm", "usr/bin/mysoftware-berlin"})
    void shellScriptsParseInShAndBash(String path) throws Exception {
        Path script = dir.resolve("script");
        Files.writeString(script, rendered(allOn(SiteTemplates.DJDD)).get(path));
        for (String shell : List.of("sh", "bash")) {
            CommandResult result = RUNNER.run(Command.of(shell, "-n", script.toString()).quietly());
            assertThat(result.succeeded()).as(shell + " -n " + path + ": " + result.output()).isTrue();
        }
    }

    private SiteTemplates projectTemplates(Map<String, String> files, boolean mayReplaceAll) throws Exception {
        Checkout checkout = new Checkout(dir.resolve("commit"), "");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.createDirectories(checkout.file("djdd/templates"));
            Files.writeString(checkout.file("djdd/templates/" + file.getKey()), file.getValue());
        }
        return SiteTemplates.read(null, checkout, mayReplaceAll, Console.NULL);
    }

    @Test
    void theProjectsMaintenancePageReplacesDjdds() throws Exception {
        Map<String, String> files = rendered(allOn(projectTemplates(Map.of("maintenance.html",
                "<p>@package@ is resting</p>\n"), false)));

        assertThat(files.get("usr/lib/mysoftware-site/berlin/maintenance.html"))
                .isEqualTo("<p>mysoftware-site-berlin is resting</p>\n");
        assertThat(files.get("etc/nginx/sites-available/mysoftware-berlin")).contains("server_name berlin.example.com;");
    }

    @Test
    void aReplacedMaintainerScriptIsTheOneInThePackage() throws Exception {
        Map<String, String> files = rendered(allOn(projectTemplates(Map.of("postinst", "#!/bin/sh\necho @user@\n",
                "memcached.service", "[Service]\n"), true)));

        assertThat(files.get("DEBIAN/postinst")).isEqualTo("#!/bin/sh\necho mysoftware-berlin\n");
        assertThat(files.get("usr/lib/systemd/system/mysoftware-berlin-memcached.service")).isEqualTo("[Service]\n");
    }

    @Test
    void aReplacementWithAnUnknownPlaceholderNamesItAndTheKnownOnes() throws Exception {
        SiteTemplates templates = projectTemplates(Map.of("nginx.conf", "server { server_name @hostname@; }\n"), true);

        assertThatThrownBy(() -> allOn(templates).contents(VERSION))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("The project's djdd/templates/nginx.conf uses a placeholder djdd does not know"
                        + " (@hostname@): use one of @acmeLocation@, @after@,")
                .hasMessageContaining("@serverName@");
    }

    @Test
    void everyTemplateRendersWithTheDocumentedValues() throws Exception {
        Map<String, String> values = allOn(SiteTemplates.DJDD).values(VERSION);
        for (String name : SiteTemplates.NAMES) {
            assertThat(Template.resource(SiteFiles.class, name).render(values)).as(name).doesNotContain("@user@");
        }
    }

    /** The host's own systemd rates the units offline; the booted-server ITs rate them on each target. */
    @Test
    void everyServiceUnitIsRatedAtMost2BySystemdAnalyze() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze");
        for (DebContent content : allOn(SiteTemplates.DJDD).contents(VERSION)) {
            DebContent.Data data = (DebContent.Data) content;
            if (!data.target().endsWith(".service")) {
                continue;
            }
            Path unit = dir.resolve(Path.of(data.target()).getFileName());
            Files.write(unit, data.content());
            CommandResult rated = RUNNER.run(Command.of("systemd-analyze", "security", "--offline=yes", "--no-pager",
                    unit.toString()).quietly());
            String overall = rated.output().stream().filter(line -> line.contains("Overall exposure level"))
                    .findFirst().orElseThrow(() -> new AssertionError(String.join("\n", rated.output())));
            double score = Double.parseDouble(overall.replaceFirst(".*: ([0-9.]+) .*", "$1"));
            assertThat(score).as(overall).isLessThanOrEqualTo(2.0);
        }
    }

    // The control utility, run for real with its state folder in a temp dir.

    private Path control() throws Exception {
        Map<String, String> values = new TreeMap<>(allOn(SiteTemplates.DJDD).values(VERSION));
        values.put("stateDir", dir.toString());
        Path control = dir.resolve("mysoftware-berlin");
        Files.writeString(control, Template.resource(SiteFiles.class, "control").render(values));
        return control;
    }

    private CommandResult runControl(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("sh", control().toString()));
        argv.addAll(List.of(args));
        return RUNNER.run(Command.of(argv).quietly());
    }

    @Test
    void controlWithoutCommandPrintsUsageAndExits2() throws Exception {
        CommandResult result = runControl();
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("Usage: mysoftware-berlin COMMAND [ARGS]");
    }

    @Test
    void controlWithUnknownCommandNamesItAndExits2() throws Exception {
        CommandResult result = runControl("frobnicate");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("mysoftware-berlin: unknown command 'frobnicate'",
                "  offline       nginx answers 503 with the maintenance page");
    }

    /** Only the refusal runs here: a confirmed destroy purges packages (ServerIT runs that on a server). */
    @Test
    void controlDestroyWithoutTheSitesNameRemovesNothing() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "destroy needs root first");
        Files.writeString(dir.resolve("keep"), "data");
        CommandResult result = runControl("destroy"); // standard input is empty: no answer
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(String.join("\n", result.output())).contains("Type mysoftware-berlin to remove it: ",
                "mysoftware-berlin destroy: not confirmed ('' is not mysoftware-berlin); nothing was removed.");
        assertThat(dir.resolve("keep")).hasContent("data");
    }

    @Test
    void controlHelpExits0() throws Exception {
        CommandResult result = runControl("help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("  manage ARGS   manage.py ARGS as mysoftware-berlin with the site's environment,"
                + " in its sandbox");
    }

    @Test
    void controlVersionReadsTheRunningSrcAndEnv() throws Exception {
        Files.createSymbolicLink(dir.resolve("src"), Path.of("/usr/lib/mysoftware-src/0123456789ab/app"));
        Files.createSymbolicLink(dir.resolve("env"), Path.of("/usr/lib/mysoftware-env/ba9876543210"));
        CommandResult result = runControl("version");
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).containsExactly(
                "site mysoftware-site-berlin " + VERSION + " (commit 0123456789abcdef0123456789abcdef01234567)",
                "src  0123456789ab /usr/lib/mysoftware-src/0123456789ab/app",
                "env  ba9876543210 /usr/lib/mysoftware-env/ba9876543210");
    }

    @Test
    void controlOfflineAndOnlineToggleTheFlagNginxChecks() throws Exception {
        boolean root = RUNNER.check(Command.of("id", "-u").quietly()).output().get(0).equals("0");
        CommandResult offline = runControl("offline");
        if (!root) {
            assertThat(offline.exitCode()).isEqualTo(1);
            assertThat(offline.output()).contains("mysoftware-berlin offline: run as root (sudo mysoftware-berlin offline)");
            return;
        }
        assertThat(offline.exitCode()).isZero();
        assertThat(dir.resolve("offline")).exists();
        assertThat(rendered(allOn(SiteTemplates.DJDD)).get("etc/nginx/sites-available/mysoftware-berlin"))
                .contains("if (-f /var/lib/mysoftware-site/berlin/offline) {");
        assertThat(runControl("online").exitCode()).isZero();
        assertThat(dir.resolve("offline")).doesNotExist();
    }

    @Test
    void controlRefusesServiceCommandsWithoutSystemd() throws Exception {
        Assumptions.assumeFalse(Files.isDirectory(Path.of("/run/systemd/system")),
                "systemd runs here");
        CommandResult result = runControl("status");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("mysoftware-berlin status: systemd is not running here, so there are no"
                + " services to control");
    }

    private static SiteFiles tls(String serverName, int debianRelease) throws Exception {
        SiteVariant variant = SiteVariant.builder(new VariantName("berlin")).serverName(serverName).tls(true).build();
        return new SiteFiles(new SiteLayout(SOFTWARE, variant.name(), true), variant,
                DjangoSite.of("mysite.settings", null, null, "/static/", "/media/"), new SiteFiles.Release(
                        RELEASE.src(), RELEASE.env(), RELEASE.commit(), debianRelease), SiteTemplates.DJDD);
    }

    @Test
    void theHttpsBlockHasMozillasIntermediateConfigurationWithTheGroupsTheSuitesOpensslKnows() throws Exception {
        String trixie = rendered(tls("berlin.example.com", 13)).get("etc/nginx/sites-available/mysoftware-berlin");
        assertThat(trixie).contains("# Mozilla's intermediate configuration, Server Side TLS guidelines 6.0 (2026-04-06)",
                "    ssl_protocols TLSv1.2 TLSv1.3;\n",
                "    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;\n",
                "    ssl_prefer_server_ciphers off;\n",
                "    ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1:secp384r1;\n",
                "add_header Strict-Transport-Security \"max-age=63072000\" always;");
        assertThat(rendered(tls("berlin.example.com", 12)).get("etc/nginx/sites-available/mysoftware-berlin"))
                .as("OpenSSL 3.0 knows no ML-KEM").contains("    ssl_ecdh_curve X25519:prime256v1:secp384r1;\n")
                .doesNotContain("MLKEM");
    }

    @Test
    void portEightyRedirectsToEachConfiguredNameNeverToTheRequestsHost() throws Exception {
        String block = rendered(allOn(SiteTemplates.DJDD)).get("etc/nginx/sites-available/mysoftware-berlin");
        assertThat(block).contains("    server_name berlin.example.com;\n",
                "        return 301 https://berlin.example.com:8443$request_uri;\n",
                "    server_name media.berlin.example.com;\n",
                "        return 301 https://media.berlin.example.com:8443$request_uri;\n").doesNotContain("https://$host");
    }

    @Test
    void aWildcardNameRedirectsOnlyTheHostsItStandsFor() throws Exception {
        String block = rendered(tls("*.example.com", 13)).get("etc/nginx/sites-available/mysoftware-berlin");
        assertThat(block).contains("    server_name *.example.com;\n",
                "        if ($host !~* \"^[a-z0-9-]+(\\.[a-z0-9-]+)*\\.example\\.com$\") {\n            return 421;\n        }\n"
                        + "        return 301 https://$host$request_uri;\n");
        Pattern guard = Pattern.compile("^[a-z0-9-]+(\\.[a-z0-9-]+)*\\.example\\.com$", Pattern.CASE_INSENSITIVE);
        assertThat(List.of("berlin.example.com", "a.b.example.com")).allMatch(host -> guard.matcher(host).matches());
        assertThat(List.of("example.com", "evil.com?.example.com", "evil.com/.example.com", "evil.com#.example.com",
                "example.com.evil.com")).noneMatch(host -> guard.matcher(host).matches());
    }

    @Test
    void beforeItsCertificateATlsVariantAnswersOnlyCertbotsChallengesAnd503() throws Exception {
        String waiting = rendered(allOn(SiteTemplates.DJDD)).get("usr/lib/mysoftware-site/berlin/nginx-without-tls");
        assertThat(waiting).contains("    listen 8080;\n", "    server_name berlin.example.com media.berlin.example.com;\n",
                "    location ^~ /.well-known/acme-challenge/ {\n        root /var/lib/mysoftware-site/berlin/acme;\n",
                "        return 503 \"berlin.example.com is served over HTTPS only")
                .doesNotContain("proxy_pass", "alias", "ssl_", "listen 8443");
    }

    @Test
    void everyMediaLocationFollowsNoLink() throws Exception {
        for (SiteFiles files : List.of(allOn(SiteTemplates.DJDD), tls("berlin.example.com", 12))) {
            for (Map.Entry<String, String> file : rendered(files).entrySet()) {
                if (!file.getKey().startsWith("etc/nginx/")) {
                    continue;
                }
                Matcher media = Pattern.compile("        (alias|root) /var/lib/mysoftware-site/berlin/media/?;\n"
                        + "        disable_symlinks on from=\\$document_root;\n").matcher(file.getValue());
                long locations = file.getValue().lines().filter(line -> line.matches(" +(alias|root) .*/media/?;"))
                        .count();
                assertThat(media.results().count()).as(file.getKey()).isEqualTo(locations).isPositive();
            }
        }
    }

    @Test
    void manageRunsInTheSandboxOfTheUnits() throws Exception {
        String control = rendered(allOn(SiteTemplates.DJDD)).get("usr/bin/mysoftware-berlin");
        for (String line : SiteFiles.SANDBOX.split("\n")) {
            if (!line.startsWith("#")) {
                assertThat(control).contains("        --property='" + line + "' \\\n");
            }
        }
        assertThat(control).contains("--property=UMask=0027",
                "--property='RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'",
                "--property=ReadWritePaths=\"$STATE_DIR/media $LOG_DIR\"");
        for (String unit : List.of("mysoftware-berlin.service", "mysoftware-berlin-celery.service",
                "mysoftware-berlin-celerybeat.service")) {
            assertThat(rendered(allOn(SiteTemplates.DJDD)).get("usr/lib/systemd/system/" + unit)).as(unit)
                    .contains("\nUMask=0027\n");
        }
    }

    @Test
    void thePackageKeepsACopyOfTheEnvironmentForRootToPutBack() throws Exception {
        List<DebContent.Data> files = allOn(SiteTemplates.DJDD).contents(VERSION).stream().map(DebContent.Data.class::cast)
                .toList();
        DebContent.Data env = files.stream().filter(data -> data.target().equals("/etc/mysoftware-site/berlin/env"))
                .findFirst().orElseThrow();
        DebContent.Data copy = files.stream().filter(data -> data.target().equals(
                "/usr/lib/mysoftware-site/berlin/env.default")).findFirst().orElseThrow();
        assertThat(copy.content()).isEqualTo(env.content());
        assertThat(copy.mode()).isEqualTo(0600);
    }

    @Test
    void theEnvironmentFileIsForTheSitesGroupOnly() throws Exception {
        DebContent.Data env = allOn(SiteTemplates.DJDD).contents(VERSION).stream().map(DebContent.Data.class::cast)
                .filter(data -> data.target().equals("/etc/mysoftware-site/berlin/env")).findFirst().orElseThrow();
        assertThat(env.mode()).isEqualTo(0640);
    }
}
