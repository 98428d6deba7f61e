package io.github.djdd.it;

import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.project.ProjectPromote;
import io.github.djdd.core.project.PublishRequest;
import io.github.djdd.core.publish.Channel;
import io.github.djdd.core.publish.TestDebs;
import io.github.djdd.core.publish.ValidFor;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.store.BuiltPackage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A fleet on this machine ({@link FleetIT}): a database server with PostgreSQL and RabbitMQ, three
 * app servers and an nginx load balancer in front of them, each a booted Debian server
 * ({@link BootedTarget}) in a network of their own ({@link FleetNetwork}), booted together from
 * one image ({@link FleetImage}). The app servers install the site packages with plain apt from
 * {@code djdd:publish}'s signed folder repository, bound into them: the canary follows its staging
 * channel, the others production, each pinning the repository's origin above 1000 so that it
 * follows its channel back as well as forward. Each scenario has variants of its own (their own
 * database, vhost, users and server names on the shared servers).
 */
final class Fleet implements AutoCloseable {
    static final String SUITE = ItSupport.SUITE;
    /** The database server's name in the app servers' /etc/hosts, as the sites' URLs name it. */
    static final String DATABASE_HOST = "fleet-db";
    private static final Instant MAIN = Instant.parse("2026-11-01T12:00:00Z");
    private static final String SOFTWARE = SiteServers.SOFTWARE.value();
    /** The servers' names and their last address byte. */
    private static final Map<String, Integer> ADDRESSES = Map.of(DATABASE_HOST, 1, "fleet-lb", 2, "fleet-app1", 11,
            "fleet-app2", 12, "fleet-app3", 13);
    /** Timers that would run apt at any moment; a fleet upgrades in its window ({@link #UPGRADES_SERVICE}). */
    private static final List<String> APT_TIMERS = List.of("apt-daily.timer", "apt-daily-upgrade.timer");

    /**
     * unattended-upgrades for the software's packages alone, as the site's fleet page configures it:
     * this run knows only the software's repository, with package lists of its own.
     */
    static final String UPGRADES_CONF = String.join("\n",
            "// Read (APT_CONFIG) by " + SOFTWARE + "-upgrades.service alone: only the software's repository is",
            "// known to this run (package lists of its own), so nothing else can change; the pin lets it",
            "// follow its channel back too.",
            "Dir::Etc::sourcelist \"/dev/null\";",
            "Dir::Etc::sourceparts \"/etc/apt/" + SOFTWARE + "-upgrades.sources.d\";",
            "Dir::State::lists \"/var/lib/apt/" + SOFTWARE + "-upgrades-lists/\";",
            "Dir::Cache::pkgcache \"\";",
            "Dir::Cache::srcpkgcache \"\";",
            "Unattended-Upgrade::Origins-Pattern { \"origin=" + SOFTWARE + "\"; };",
            "Unattended-Upgrade::Allow-downgrade \"true\";",
            "Dpkg::Options { \"--force-confdef\"; \"--force-confold\"; };", "");
    static final String UPGRADES_SERVICE = String.join("\n",
            "[Unit]",
            "Description=Upgrade " + SOFTWARE + "'s packages (unattended-upgrades, in the window of its timer)",
            "After=network-online.target",
            "Wants=network-online.target",
            "",
            "[Service]",
            "Type=oneshot",
            "Environment=APT_CONFIG=/etc/apt/" + SOFTWARE + "-upgrades.conf",
            "ExecStart=/usr/bin/apt-get update -q",
            "ExecStart=/usr/bin/unattended-upgrade -v", "");
    static final String UPGRADES_TIMER = String.join("\n",
            "[Unit]",
            "Description=The window in which " + SOFTWARE + "'s packages are upgraded",
            "",
            "[Timer]",
            "OnCalendar=Mon..Thu 10:00",
            "RandomizedDelaySec=2h",
            "",
            "[Install]",
            "WantedBy=timers.target", "");
    static final String PIN = "Package: *\nPin: release o=" + SOFTWARE + "\nPin-Priority: 1001\n";

    /** An app server: the canary follows staging. */
    record App(String name, BootedTarget server, boolean canary) {}

    private final Path dir;
    private final Releases releases;
    private final Path repository;
    private final Path key;
    private final String secretKey = random() + random();
    /** The password of each variant's database role and broker user, by variant name. */
    private final Map<String, String> passwords = new java.util.concurrent.ConcurrentHashMap<>();
    private final FleetNetwork network;
    private final List<BootedTarget> servers = new ArrayList<>();
    private BootedTarget db;
    private List<App> apps;
    private UnixSocketRelay relay;
    private String postgresLog;

    private Fleet(Path dir, Releases releases, FleetNetwork network) throws Exception {
        this.dir = dir;
        this.releases = releases;
        this.network = network;
        this.repository = dir.resolve("repository");
        this.key = TestDebs.gpgKey(Files.createDirectories(dir.resolve("signing")), "fleet", "");
    }

    /**
     * An upstream with the fleet's releases: fleet-1 (code version 1, with a Celery task that works until
     * the test releases it), fleet-2 (version 2 and a schema migration), fleet-bad (every view
     * fails), fleet-deaf (its Celery worker stops at its start) and fleet-bad-migration (its
     * migration fails), and a fleet whose servers boot from an image with everything the
     * {@code variants}' site packages of fleet-1 need.
     */
    static Fleet start(Path dir, SiteVariant... variants) throws Exception {
        Path upstream = SampleProject.create(dir, Map.of());
        String tasks = Files.readString(upstream.resolve("notes/tasks.py"));
        SampleProject.branch(upstream, "main", "fleet-1", Map.of("notes/tasks.py", tasks.replace(
                "from celery import shared_task\n", "import socket\nimport time\n\nfrom celery import shared_task\n")
                + "\n\n@shared_task\ndef process_when_released(note_id, seconds):\n"
                + "    \"\"\"Works until the note's text is 'released' (for at most SECONDS), then marks it processed;\n"
                + "    says on which server it started.\"\"\"\n"
                + "    Note.objects.filter(pk=note_id).update(text=\"started on \" + socket.gethostname())\n"
                + "    deadline = time.monotonic() + seconds\n"
                + "    while not Note.objects.filter(pk=note_id, text=\"released\").exists():\n"
                + "        if time.monotonic() > deadline:\n"
                + "            return\n"
                + "        time.sleep(0.2)\n"
                + "    Note.objects.filter(pk=note_id).update(processed=True)\n"), MAIN.plusSeconds(3600));
        SampleProject.branch(upstream, "fleet-1", "fleet-2", Map.of(
                "mysite/version.py", "CODE_VERSION = \"2\"\n",
                "notes/models.py", Files.readString(upstream.resolve("notes/models.py"))
                        .replace("    processed = models.BooleanField(default=False)\n",
                                "    processed = models.BooleanField(default=False)\n"
                                        + "    priority = models.IntegerField(default=0)\n"),
                "notes/migrations/0002_note_priority.py", "from django.db import migrations, models\n\n\n"
                        + "class Migration(migrations.Migration):\n"
                        + "    dependencies = [(\"notes\", \"0001_initial\")]\n"
                        + "    operations = [\n"
                        + "        migrations.AddField(model_name=\"note\", name=\"priority\","
                        + " field=models.IntegerField(default=0)),\n"
                        + "    ]\n"), MAIN.plusSeconds(7200));
        SampleProject.branch(upstream, "fleet-1", "fleet-bad", Map.of(
                "mysite/version.py", "CODE_VERSION = \"bad\"\n",
                "mysite/urls.py", "from django.urls import re_path\n\n\n"
                        + "def broken(request):\n"
                        + "    raise RuntimeError(\"djdd test: every view of this release fails\")\n\n\n"
                        + "urlpatterns = [re_path(r\"\", broken)]\n"), MAIN.plusSeconds(7200));
        // Its views answer; its Celery worker stops at its start (no folder for the state file it asks for).
        SampleProject.branch(upstream, "fleet-1", "fleet-deaf", Map.of(
                "mysite/version.py", "CODE_VERSION = \"deaf\"\n",
                "mysite/settings.py", Files.readString(upstream.resolve("mysite/settings.py"))
                        + "\nCELERY_WORKER_STATE_DB = \"/var/lib/celery/worker-state\"\n"), MAIN.plusSeconds(10800));
        SampleProject.branch(upstream, "fleet-1", "fleet-bad-migration", SiteServers.migration("bad migration",
                "migrations.RunPython(fail)", SiteServers.FAILING_MIGRATION), MAIN.plusSeconds(14400));
        Releases releases = new Releases(upstream);
        List<BuiltPackage> first = releases.release(SUITE, "fleet-1", variants);
        Path image = FleetImage.of(SUITE, SOFTWARE, first);
        FleetNetwork network = FleetNetwork.create();
        Fleet fleet = new Fleet(dir, releases, network);
        try {
            fleet.boot(image);
            for (SiteVariant variant : variants) {
                fleet.publish(variant, Channel.PRODUCTION);
                fleet.publish(variant, Channel.STAGING);
            }
            fleet.followChannels();
        } catch (Exception | AssertionError e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    /** A variant of a scenario: its database and broker on the database server, secrets on each server. */
    static SiteVariant variant(String name, String probeTimeout, String celeryStopTimeout) throws Exception {
        return SiteVariant.builder(new VariantName(name)).serverName(name + ".example.com").database(false)
                .queue(false).migrate(true).secrets(List.of("DATABASE_URL", "CELERY_BROKER_URL")).workers("2")
                .celeryWorkers("1").probeTimeout(probeTimeout).celeryStopTimeout(celeryStopTimeout).build();
    }

    /** Boots the five servers at once, then gives each its address and role. */
    private void boot(Path image) throws Exception {
        Path balancerSocket = Files.createDirectories(dir.resolve("balancer-socket"));
        Map<String, Callable<BootedTarget>> boots = new LinkedHashMap<>();
        boots.put("db", () -> boot(image, "db", List.of("nginx.service", "memcached.service"), Map.of(), List.of()));
        boots.put("lb", () -> boot(image, "lb", List.of("postgresql.service", "rabbitmq-server.service",
                "memcached.service"), Map.of("etc/nginx/sites-enabled/default", balancer()),
                List.of("--bind=" + balancerSocket + ":/srv/balancer")));
        for (int i = 1; i <= 3; i++) {
            int n = i;
            boots.put("app" + n, () -> boot(image, "app" + n, List.of("postgresql.service",
                    "rabbitmq-server.service"), Map.of(), List.of("--bind-ro=" + Files.createDirectories(repository)
                            + ":/srv/djdd-repo")));
        }
        Map<String, BootedTarget> booted = parallel(boots);
        servers.addAll(booted.values());
        db = booted.get("db");
        apps = List.of(new App("fleet-app1", booted.get("app1"), true), new App("fleet-app2", booted.get("app2"), false),
                new App("fleet-app3", booted.get("app3"), false));
        db.sh("conf=$(ls -d /etc/postgresql/*/main) && printf '%s\\n' \"listen_addresses = '*'\""
                + " \"log_statement = 'ddl'\" > $conf/conf.d/fleet.conf"
                + " && echo 'host all all " + FleetNetwork.PREFIX + "0/24 scram-sha-256' >> $conf/pg_hba.conf"
                + " && systemctl restart postgresql && systemctl start rabbitmq-server");
        postgresLog = db.sh("ls /var/log/postgresql/postgresql-*-main.log").output().get(0).strip();
        relay = new UnixSocketRelay(balancerSocket.resolve("lb.sock"));
    }

    private BootedTarget boot(Path image, String name, List<String> masked, Map<String, String> files,
            List<String> options) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(files);
        all.put("etc/hostname", "fleet-" + name + "\n");
        all.put("etc/hosts", hosts("fleet-" + name));
        List<String> links = new ArrayList<>(masked);
        links.addAll(APT_TIMERS);
        BootedTarget server = BootedTarget.bootInFleet(Files.createDirectories(dir.resolve(name)), SUITE, image, network,
                "fleet-" + name, all, links, options);
        try {
            server.check("sh", "-c", "ip link set host0 up && ip address add " + FleetNetwork.PREFIX
                    + ADDRESSES.get("fleet-" + name) + "/24 dev host0");
        } catch (Exception | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * The fleet's names, a server's own on loopback as Debian writes it: it resolves before the
     * fleet's address is up (RabbitMQ's node name is the host's).
     */
    private static String hosts(String self) {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n127.0.1.1 " + self + "\n");
        new java.util.TreeMap<>(ADDRESSES).forEach((name, address) -> {
            if (!name.equals(self)) {
                hosts.append(FleetNetwork.PREFIX).append(address).append(' ').append(name).append('\n');
            }
        });
        return hosts.toString();
    }

    /** The balancer's server block: round robin over the app servers, which each serve every variant on port 80. */
    private static String balancer() {
        return "upstream fleet {\n"
                + "    server " + FleetNetwork.PREFIX + "11:80;\n"
                + "    server " + FleetNetwork.PREFIX + "12:80;\n"
                + "    server " + FleetNetwork.PREFIX + "13:80;\n"
                + "    keepalive 16;\n"
                + "}\n"
                + "server {\n"
                + "    listen unix:/srv/balancer/lb.sock;\n"
                + "    location / {\n"
                + "        proxy_pass http://fleet;\n"
                + "        proxy_http_version 1.1;\n"
                + "        proxy_set_header Connection \"\";\n"
                + "        proxy_set_header Host $host;\n"
                + "    }\n"
                + "}\n";
    }

    List<App> apps() {
        return apps;
    }

    BootedTarget database() {
        return db;
    }

    /** The site through the balancer, as its visitors reach it. */
    SiteClient site(SiteVariant variant) {
        return new SiteClient(variant.serverName(), relay.port());
    }

    List<BuiltPackage> release(String ref, SiteVariant variant) throws Exception {
        return releases.release(SUITE, ref, variant);
    }

    /** What {@code djdd:publish} does with {@code variant}'s last build, into {@code channel}. */
    void publish(SiteVariant variant, Channel channel) throws Exception {
        releases.publish(SUITE, folder(), channel, variant);
    }

    /** What {@code djdd:promote -Dvariant=NAME} does: staging's newest to production. */
    void promote(SiteVariant variant) throws Exception {
        new ProjectPromote(request(variant), new ItSupport.RecordingConsole()).promote(Optional.empty());
    }

    /** What {@code djdd:rollback -Dvariant=NAME} does. */
    void rollback(SiteVariant variant) throws Exception {
        new ProjectPromote(request(variant), new ItSupport.RecordingConsole()).rollback();
    }

    private ProjectPromote.Request request(SiteVariant variant) {
        return new ProjectPromote.Request(SUITE, SiteServers.SOFTWARE, new SiteVariants(List.of(variant), true),
                folder(), 5);
    }

    private PublishRequest.Folder folder() {
        return new PublishRequest.Folder(repository, key, new char[0], new ValidFor(14));
    }

    /**
     * What a scenario's variant needs before its first install, done as their admins would: the
     * database's admin makes its role and database and the broker's its vhost and user; each app
     * server gets the same secrets (one SECRET_KEY for the whole fleet, so that what one server signs
     * the others accept) and the repository as its channel's APT source. {@code canaryDatabaseHost} is
     * the host the canary's DATABASE_URL names, {@code canaryBrokerHost} the one its CELERY_BROKER_URL
     * names.
     */
    void prepare(SiteVariant variant, String canaryDatabaseHost, String canaryBrokerHost) throws Exception {
        String user = user(variant);
        String password = random();
        passwords.put(variant.name().value(), password);
        db.check("runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                "CREATE ROLE \"" + user + "\" LOGIN PASSWORD '" + password + "'", "-c",
                "CREATE DATABASE \"" + user + "\" OWNER \"" + user + "\"");
        db.sh("rabbitmqctl --quiet add_vhost " + user + " && rabbitmqctl --quiet add_user " + user + " " + password
                + " && rabbitmqctl --quiet set_permissions -p " + user + " " + user + " '.*' '.*' '.*'");
        for (App app : apps) {
            String secrets = "SECRET_KEY=\"" + secretKey + "\"\n"
                    + "DATABASE_URL=\"" + databaseUrl(variant, app.canary() ? canaryDatabaseHost : DATABASE_HOST)
                    + "\"\nCELERY_BROKER_URL=\"" + brokerUrl(variant, app.canary() ? canaryBrokerHost : DATABASE_HOST)
                    + "\"\n";
            app.server().check("install", "-d", "-m", "0755", "/etc/" + SOFTWARE + "-site/" + variant.name());
            app.server().write("/etc/" + SOFTWARE + "-site/" + variant.name() + "/secrets.env",
                    secrets.getBytes(StandardCharsets.UTF_8), "0600");
        }
    }

    /** The variant's DATABASE_URL, its database on the database server. */
    String databaseUrl(SiteVariant variant) {
        return databaseUrl(variant, DATABASE_HOST);
    }

    private String databaseUrl(SiteVariant variant, String host) {
        return "postgres://" + user(variant) + ":" + passwords.get(variant.name().value()) + "@" + host + "/"
                + user(variant);
    }

    /** The variant's CELERY_BROKER_URL, its vhost on the database server's RabbitMQ. */
    String brokerUrl(SiteVariant variant) {
        return brokerUrl(variant, DATABASE_HOST);
    }

    private String brokerUrl(SiteVariant variant, String host) {
        return "amqp://" + user(variant) + ":" + passwords.get(variant.name().value()) + "@" + host + ":5672/"
                + user(variant);
    }

    /** Makes the app servers APT clients of the repository, each following its channel: once it has both. */
    void followChannels() throws Exception {
        for (App app : apps) {
            BootedTarget server = app.server();
            server.write("/usr/share/keyrings/" + SOFTWARE + "-archive-keyring.gpg",
                    Files.readAllBytes(repository.resolve(SOFTWARE + "-archive-keyring.gpg")), "0644");
            server.write("/etc/apt/sources.list", new byte[0], "0644");
            server.write("/etc/apt/sources.list.d/" + SOFTWARE + ".sources", ("Types: deb\nURIs: file:/srv/djdd-repo\n"
                    + "Suites: " + (app.canary() ? Channel.STAGING : Channel.PRODUCTION).distribution(SUITE)
                    + "\nComponents: main\nSigned-By: /usr/share/keyrings/" + SOFTWARE + "-archive-keyring.gpg\n")
                    .getBytes(StandardCharsets.UTF_8), "0644");
            server.write("/etc/apt/preferences.d/" + SOFTWARE, PIN.getBytes(StandardCharsets.UTF_8), "0644");
            server.write("/etc/apt/" + SOFTWARE + "-upgrades.conf", UPGRADES_CONF.getBytes(StandardCharsets.UTF_8),
                    "0644");
            server.check("sh", "-c", "mkdir -p /etc/apt/" + SOFTWARE + "-upgrades.sources.d && ln -sfn"
                    + " ../sources.list.d/" + SOFTWARE + ".sources /etc/apt/" + SOFTWARE + "-upgrades.sources.d/");
            server.write("/etc/systemd/system/" + SOFTWARE + "-upgrades.service",
                    UPGRADES_SERVICE.getBytes(StandardCharsets.UTF_8), "0644");
            server.write("/etc/systemd/system/" + SOFTWARE + "-upgrades.timer",
                    UPGRADES_TIMER.getBytes(StandardCharsets.UTF_8), "0644");
            server.check("systemctl", "daemon-reload");
        }
    }

    /** One server's install, as an operator (or the fleet's tooling) runs it: what apt said and how long it took. */
    record Install(App app, CommandResult result, double seconds) {
        String output() {
            return String.join("\n", result.output());
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%s: exit code %d in %.1f s", app.name(), result.exitCode(),
                    seconds);
        }
    }

    /** {@code apt-get install} of the variant's site on {@code app}: the newest its channel has. */
    static Install install(App app, SiteVariant variant) throws Exception {
        long start = System.nanoTime();
        app.server().check("apt-get", "update", "-q");
        CommandResult result = app.server().run("apt-get", "install", "--yes", "--allow-downgrades", "-o",
                "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold", sitePackage(variant));
        return new Install(app, result, (System.nanoTime() - start) / 1e9);
    }

    /**
     * What the window's unattended-upgrades run does on {@code app}: its service started now. The
     * output is what it logged this time, the maintainer scripts' included.
     */
    static Install unattendedUpgrade(App app) throws Exception {
        String logs = "/var/log/unattended-upgrades/unattended-upgrades.log"
                + " /var/log/unattended-upgrades/unattended-upgrades-dpkg.log";
        app.server().sh("mkdir -p /var/log/unattended-upgrades && touch " + logs + " && for log in " + logs
                + "; do wc -l < $log > $log.before; done");
        long start = System.nanoTime();
        CommandResult result = app.server().run("systemctl", "start", SOFTWARE + "-upgrades.service");
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> output = new ArrayList<>(result.output());
        output.addAll(app.server().sh("for log in " + logs + "; do tail -n +$(($(cat $log.before) + 1)) $log; done")
                .output());
        return new Install(app, new CommandResult(result.exitCode(), output), seconds);
    }

    /** Runs {@code step} on each of {@code apps} at the same moment; prints and returns each server's result. */
    static List<Install> atOnce(List<App> apps, Step step) throws Exception {
        Map<String, Callable<Install>> steps = new LinkedHashMap<>();
        for (App app : apps) {
            steps.put(app.name(), () -> step.run(app));
        }
        List<Install> installs = new ArrayList<>(parallel(steps).values());
        installs.forEach(install -> System.out.printf("[measure] %s: %.1f s, exit code %d%n", install.app().name(),
                install.seconds(), install.result().exitCode()));
        return installs;
    }

    @FunctionalInterface
    interface Step {
        Install run(App app) throws Exception;
    }

    /** Runs {@code action} on each of {@code apps} at the same moment. */
    static void onEach(List<App> apps, Action action) throws Exception {
        Map<String, Callable<Void>> actions = new LinkedHashMap<>();
        for (App app : apps) {
            actions.put(app.name(), () -> {
                action.run(app);
                return null;
            });
        }
        parallel(actions);
    }

    @FunctionalInterface
    interface Action {
        void run(App app) throws Exception;
    }

    private static <T> Map<String, T> parallel(Map<String, Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            Map<String, Future<T>> futures = new LinkedHashMap<>();
            tasks.forEach((name, task) -> futures.put(name, pool.submit(task)));
            Map<String, T> results = new LinkedHashMap<>();
            Exception failure = null;
            for (Map.Entry<String, Future<T>> future : futures.entrySet()) {
                try {
                    results.put(future.getKey(), future.getValue().get());
                } catch (java.util.concurrent.ExecutionException e) {
                    Exception cause = e.getCause() instanceof Exception c ? c : new Exception(e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                }
            }
            if (failure != null) {
                for (T result : results.values()) {
                    if (result instanceof AutoCloseable closeable) {
                        closeable.close();
                    }
                }
                throw failure;
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    static String sitePackage(SiteVariant variant) {
        return SOFTWARE + "-site-" + variant.name();
    }

    static String user(SiteVariant variant) {
        return SOFTWARE + "-" + variant.name();
    }

    /** One value from the variant's database on the database server. */
    String query(SiteVariant variant, String sql) throws Exception {
        return String.join("\n", db.check("runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-t", "-A", "-d",
                user(variant), "-c", sql).output()).strip();
    }

    /** The lines of PostgreSQL's log about {@code variant}'s database that contain {@code text}. */
    List<String> postgresLog(SiteVariant variant, String text) throws Exception {
        return db.check("grep", "-F", "--", text, postgresLog).output().stream()
                .filter(line -> line.contains(user(variant) + "@" + user(variant))).toList();
    }

    private static String random() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        if (relay != null) {
            relay.close();
        }
        for (BootedTarget server : servers) {
            try {
                server.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        network.close();
        if (failure != null) {
            throw failure;
        }
    }
}
