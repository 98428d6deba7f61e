package io.github.djdd.it;

import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.project.PublishRequest;
import io.github.djdd.core.publish.Channel;
import io.github.djdd.core.publish.ValidFor;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.store.BuiltPackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The servers of the booted-server scenarios of one suite ({@link ServerIT} on the ITs' suite,
 * {@link BookwormServerIT} on bookworm): the upstream with its releases (branches), the packages
 * built from them in the cached build dir, and the servers that install them.
 *
 * <p>Booting a server and installing PostgreSQL, RabbitMQ, memcached, nginx and the env takes
 * most of a scenario's time, so the scenarios that leave each other alone share one server
 * ({@link #onShared}): each installs a variant of its own (its own user, database, vhost, sockets
 * and server block) and its own commits, so none sees another's packages or data, and any one of
 * them runs alone as well as after the others. Scenarios whose assertions cover everything
 * installed, or that kill dpkg, get a server of their own ({@link #own}). The servers share the
 * host's network, so one runs at a time: a server of its own powers the shared one off first.
 */
final class SiteServers implements AutoCloseable {
    static final SoftwareName SOFTWARE = new SoftwareName("djddit");
    static final int PORT = 18081;
    private static final Instant MAIN = Instant.parse("2026-11-01T12:00:00Z");
    /** An environment value with everything that breaks a naive environment file or shell. */
    static final String TRICKY = "two\nlines, \"double\" and 'single' quotes, $HOME ${HOME} `id` $(id) \\ \\n;"
            + " # not a comment\ttab & | < > * ~ ";

    /** The suite of the servers and of the packages {@link #release(String, SiteVariant...)} builds. */
    final String suite;
    private final Path dir;
    private final Releases releases;
    private BootedTarget shared;
    private int sharedServers;

    /**
     * An upstream made from the example site in {@code dir}, with the branches the scenarios
     * install: v2 and v2-again (code version 2, two commits), v3 (a new requirement, so a new env,
     * and a uv project: its dependencies locked in uv.lock rather than listed in requirements.txt),
     * migration (a schema migration), bad-migration and fixed-migration.
     */
    SiteServers(String suite, Path dir) throws Exception {
        this.suite = suite;
        this.dir = dir;
        Path upstream = SampleProject.create(dir, Map.of());
        releases = new Releases(upstream);
        String requirements = Files.readString(upstream.resolve("requirements.txt"));
        SampleProject.branch(upstream, "main", "v2", Map.of("mysite/version.py", "CODE_VERSION = \"2\"\n"),
                MAIN.plusSeconds(3600));
        // The same code as v2 in a commit of its own: a src package that only its scenario installs.
        SampleProject.branch(upstream, "main", "v2-again", Map.of("mysite/version.py", "CODE_VERSION = \"2\"\n"),
                MAIN.plusSeconds(3600));
        // v3 is a uv project: pyproject.toml and uv.lock instead of requirements.txt
        Map<String, String> v3 = new HashMap<>(LockFiles.uvProject(ItSupport.cachedRoot(suite), dir,
                requirements + "packaging\n"));
        v3.put("mysite/version.py", "CODE_VERSION = \"3\"\n");
        v3.put("requirements.txt", SampleProject.DELETED);
        SampleProject.branch(upstream, "v2", "v3", v3, MAIN.plusSeconds(7200));
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
        SampleProject.branch(upstream, "main", "bad-migration", migration("5", "migrations.RunPython(fail)",
                FAILING_MIGRATION), MAIN.plusSeconds(14400));
        SampleProject.branch(upstream, "main", "fixed-migration", migration("6",
                "migrations.RunPython(fail)", "def fail(apps, schema_editor):\n    pass\n"), MAIN.plusSeconds(18000));
    }

    /** A data migration's function that fails, for {@link #migration}. */
    static final String FAILING_MIGRATION = "def fail(apps, schema_editor):\n"
            + "    raise RuntimeError(\"djdd test: this migration fails\")\n";

    /** A commit with code version {@code version} and a data migration 0002 running {@code operation}. */
    static Map<String, String> migration(String version, String operation, String function) {
        return Map.of("mysite/version.py", "CODE_VERSION = \"" + version + "\"\n",
                "notes/migrations/0002_data.py", "from django.db import migrations\n\n\n" + function + "\n\n"
                        + "class Migration(migrations.Migration):\n"
                        + "    dependencies = [(\"notes\", \"0001_initial\")]\n"
                        + "    operations = [" + operation + "]\n");
    }

    /** A variant with Celery, migrate=true and the tricky environment value, served as NAME.example.com. */
    static SiteVariant blue(String name) throws Exception {
        return SiteVariant.builder(new VariantName(name)).serverName(name + ".example.com").listen("" + PORT)
                .migrate(true).workers("2").celeryWorkers("1").environment(Map.of("DJDD_IT_TRICKY", TRICKY)).build();
    }

    /** A variant with a database only (no Celery, queue or cache), migrate=false, served as NAME.example.com. */
    static SiteVariant red(String name) throws Exception {
        return SiteVariant.builder(new VariantName(name)).serverName(name + ".example.com").listen("" + PORT)
                .celery(false).queue(false).cache(false).build();
    }

    /**
     * The packages of {@code ref} for {@code variants} built for this suite: [env, src, site...],
     * built the first time a scenario asks (the env and src of a commit are built once and shared
     * by its variants).
     */
    List<BuiltPackage> release(String ref, SiteVariant... variants) throws Exception {
        return release(suite, ref, variants);
    }

    /** As {@link #release(String, SiteVariant...)}, built in the build root of {@code buildSuite}. */
    List<BuiltPackage> release(String buildSuite, String ref, SiteVariant... variants) throws Exception {
        return releases.release(buildSuite, ref, variants);
    }

    /**
     * What {@code djdd:publish} does for {@code variant}'s last build: into the folder repository
     * {@code folder}, signed with {@code keyFile} (no passphrase).
     */
    void publishSigned(Path folder, Path keyFile, SiteVariant variant) throws Exception {
        publish(new PublishRequest.Folder(folder, keyFile, new char[0], new ValidFor(14)), variant);
    }

    /** What {@code djdd:publish} does for {@code variant}'s last build, into {@code target}. */
    void publish(PublishRequest.Target target, SiteVariant variant) throws Exception {
        releases.publish(suite, target, Channel.PRODUCTION, variant);
    }

    /** A server of its own in {@code scenario} whose APT repository holds these packages. */
    BootedTarget own(Path scenario, List<BuiltPackage> packages) throws Exception {
        close();
        new AptRepository(scenario.resolve("repository").resolve(suite)).publish(packages);
        return BootedTarget.boot(scenario, suite, scenario.resolve("repository"));
    }

    /** What a scenario on the shared server does. */
    @FunctionalInterface
    interface Scenario {
        void run(BootedTarget server) throws Exception;
    }

    /**
     * Runs {@code scenario} on the shared server, booted by the first scenario that needs it. A
     * failed scenario may have left it in any state: it is powered off, and the next scenario boots
     * a new one.
     */
    synchronized void onShared(Scenario scenario) throws Exception {
        if (shared == null) {
            Path folder = dir.resolve("shared-" + ++sharedServers);
            new AptRepository(folder.resolve("repository").resolve(suite)).publish(List.of());
            shared = BootedTarget.boot(folder, suite, folder.resolve("repository"));
        }
        BootedTarget server = shared;
        try {
            scenario.run(server);
        } catch (Exception | AssertionError e) {
            shared = null;
            try {
                server.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Powers the shared server off; the next scenario that needs it boots a new one. */
    @Override
    public synchronized void close() throws Exception {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    /** Adds packages to the APT repository of the server's suite. */
    static void publish(BootedTarget server, List<BuiltPackage> packages) throws Exception {
        new AptRepository(server.repository(server.suite())).publish(packages);
        server.check("apt-get", "update");
    }

    static List<BuiltPackage> both(List<BuiltPackage> first, List<BuiltPackage> second) {
        List<BuiltPackage> both = new ArrayList<>(first);
        both.addAll(second);
        return both;
    }

    static CommandResult install(BootedTarget server, String... packages) throws Exception {
        List<String> argv = new ArrayList<>(List.of("apt-get", "install", "--yes", "-o",
                "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold"));
        argv.addAll(List.of(packages));
        server.check("apt-get", "update");
        return server.check(argv.toArray(String[]::new));
    }

    /** The hash (env) or commit (src) in the name of the package at {@code index} of a release. */
    static String hash(List<BuiltPackage> build, int index) {
        String name = build.get(index).name();
        return name.substring(name.lastIndexOf('-') + 1);
    }

    /** What {@code body} gives once it contains {@code text} (asked every 100 ms for 60 s), else its last answer. */
    static String awaitBody(java.util.concurrent.Callable<String> body, String text) throws Exception {
        String answer = "";
        for (int i = 0; i < 600 && !answer.contains(text); i++) {
            Thread.sleep(100);
            answer = body.call();
        }
        return answer;
    }

    static void awaitOk(SiteClient site, String path) throws Exception {
        for (int i = 0; i < 300; i++) {
            try {
                if (site.get(path).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // nginx is still (re)starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " did not answer 200 within 30 s");
    }
}
