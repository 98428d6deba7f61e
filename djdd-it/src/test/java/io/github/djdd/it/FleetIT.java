package io.github.djdd.it;

import static io.github.djdd.it.SiteServers.awaitOk;
import static io.github.djdd.it.SiteServers.hash;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.publish.Channel;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.store.BuiltPackage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * A fleet, not one server ({@link Fleet}): a database server, three app servers behind an nginx
 * load balancer, clients through the balancer. Each scenario installs a variant of its own on the
 * shared servers (its own database and vhost on the database server, its own sites on the app
 * servers) from the signed repository, the canary following its staging channel, and prints the
 * figures of the load and the time each server took.
 *
 * <p>The fleet has a network of its own ({@link FleetNetwork}): nothing of it listens on the host's
 * ports, so the class runs beside the others (the servers of {@link ServerIT} and its kind share
 * the host's), its scenarios one after the other on the class's own thread.
 */
@ExtendWith(ScenarioTimes.class)
@Execution(ExecutionMode.CONCURRENT)
class FleetIT {
    private static final SiteVariant ROLLOUT = variant("rollout", "30", "600");
    private static final SiteVariant REFUSED = variant("refused", "15", "600");
    /** Its worker's warm shutdown may last 90 s: the Celery task of its scenario is held for less. */
    private static final SiteVariant RUSH = variant("rush", "30", "90");
    private static final String MIGRATION = "0002_note_priority";
    /** The paced clients: enough requests in flight at every moment, CPU left for the servers' work. */
    private static final int CLIENTS = 8;
    private static final Duration PAUSE = Duration.ofMillis(20);

    @TempDir
    static Path dir;

    /** The fleet the scenarios share, booted by the first that needs it. */
    private static Fleet fleet;
    private static int fleets;

    /**
     * Runs {@code scenario} on the shared fleet. A failed scenario may have left its servers in any
     * state (a package half configured, which the next install would configure again): the fleet is
     * powered off, and the next scenario boots a new one.
     */
    private static synchronized void onFleet(Scenario scenario) throws Exception {
        if (fleet == null) {
            fleet = Fleet.start(java.nio.file.Files.createDirectories(dir.resolve("fleet-" + ++fleets)), ROLLOUT,
                    REFUSED, RUSH);
        }
        try {
            scenario.run();
        } catch (Exception | AssertionError e) {
            try {
                powerOffTheFleet();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface Scenario {
        void run() throws Exception;
    }

    @AfterAll
    static synchronized void powerOffTheFleet() throws Exception {
        if (fleet != null) {
            Fleet off = fleet;
            fleet = null;
            off.close();
        }
    }

    private static SiteVariant variant(String name, String probeTimeout, String celeryStopTimeout) {
        try {
            return Fleet.variant(name, probeTimeout, celeryStopTimeout);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The variant installed from fleet-1 on every server, each server at once, serving through the balancer. */
    private static List<BuiltPackage> installed(SiteVariant variant) throws Exception {
        fleet.prepare(variant, Fleet.DATABASE_HOST, Fleet.DATABASE_HOST);
        List<Fleet.Install> installs = Fleet.atOnce(fleet.apps(), app -> Fleet.install(app, variant));
        assertThat(installs).allSatisfy(install -> assertThat(install.result().succeeded()).as(install.output()).isTrue());
        awaitOk(fleet.site(variant), "/health/");
        return fleet.release("fleet-1", variant);
    }

    /** Runs {@code upgrade} with paced clients requesting the site through the balancer; none may fail. */
    private static <T> T underLoad(SiteVariant variant, String what, Callable<T> upgrade) throws Exception {
        SiteClient site = fleet.site(variant);
        String report;
        List<String> failures;
        T result;
        try (SiteClient.Load load = site.load("/health/", CLIENTS, PAUSE)) {
            load.awaitServed(200);
            result = upgrade.call();
            load.awaitServed(load.served() + 200);
            report = load.stop();
            failures = load.failures();
        }
        System.out.println("[measure] " + what + ", " + CLIENTS + " paced clients through the balancer: " + report);
        assertThat(failures).as(report).isEmpty();
        return result;
    }

    private static String src(Fleet.App app, SiteVariant variant) throws Exception {
        return app.server().check(Fleet.user(variant), "version").output().stream()
                .filter(line -> line.startsWith("src  ")).findFirst().orElseThrow().split("\\s+")[1];
    }

    private static String version(List<BuiltPackage> release) {
        return release.get(2).file().getFileName().toString().split("_")[1];
    }

    /**
     * A good release goes to the canary (staging), then, promoted, to the other two in their window
     * (unattended-upgrades), and back when production is rolled back: no request through the
     * balancer fails, and the migration runs once. First, the canary's DATABASE_URL names a host
     * that is not there: its install fails naming it, before anything switched, and completes with
     * 'dpkg --configure -a' once the URL is right.
     */
    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aGoodReleaseGoesToTheCanaryThenToAllAndBack() throws Exception {
        onFleet(() -> {
            Fleet.App canary = fleet.apps().get(0);
            fleet.prepare(ROLLOUT, "fleet-nodb", Fleet.DATABASE_HOST);
            theCanaryFailsNamingTheHostUntilItsSecretIsRight(ROLLOUT, "cannot connect to the database djddit-rollout"
                    + " at fleet-nodb (", "DATABASE_URL", fleet.databaseUrl(ROLLOUT));

            List<BuiltPackage> second = fleet.release("fleet-2", ROLLOUT);
            List<Fleet.Install> rest = underLoad(ROLLOUT, "canary, then the rest", () -> {
                fleet.publish(ROLLOUT, Channel.STAGING);
                Fleet.Install onCanary = Fleet.atOnce(List.of(canary), app -> Fleet.install(app, ROLLOUT)).get(0);
                assertThat(onCanary.result().succeeded()).as(onCanary.output()).isTrue();
                assertThat(onCanary.output()).contains("Applying notes." + MIGRATION + "... OK");
                assertThat(src(canary, ROLLOUT)).isEqualTo(hash(second, 1));
                fleet.promote(ROLLOUT);
                return Fleet.atOnce(fleet.apps().subList(1, 3), Fleet::unattendedUpgrade);
            });
            assertThat(rest).allSatisfy(install -> {
                assertThat(install.result().succeeded()).as(install.output()).isTrue();
                assertThat(install.output()).contains("No migrations to apply.");
            });
            for (Fleet.App app : fleet.apps()) {
                assertThat(src(app, ROLLOUT)).as(app.name()).isEqualTo(hash(second, 1));
            }
            assertThat(fleet.site(ROLLOUT).get("/health/").body()).isEqualTo("ok 2\n");
            assertThat(fleet.query(ROLLOUT, "SELECT count(*) FROM django_migrations WHERE name = '" + MIGRATION + "'"))
                    .isEqualTo("1");
            assertThat(fleet.postgresLog(ROLLOUT, "ALTER TABLE \"notes_note\" ADD COLUMN \"priority\"")).hasSize(1);

            // Production rolled back: the servers that follow it go back in their window; the canary stays.
            fleet.rollback(ROLLOUT);
            underLoad(ROLLOUT, "rollback of the rest", () -> Fleet.atOnce(fleet.apps().subList(1, 3),
                    Fleet::unattendedUpgrade));
            for (Fleet.App app : fleet.apps().subList(1, 3)) {
                assertThat(src(app, ROLLOUT)).as(app.name()).isEqualTo(hash(fleet.release("fleet-1", ROLLOUT), 1));
            }
        });
    }

    /**
     * A Celery task that runs until the test releases it, sent through the site's code on the canary,
     * and the worker that runs it.
     */
    private static final class HeldTask {
        private final SiteVariant variant;
        private final String worker;
        private final String id;
        private final Fleet.App running;

        private HeldTask(SiteVariant variant, String id, Fleet.App running) {
            this.variant = variant;
            this.worker = Fleet.user(variant) + "-celery.service";
            this.id = id;
            this.running = running;
        }

        /** Sends the task and waits until a worker runs it. */
        static HeldTask start(SiteVariant variant) throws Exception {
            String id = fleet.apps().get(0).server().check(Fleet.user(variant), "manage", "shell", "-c",
                    "from notes.models import Note\nfrom notes.tasks import process_when_released\n"
                            + "note = Note.objects.create(text='held')\nprocess_when_released.delay(note.pk, 600)\n"
                            + "print(note.pk)").output().stream().reduce((a, b) -> b).orElseThrow().strip();
            String where = awaitQuery(variant, "SELECT text FROM notes_note WHERE id = " + id, "started on ",
                    Duration.ofMinutes(1));
            Fleet.App running = fleet.apps().stream().filter(app -> where.equals("started on " + app.name()))
                    .findFirst().orElseThrow(() -> new AssertionError(where));
            return new HeldTask(variant, id, running);
        }

        /**
         * Once every install finished: the old worker of the task's server is still finishing it (a
         * warm shutdown, for up to the variant's celeryStopTimeout), the others run the new release.
         */
        void isFinishedByTheOldWorker() throws Exception {
            BootedTarget server = running.server();
            assertThat(server.run("systemctl", "is-active", worker).output())
                    .as("the old worker on " + running.name() + ", finishing the task").containsExactly("deactivating");
            assertThat(server.check("systemctl", "cat", worker).output())
                    .contains("TimeoutStopSec=" + variant.celeryStopTimeout(), "KillMode=mixed");
            assertThat(fleet.query(variant, "SELECT processed FROM notes_note WHERE id = " + id)).isEqualTo("f");
            // Another install meanwhile (the same version again) does not wait for the old worker either.
            long start = System.nanoTime();
            CommandResult again = server.run("apt-get", "install", "--reinstall", "--yes", Fleet.sitePackage(variant));
            System.out.printf("[measure] %s: installed again in %.1f s while its old worker finishes the task%n",
                    running.name(), (System.nanoTime() - start) / 1e9);
            assertThat(again.succeeded()).as(String.join("\n", again.output())).isTrue();
            assertThat(again.output()).contains(Fleet.sitePackage(variant) + ": " + worker + " finishes its running tasks"
                    + " (for up to " + variant.celeryStopTimeout() + " s), then starts on the new release");
            assertThat(server.run("systemctl", "is-active", worker).output()).containsExactly("deactivating");
            assertThat(fleet.query(variant, "SELECT processed FROM notes_note WHERE id = " + id)).isEqualTo("f");
            long released = System.nanoTime();
            fleet.query(variant, "UPDATE notes_note SET text = 'released' WHERE id = " + id);
            assertThat(awaitQuery(variant, "SELECT processed FROM notes_note WHERE id = " + id, "t",
                    Duration.ofSeconds(variant.celeryStopTimeout()))).isEqualTo("t");
            awaitActive(running, worker);
            System.out.printf("[measure] the held task on %s stored its result, and a new worker runs, %.1f s after"
                    + " the test released it%n", running.name(), (System.nanoTime() - released) / 1e9);
            for (Fleet.App app : fleet.apps()) {
                awaitActive(app, worker);
                assertThat(app.server().check("sh", "-c", "readlink /proc/$(systemctl show --property MainPID"
                        + " --value " + worker + ")/cwd").output()).as("the worker's src on " + app.name())
                        .containsExactly(app.server().check("readlink", "/var/lib/djddit-site/" + variant.name()
                                + "/src").output().get(0));
            }
        }
    }

    /**
     * Releases that fail their checks, each refused while every server keeps serving the previous
     * version and no request through the balancer fails. First, the canary's CELERY_BROKER_URL names
     * a host that is not there: its first install fails naming it, and completes with 'dpkg
     * --configure -a' once the URL is right. Then, on the canary (staging): a release whose views
     * fail (the probe gets a 500: the install fails with that answer and the journal's last lines)
     * and one whose Celery worker does not start (its ping goes unanswered); installing the previous
     * version leaves dpkg with nothing to do. Last, promoted to every server, a release whose
     * migration fails: all three install it at the same moment, and each stops before its switch;
     * production is rolled back.
     */
    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void releasesThatFailTheirChecksAreRefusedAndEveryServerKeepsServing() throws Exception {
        onFleet(() -> {
            fleet.prepare(REFUSED, Fleet.DATABASE_HOST, "fleet-nobroker");
            theCanaryFailsNamingTheHostUntilItsSecretIsRight(REFUSED, "cannot connect to Celery's broker at"
                    + " amqp://djddit-refused:**@fleet-nobroker:5672/djddit-refused (", "CELERY_BROKER_URL",
                    fleet.brokerUrl(REFUSED));
            List<BuiltPackage> first = fleet.release("fleet-1", REFUSED);

            Fleet.Install failing = refusedOnTheCanary("fleet-bad", first);
            assertThat(failing.output()).contains("djddit-site-refused: the new release, started beside the running one,"
                    + " answers / (Host: refused.example.com) with HTTP 500: ",
                    "The last lines of djddit-refused-next.service's log");
            Fleet.Install deaf = refusedOnTheCanary("fleet-deaf", first);
            assertThat(deaf.output()).contains("djddit-site-refused: the new release's Celery worker"
                    + " djddit-refused-next@fleet-app1 did not answer a ping within 15 s",
                    "The last lines of djddit-refused-next-celery.service's log");

            fleet.release("fleet-bad-migration", REFUSED);
            fleet.publish(REFUSED, Channel.STAGING);
            fleet.promote(REFUSED);
            List<Fleet.Install> migrations = underLoad(REFUSED, "a failing migration on three servers at once",
                    () -> Fleet.atOnce(fleet.apps(), app -> Fleet.install(app, REFUSED)));
            assertThat(migrations).allSatisfy(install -> {
                assertThat(install.result().succeeded()).as(install.output()).isFalse();
                assertThat(install.output()).contains("djdd test: this migration fails",
                        "djddit-site-refused: migrate failed (Django's error is above); the site stays on the version"
                                + " it runs.");
            });
            assertThat(fleet.query(REFUSED, "SELECT count(*) FROM django_migrations WHERE app = 'notes'"))
                    .isEqualTo("1");
            // Production back to the release the servers run: no later upgrade run takes the failed one.
            fleet.rollback(REFUSED);
            keepServing(first);
        });
    }

    /**
     * The first install of {@code variant} on every server at once, whose canary has a wrong
     * {@code secret}: there it fails with {@code sentence} before anything switched, the others
     * serve; with the secret set right, 'dpkg --configure -a' finishes it.
     */
    private static void theCanaryFailsNamingTheHostUntilItsSecretIsRight(SiteVariant variant, String sentence,
            String secret, String value) throws Exception {
        List<Fleet.Install> installs = Fleet.atOnce(fleet.apps(), app -> Fleet.install(app, variant));
        assertThat(installs.get(0).result().succeeded()).isFalse();
        assertThat(installs.get(0).output()).contains(Fleet.sitePackage(variant) + ": " + sentence);
        assertThat(installs.subList(1, 3)).allSatisfy(install -> assertThat(install.result().succeeded())
                .as(install.output()).isTrue());
        fleet.apps().get(0).server().check("sh", "-c", "printf '%s\\n' \"$1\" | " + Fleet.user(variant)
                + " secret set " + secret, "set", value);
        fleet.apps().get(0).server().check("dpkg", "--configure", "-a");
        awaitOk(fleet.site(variant), "/health/");
    }

    /**
     * Publishes the release {@code ref} to staging and installs it on the canary under load: refused.
     * Every server keeps serving {@code previous}; the canary's package, half configured, goes back to
     * it with apt.
     */
    private static Fleet.Install refusedOnTheCanary(String ref, List<BuiltPackage> previous) throws Exception {
        Fleet.App canary = fleet.apps().get(0);
        fleet.release(ref, REFUSED);
        Fleet.Install refused = underLoad(REFUSED, "the refused release " + ref + " on the canary", () -> {
            fleet.publish(REFUSED, Channel.STAGING);
            return Fleet.atOnce(List.of(canary), app -> Fleet.install(app, REFUSED)).get(0);
        });
        assertThat(refused.result().succeeded()).as(refused.output()).isFalse();
        assertThat(canary.server().check("dpkg-query", "--show", "--showformat=${db:Status-Status}",
                Fleet.sitePackage(REFUSED)).output()).containsExactly("half-configured");
        keepServing(previous);
        return refused;
    }

    /** Every server runs {@code previous} (put back with apt where its package is half configured), and serves it. */
    private static void keepServing(List<BuiltPackage> previous) throws Exception {
        for (Fleet.App app : fleet.apps()) {
            assertThat(src(app, REFUSED)).as(app.name()).isEqualTo(hash(previous, 1));
        }
        assertThat(fleet.site(REFUSED).get("/health/").body()).isEqualTo("ok 1\n");
        Fleet.onEach(fleet.apps(), app -> {
            app.server().check("apt-get", "install", "--yes", "--allow-downgrades", Fleet.sitePackage(REFUSED) + "="
                    + version(previous));
            assertThat(app.server().check("dpkg", "--audit").output()).as(app.name()).isEmpty();
            assertThat(src(app, REFUSED)).as(app.name()).isEqualTo(hash(previous, 1));
        });
    }

    /**
     * All three servers upgrade at the same moment to a release with a migration: it is applied
     * once (one row in django_migrations, one ALTER TABLE in PostgreSQL's log), the others waiting
     * on the advisory lock and then finding nothing to do; no request fails meanwhile. A Celery task
     * started before runs on: the installs do not wait for it, the old worker finishes it (a warm
     * shutdown, for up to celeryStopTimeout), stores its result, and a worker of the new release
     * starts after it.
     */
    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void threeServersUpgradingAtTheSameMomentApplyTheMigrationOnceWhileATaskFinishes() throws Exception {
        onFleet(() -> {
            installed(RUSH);
            List<BuiltPackage> second = fleet.release("fleet-2", RUSH);
            fleet.publish(RUSH, Channel.STAGING);
            fleet.promote(RUSH);
            HeldTask task = HeldTask.start(RUSH);
            List<Fleet.Install> installs = underLoad(RUSH, "three servers upgrading at once",
                    () -> Fleet.atOnce(fleet.apps(), app -> Fleet.install(app, RUSH)));
            assertThat(installs).allSatisfy(install -> assertThat(install.result().succeeded()).as(install.output())
                    .isTrue());
            task.isFinishedByTheOldWorker();
            Map<String, List<String>> migrations = new java.util.TreeMap<>();
            installs.forEach(install -> migrations.put(install.app().name(), install.result().output().stream()
                    .filter(line -> line.contains("migrat") || line.startsWith("  Applying ")).toList()));
            System.out.println("[measure] what each server's migrate said: " + migrations);
            assertThat(migrations.values()).as("servers that applied the migration")
                    .filteredOn(lines -> lines.contains("  Applying notes." + MIGRATION + "... OK")).hasSize(1);
            assertThat(migrations.values()).as("servers that found nothing to do")
                    .filteredOn(lines -> lines.contains("  No migrations to apply.")).hasSize(2);
            assertThat(fleet.query(RUSH, "SELECT count(*) FROM django_migrations WHERE name = '" + MIGRATION + "'"))
                    .isEqualTo("1");
            assertThat(fleet.postgresLog(RUSH, "ALTER TABLE \"notes_note\" ADD COLUMN \"priority\"")).hasSize(1);
            for (Fleet.App app : fleet.apps()) {
                assertThat(src(app, RUSH)).as(app.name()).isEqualTo(hash(second, 1));
            }
        });
    }

    private static void awaitActive(Fleet.App app, String unit) throws Exception {
        for (int i = 0; i < 600 && !app.server().run("systemctl", "is-active", unit).succeeded(); i++) {
            Thread.sleep(100);
        }
        app.server().check("systemctl", "is-active", unit);
    }

    /** The value of {@code sql} once it starts with {@code prefix}, asked every half second. */
    private static String awaitQuery(SiteVariant variant, String sql, String prefix, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String value = fleet.query(variant, sql);
        while (!value.startsWith(prefix) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            value = fleet.query(variant, sql);
        }
        assertThat(value).as(sql).startsWith(prefix);
        return value;
    }
}
