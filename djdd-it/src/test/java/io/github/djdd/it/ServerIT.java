package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.project.BuildRequest;
import io.github.djdd.core.project.ProjectBuild;
import io.github.djdd.core.site.SiteOptions;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.workspace.BuildDir;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packages on a real server: each scenario boots a pristine Debian 12 with systemd as PID 1
 * ({@link BootedTarget}), installs the site packages from an APT repository with plain apt-get,
 * and talks to the running site through nginx, as its users would.
 */
class ServerIT {
    private static final SoftwareName SOFTWARE = new SoftwareName("djddit");
    private static final int PORT = 18081;
    private static final Instant MAIN = Instant.parse("2026-11-01T12:00:00Z");
    /** An environment value with everything that breaks a naive environment file or shell. */
    static final String TRICKY = "two\nlines, \"double\" and 'single' quotes, $HOME ${HOME} `id` $(id) \\ \\n;"
            + " # not a comment\ttab & | < > * ~ ";

    @TempDir
    static Path dir;

    private static BuildDir buildDir;
    private static Path upstream;

    /** Each build: [env, src, site]. */
    private static List<BuiltPackage> blue1;
    private static List<BuiltPackage> blue2;
    private static List<BuiltPackage> blue3;
    private static List<BuiltPackage> blueMigration;
    private static List<BuiltPackage> red1;
    private static List<BuiltPackage> red2;
    private static List<BuiltPackage> redMigration;
    private static List<BuiltPackage> blueBadMigration;
    private static List<BuiltPackage> blueFixedMigration;

    private long started;

    static SiteVariant blue() throws Exception {
        return SiteVariant.builder(new VariantName("blue")).serverName("blue.example.com").listen("" + PORT)
                .migrate(true).workers("2").celeryWorkers("1").environment(Map.of("DJDD_IT_TRICKY", TRICKY)).build();
    }

    static SiteVariant red() throws Exception {
        return SiteVariant.builder(new VariantName("red")).serverName("red.example.com").listen("" + PORT)
                .celery(false).queue(false).cache(false).build();
    }

    @BeforeAll
    static void buildTheReleases() throws Exception {
        buildDir = BuildDir.prepare(ItSupport.cachedBuildDir());
        ItSupport.cachedRoot();
        upstream = SampleProject.create(dir, Map.of());
        String requirements = Files.readString(upstream.resolve("requirements.txt"));
        SampleProject.branch(upstream, "main", "v2", Map.of("mysite/version.py", "CODE_VERSION = \"2\"\n"),
                MAIN.plusSeconds(3600));
        SampleProject.branch(upstream, "v2", "v3", Map.of("mysite/version.py", "CODE_VERSION = \"3\"\n",
                "requirements.txt", requirements + "packaging\n"), MAIN.plusSeconds(7200));
        SampleProject.branch(upstream, "v2", "migration", Map.of(
                "mysite/version.py", "CODE_VERSION = \"4\"\n",
                "notes/models.py", Files.readString(upstream.resolve("notes/models.py"))
                        .replace("    processed = models.BooleanField(default=False)\n",
                                "    processed = models.BooleanField(default=False)\n"
                                        + "    priority = models.IntegerField(default=0)\n"),
                "notes/migrations/0002_note_priority.py", String.join("\n",
                        "from django.db import migrations, models",
                        "",
                        "",
                        "class Migration(migrations.Migration):",
                        "    dependencies = [(\"notes\", \"0001_initial\")]",
                        "    operations = [",
                        "        migrations.AddField(model_name=\"note\", name=\"priority\","
                                + " field=models.IntegerField(default=0)),",
                        "    ]",
                        "")), MAIN.plusSeconds(10800));
        SampleProject.branch(upstream, "main", "bad-migration", migration("5",
                "migrations.RunPython(fail)", "def fail(apps, schema_editor):\n"
                        + "    raise RuntimeError(\"djdd test: this migration fails\")\n"), MAIN.plusSeconds(14400));
        SampleProject.branch(upstream, "main", "fixed-migration", migration("6",
                "migrations.RunPython(fail)", "def fail(apps, schema_editor):\n    pass\n"), MAIN.plusSeconds(18000));
        blue1 = build(blue(), "main");
        blue2 = build(blue(), "v2");
        blue3 = build(blue(), "v3");
        blueMigration = build(blue(), "migration");
        red1 = build(red(), "main");
        red2 = build(red(), "v2");
        redMigration = build(red(), "migration");
        blueBadMigration = build(blue(), "bad-migration");
        blueFixedMigration = build(blue(), "fixed-migration");
    }

    /** A commit with code version {@code version} and a data migration 0002 running {@code operation}. */
    private static Map<String, String> migration(String version, String operation, String function) {
        return Map.of("mysite/version.py", "CODE_VERSION = \"" + version + "\"\n",
                "notes/migrations/0002_data.py", "from django.db import migrations\n\n\n" + function + "\n\n"
                        + "class Migration(migrations.Migration):\n"
                        + "    dependencies = [(\"notes\", \"0001_initial\")]\n"
                        + "    operations = [" + operation + "]\n");
    }

    private static List<BuiltPackage> build(SiteVariant variant, String ref) throws Exception {
        return new ProjectBuild(new BuildRequest(buildDir, SOFTWARE, upstream.toString(),
                new SiteVariants(List.of(variant), true), ref,
                "", SampleProject.pip(), new PackageSettings(DebControl.DEFAULT_MAINTAINER, Compression.GZIP,
                        Optional.empty()), SiteOptions.DEFAULTS), new ItSupport.RecordingConsole()).run();
    }

    @BeforeEach
    void start(TestInfo test) {
        started = System.nanoTime();
        System.out.println("[scenario] " + test.getDisplayName());
    }

    @AfterEach
    void time(TestInfo test) {
        System.out.printf("[measure] scenario %s: %.1f s%n", test.getDisplayName(), (System.nanoTime() - started) / 1e9);
    }

    /** A server whose APT repository holds these packages. */
    private static BootedTarget server(Path scenario, List<BuiltPackage> packages) throws Exception {
        AptRepository repository = new AptRepository(scenario.resolve("repository")).publish(packages);
        return BootedTarget.boot(scenario, repository.dir());
    }

    private static void publish(BootedTarget server, List<BuiltPackage> packages) throws Exception {
        new AptRepository(server.root().resolveSibling("repository")).publish(packages);
        server.check("apt-get", "update");
    }

    private static CommandResult install(BootedTarget server, String... packages) throws Exception {
        List<String> argv = new ArrayList<>(List.of("apt-get", "install", "--yes", "-o",
                "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"));
        argv.addAll(List.of(packages));
        server.check("apt-get", "update");
        return server.check(argv.toArray(String[]::new));
    }

    private static String hash(List<BuiltPackage> build, int index) {
        String name = build.get(index).name();
        return name.substring(name.lastIndexOf('-') + 1);
    }

    private static void awaitOk(SiteClient site, String path) throws Exception {
        for (int i = 0; i < 60; i++) {
            try {
                if (site.get(path).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // nginx is still (re)starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError(path + " did not answer 200 within 30 s");
    }

    /** What memcached holds under {@code key}, asked over its text protocol. */
    private static String memcached(String key) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", 11211)) {
            socket.getOutputStream().write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] buffer = new byte[4096];
            StringBuilder out = new StringBuilder();
            while (!out.toString().endsWith("END\r\n")) {
                int read = socket.getInputStream().read(buffer);
                if (read < 0) {
                    break;
                }
                out.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
            }
            return out.toString();
        }
    }

    @Test
    void installRunsEveryServiceAndTheSiteAnswersThroughNginx(@TempDir Path scenario) throws Exception {
        try (BootedTarget server = server(scenario, blue1)) {
            install(server, "djddit-site-blue");

            for (String unit : List.of("djddit-blue.socket", "djddit-blue.service", "djddit-blue-celery.service",
                    "nginx", "postgresql", "rabbitmq-server", "memcached")) {
                server.check("systemctl", "is-active", "--quiet", unit);
            }
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

            HttpResponse<String> note = site.post("/api/notes/", Map.of("text", "for the worker"));
            assertThat(note.statusCode()).as(note.body()).isEqualTo(201);
            String id = note.body().replaceAll("\\D", "");
            String processed = "";
            for (int i = 0; i < 120 && !processed.contains("\"processed\": true"); i++) {
                Thread.sleep(500);
                processed = site.get("/api/notes/" + id + "/").body();
            }
            assertThat(processed).as("the Celery worker ran the task").contains("\"processed\": true");
            assertThat(site.get("/").body()).contains("<li class=\"processed\">for the worker</li>");

            assertThat(site.get("/cache/?value=cached-" + id).body()).contains("\"value\": \"cached-" + id + "\"",
                    "\"backend\": \"MemcachedCache\"");
            assertThat(memcached("djddit-blue:1:probe")).contains("VALUE djddit-blue:1:probe", "cached-" + id);

            assertThat(Files.readString(server.root().resolve("etc/djddit-site/blue/env")))
                    .contains("DATABASE=\"djddit-blue\"");
            assertThat(server.sh("cd / && runuser -u postgres -- psql -Atc 'SELECT datname FROM pg_database'")
                    .output()).contains("djddit-blue");

            for (String unit : List.of("djddit-blue.service", "djddit-blue-celery.service")) {
                assertThat(environmentOf(server, unit)).as(unit).contains("DJDD_IT_TRICKY=" + TRICKY);
            }
            assertThat(server.check("djddit-blue", "manage", "shell", "-c",
                    "import os; print(os.environ['DJDD_IT_TRICKY'].encode().hex())").output())
                    .as("the control utility's shell reads the environment file as systemd does")
                    .contains(HexFormat.of().formatHex(TRICKY.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** The environment of the unit's main process, byte for byte, one entry per variable. */
    private static List<String> environmentOf(BootedTarget server, String unit) throws Exception {
        String pid = server.check("systemctl", "show", "--property=MainPID", "--value", unit).output().get(0).strip();
        String encoded = server.check("base64", "--wrap=0", "/proc/" + pid + "/environ").output().get(0).strip();
        return List.of(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8).split("\0"));
    }

    @Test
    void controlUtilityStartsStopsAndTakesTheSiteOffline(@TempDir Path scenario) throws Exception {
        try (BootedTarget server = server(scenario, blue1)) {
            install(server, "djddit-site-blue");
            SiteClient site = new SiteClient("blue.example.com", PORT);

            CommandResult status = server.check("djddit-blue", "status");
            for (String unit : List.of("djddit-blue.socket", "djddit-blue.service", "djddit-blue-celery.service",
                    "postgresql", "rabbitmq-server", "memcached", "nginx")) {
                assertThat(status.output()).anyMatch(line -> line.matches(Pattern.quote(unit) + " +active"));
            }

            server.check("djddit-blue", "offline");
            HttpResponse<String> offline = site.get("/");
            assertThat(offline.statusCode()).isEqualTo(503);
            assertThat(offline.body()).contains("Down for maintenance");
            server.check("djddit-blue", "online");
            assertThat(site.get("/").statusCode()).isEqualTo(200);

            server.check("djddit-blue", "restart");
            awaitOk(site, "/");
            server.check("djddit-blue", "reload");
            awaitOk(site, "/");

            server.check("systemctl", "stop", "djddit-blue.socket", "djddit-blue.service",
                    "djddit-blue-celery.service");
            assertThat(server.run("djddit-blue", "status").exitCode()).isEqualTo(3);
            HttpResponse<String> down = site.get("/");
            assertThat(down.statusCode()).isEqualTo(502);
            assertThat(down.body()).contains("Down for maintenance");
            server.check("djddit-blue", "start");
            assertThat(server.run("djddit-blue", "status").exitCode()).isZero();
            awaitOk(site, "/");

            assertThat(server.check("djddit-blue", "manage", "check").output())
                    .contains("System check identified no issues (0 silenced).");
            assertThat(server.check("djddit-blue", "version").output()).anyMatch(line -> line.startsWith("src  "
                    + hash(blue1, 1))).anyMatch(line -> line.startsWith("env  " + hash(blue1, 0)));
            CommandResult unknown = server.run("djddit-blue", "frobnicate");
            assertThat(unknown.exitCode()).isEqualTo(2);
            assertThat(unknown.output()).contains("Usage: djddit-blue COMMAND [ARGS]");
        }
    }

    @Test
    void twoVariantsFromDifferentCommitsLiveSideBySide(@TempDir Path scenario) throws Exception {
        assertThat(red1.get(1).name()).as("variants on one commit share its src package").isEqualTo(blue1.get(1).name());
        List<BuiltPackage> both = new ArrayList<>(blue1);
        both.addAll(red2);
        try (BootedTarget server = server(scenario, both)) {
            install(server, "djddit-site-blue", "djddit-site-red");

            assertThat(new SiteClient("blue.example.com", PORT).get("/health/").body()).isEqualTo("ok 1\n");
            assertThat(new SiteClient("red.example.com", PORT).get("/health/").body()).isEqualTo("ok 2\n");
            server.check("getent", "passwd", "djddit-blue");
            server.check("getent", "passwd", "djddit-red");
            assertThat(server.sh("cd / && runuser -u postgres -- psql -Atc 'SELECT datname FROM pg_database'")
                    .output()).contains("djddit-blue", "djddit-red");
            server.check("test", "-S", "/run/djddit-site/blue/gunicorn.sock");
            server.check("test", "-S", "/run/djddit-site/red/gunicorn.sock");
            assertThat(server.root().resolve("etc/nginx/sites-enabled/djddit-blue")).exists();
            assertThat(server.root().resolve("etc/nginx/sites-enabled/djddit-red")).exists();
            assertThat(server.sh("dpkg-query -W -f '${Package}\\n' 'djddit-src-*' 'djddit-env-*'").output())
                    .containsExactlyInAnyOrder(blue1.get(1).name(), red2.get(1).name(), blue1.get(0).name());
            server.check("djddit-red", "manage", "migrate", "--noinput");
            assertThat(new SiteClient("red.example.com", PORT).get("/").body()).contains("code version 2");
        }
    }

    @Test
    void upgradesUnderLoadDropNoRequest(@TempDir Path scenario) throws Exception {
        try (BootedTarget server = server(scenario, blue1)) {
            install(server, "djddit-site-blue");
            SiteClient site = new SiteClient("blue.example.com", PORT);
            awaitOk(site, "/health/");
            String report;
            List<String> failures;
            try (SiteClient.Load load = site.load("/health/", 24)) {
                Thread.sleep(2000);
                publish(server, blue2);
                long start = System.nanoTime();
                server.check("apt-get", "install", "--yes", "djddit-site-blue");
                System.out.printf("[measure] upgrade to a new src: %.1f s%n", (System.nanoTime() - start) / 1e9);
                publish(server, blue3);
                start = System.nanoTime();
                server.check("apt-get", "install", "--yes", "djddit-site-blue");
                System.out.printf("[measure] upgrade to a new env: %.1f s%n", (System.nanoTime() - start) / 1e9);
                Thread.sleep(2000);
                report = load.stop();
                failures = load.failures();
                assertThat(load.served()).isGreaterThan(100);
            }
            System.out.println("[measure] load during two upgrades, 24 clients: " + report);
            assertThat(failures).as(report).isEmpty();
            assertThat(site.get("/health/").body()).isEqualTo("ok 3\n");
            assertThat(server.check("djddit-blue", "version").output())
                    .anyMatch(line -> line.startsWith("src  " + hash(blue3, 1)))
                    .anyMatch(line -> line.startsWith("env  " + hash(blue3, 0)));
        }
    }

    @Test
    void migrationsRunOnUpgradeOnlyWhereTheVariantSaysSo(@TempDir Path scenario) throws Exception {
        List<BuiltPackage> first = new ArrayList<>(blue1);
        first.addAll(red1);
        try (BootedTarget server = server(scenario, first)) {
            install(server, "djddit-site-blue", "djddit-site-red");
            server.check("djddit-red", "manage", "migrate", "--noinput");
            List<BuiltPackage> next = new ArrayList<>(blueMigration);
            next.addAll(redMigration);
            publish(server, next);

            CommandResult blue = server.check("apt-get", "install", "--yes", "djddit-site-blue");
            assertThat(blue.output()).anyMatch(line -> line.contains("applying migrations"));
            assertThat(server.check("djddit-blue", "manage", "showmigrations", "notes").output())
                    .anyMatch(line -> line.contains("[X] 0002_note_priority"));

            CommandResult red = server.check("apt-get", "install", "--yes", "djddit-site-red");
            assertThat(red.output()).anyMatch(line -> line.contains("djddit-site-red: the database has unapplied"
                    + " migrations; migrate is false for this variant, so apply them yourself: djddit-red manage"
                    + " migrate"));
            assertThat(server.check("djddit-red", "manage", "showmigrations", "notes").output())
                    .anyMatch(line -> line.contains("[ ] 0002_note_priority"));
            assertThat(new SiteClient("red.example.com", PORT).get("/health/").body()).isEqualTo("ok 4\n");
        }
    }

    @Test
    void autoremoveRemoveAndPurgeKeepWhatIsInUseAndTheData(@TempDir Path scenario) throws Exception {
        try (BootedTarget server = server(scenario, blue1)) {
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

    @Test
    void configuringAgainChangesNothingAndKeepsTheSecretKey(@TempDir Path scenario) throws Exception {
        try (BootedTarget server = server(scenario, blue1)) {
            install(server, "djddit-site-blue");
            String snapshot = "find /etc/djddit-site /var/lib/djddit-site /srv/djddit-site /etc/nginx/sites-enabled"
                    + " /etc/systemd/system -path '*/media/*' -prune -o -printf '%p %m %u %g %l\\n' | sort;"
                    + " cat /etc/djddit-site/blue/secrets.env;"
                    + " cd / && runuser -u postgres -- psql -Atc \"SELECT datname FROM pg_database ORDER BY 1\";"
                    + " rabbitmqctl --quiet list_vhosts | sort";
            List<String> before = server.sh(snapshot).output();

            server.check("dpkg-reconfigure", "djddit-site-blue");
            server.sh("/var/lib/dpkg/info/djddit-site-blue.postinst configure"
                    + " \"$(dpkg-query -W -f '${Version}' djddit-site-blue)\"");

            assertThat(server.sh(snapshot).output()).isEqualTo(before);
            Matcher key = Pattern.compile("SECRET_KEY=\"([0-9a-f]{64})\"").matcher(String.join("\n", before));
            assertThat(key.find()).isTrue();
            awaitOk(new SiteClient("blue.example.com", PORT), "/");
        }
    }

    // Faults on the server: the running version keeps serving and no data is lost.

    @Test
    void upgradeWithPostgresqlStoppedFailsSaysWhatToDoAndCompletesLater(@TempDir Path scenario) throws Exception {
        try (BootedTarget server = server(scenario, blue1)) {
            install(server, "djddit-site-blue");
            SiteClient site = new SiteClient("blue.example.com", PORT);
            String id = site.post("/api/notes/", Map.of("text", "written before")).body().replaceAll("\\D", "");
            server.check("systemctl", "stop", "postgresql");
            publish(server, blue2);

            CommandResult failed = server.run("apt-get", "install", "--yes", "djddit-site-blue");
            assertThat(failed.exitCode()).isNotZero();
            assertThat(failed.output()).anyMatch(line -> line.contains("djddit-site-blue: PostgreSQL is not running, so"
                    + " the database djddit-blue cannot be set up. Start it (systemctl start postgresql), then finish"
                    + " the installation with 'dpkg --configure -a' (or apt-get install -f)."));
            assertThat(site.get("/health/").body()).as("the previous version keeps serving").isEqualTo("ok 1\n");

            server.check("systemctl", "start", "postgresql");
            server.check("apt-get", "install", "--fix-broken", "--yes");
            assertThat(site.get("/health/").body()).isEqualTo("ok 2\n");
            assertThat(site.get("/api/notes/" + id + "/").body()).contains("written before");
        }
    }

    @Test
    void failingMigrationKeepsTheOldCodeServingUntilAFixedReleaseInstalls(@TempDir Path scenario) throws Exception {
        try (BootedTarget server = server(scenario, blue1)) {
            install(server, "djddit-site-blue");
            SiteClient site = new SiteClient("blue.example.com", PORT);
            publish(server, blueBadMigration);

            CommandResult failed = server.run("apt-get", "install", "--yes", "djddit-site-blue");
            assertThat(failed.exitCode()).isNotZero();
            assertThat(failed.output()).anyMatch(line -> line.contains("RuntimeError: djdd test: this migration fails"))
                    .anyMatch(line -> line.contains("djddit-site-blue: migrate failed (Django's error is above); the"
                            + " site stays on the version it runs."));
            assertThat(site.get("/health/").body()).isEqualTo("ok 1\n");
            assertThat(server.check("djddit-blue", "version").output())
                    .anyMatch(line -> line.startsWith("src  " + hash(blue1, 1)));

            publish(server, blueFixedMigration);
            server.check("apt-get", "install", "--yes", "djddit-site-blue");
            assertThat(site.get("/health/").body()).isEqualTo("ok 6\n");
            assertThat(server.check("djddit-blue", "manage", "showmigrations", "notes").output())
                    .anyMatch(line -> line.contains("[X] 0002_data"));
        }
    }

    @Test
    void dpkgKilledDuringAnUpgradeLeavesOneConsistentVersion(@TempDir Path scenario) throws Exception {
        try (BootedTarget server = server(scenario, blue1)) {
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
