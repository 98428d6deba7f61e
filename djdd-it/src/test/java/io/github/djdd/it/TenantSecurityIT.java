package io.github.djdd.it;

import static io.github.djdd.it.SiteServers.PORT;
import static io.github.djdd.it.SiteServers.awaitOk;
import static io.github.djdd.it.SiteServers.blue;
import static io.github.djdd.it.SiteServers.both;
import static io.github.djdd.it.SiteServers.install;
import static io.github.djdd.it.SiteServers.publish;
import static io.github.djdd.it.SiteServers.red;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.store.BuiltPackage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants against each other, and the shared services against the tenants, on one booted Debian
 * 13 server ({@link SiteServers}): each scenario tries what an attacker would (a compromised site,
 * RabbitMQ's user, a cut power line), and checks that nothing of another tenant, of root or of the
 * site's own sandbox gives way. Soft assertions: a scenario reports every hole it finds, not only
 * the first. {@link BookwormServerIT} runs the sandbox of {@code manage} on Debian 12, whose
 * systemd-run is older.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
@ExtendWith(ScenarioTimes.class)
@Order(3)
class TenantSecurityIT {
    @TempDir
    static Path dir;

    private static SiteServers servers;

    @BeforeAll
    static void makeTheUpstream() throws Exception {
        servers = new SiteServers(ItSupport.SUITE, dir);
    }

    @AfterAll
    static void powerOffTheSharedServer() throws Exception {
        servers.close();
    }

    /** A shell command line run on the server as {@code user}, from {@code /}; any exit code. */
    static CommandResult as(BootedTarget server, String user, String command) throws Exception {
        return server.run("runuser", "-u", user, "--", "sh", "-c", "cd / && " + command);
    }

    /** The upload's name in the media folder, from the example site's answer to {@code /upload/}. */
    private static String uploaded(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        Matcher name = Pattern.compile("\"name\": \"([^\"]+)\"").matcher(answer.body());
        assertThat(name.find()).as(answer.body()).isTrue();
        return name.group(1);
    }

    /**
     * Two tenants' users try each other's uploads (list, read) and nginx's logs; one plants links in
     * its own media to the other's upload, log and media folder, and asks nginx for them. Debian's
     * shared memcached, which any local user could read and write, is not running.
     */
    @Test
    void uploadsAndLogsArePrivateToTheirSiteAndNoLinkInMediaIsServed() throws Exception {
        List<BuiltPackage> packages = both(servers.release("main", blue("mine")), servers.release("main", red("theirs")));
        servers.onShared(server -> {
            publish(server, packages);
            install(server, "djddit-site-mine", "djddit-site-theirs");
            SiteClient mine = new SiteClient("mine.example.com", PORT);
            SiteClient theirs = new SiteClient("theirs.example.com", PORT);
            String secret = uploaded(mine.upload("/upload/", "secret.txt", "mine's secret\n"));
            String own = uploaded(theirs.upload("/upload/", "own.txt", "theirs\n"));
            awaitOk(mine, "/health/"); // an entry in mine's nginx log

            SoftAssertions softly = new SoftAssertions();
            for (String[] attack : List.of(new String[] {"djddit-theirs", "mine", secret},
                    new String[] {"djddit-mine", "theirs", own})) {
                String media = "/var/lib/djddit-site/" + attack[1] + "/media";
                for (String attempt : List.of("ls " + media, "ls " + media + "/uploads", "cat " + media + "/" + attack[2],
                        "cat /var/log/nginx/djddit-" + attack[1] + ".access.log")) {
                    CommandResult tried = as(server, attack[0], attempt);
                    softly.assertThat(tried.exitCode()).as(attack[0] + ": " + attempt + "\n" + tried.tail(5)).isNotZero();
                    softly.assertThat(String.join("\n", tried.output())).as(attack[0] + ": " + attempt)
                            .contains("Permission denied");
                }
            }
            // What makes it so: the site's own, nginx's group, nothing for anyone else.
            softly.assertThat(server.check("stat", "-c", "%n %a %U %G", "/var/lib/djddit-site/mine/media",
                    "/var/lib/djddit-site/mine/media/uploads", "/var/lib/djddit-site/mine/media/" + secret,
                    "/var/log/nginx/djddit-mine.access.log").output()).containsExactly(
                    "/var/lib/djddit-site/mine/media 2750 djddit-mine www-data",
                    "/var/lib/djddit-site/mine/media/uploads 2750 djddit-mine www-data",
                    "/var/lib/djddit-site/mine/media/" + secret + " 640 djddit-mine www-data",
                    "/var/log/nginx/djddit-mine.access.log 640 www-data adm");
            softly.assertThat(mine.get("/media/" + secret).body()).as("nginx still serves the upload")
                    .isEqualTo("mine's secret\n");

            // A compromised site (or an upload unpacked from an archive) plants links to what nginx may read.
            String theirMedia = "/var/lib/djddit-site/theirs/media/";
            as(server, "djddit-theirs", "ln -s /var/lib/djddit-site/mine/media/" + secret + " " + theirMedia + "stolen.txt"
                    + " && ln -s /var/log/nginx/djddit-mine.access.log " + theirMedia + "log.txt"
                    + " && ln -s /var/lib/djddit-site/mine/media " + theirMedia + "mine");
            for (String path : List.of("/media/stolen.txt", "/media/log.txt", "/media/mine/" + secret)) {
                HttpResponse<String> served = theirs.get(path);
                softly.assertThat(served.statusCode()).as("GET " + path + " through a link").isIn(403, 404);
                softly.assertThat(served.body()).as("GET " + path).doesNotContain("mine's secret", "GET /health/");
            }

            softly.assertThat(server.run("systemctl", "is-enabled", "memcached.service").output())
                    .as("Debian's memcached, open to every local user on 127.0.0.1:11211").contains("masked");
            softly.assertThat(server.run("systemctl", "is-active", "memcached.service").output()).contains("inactive");
            softly.assertAll();
        });
    }

    /**
     * A media folder as an older release left it (the site's group, 2775, files for everyone to
     * read): the next configure makes it private while nginx serves from it, without a failed request.
     */
    @Test
    void anOlderReleasesMediaFolderTurnsPrivateWhileItsFilesAreServed() throws Exception {
        List<BuiltPackage> packages = servers.release("main", blue("mine"));
        servers.onShared(server -> {
            publish(server, packages);
            install(server, "djddit-site-mine");
            SiteClient mine = new SiteClient("mine.example.com", PORT);
            String old = uploaded(mine.upload("/upload/", "old.txt", "uploaded before\n"));
            server.sh("cd /var/lib/djddit-site/mine/media && chgrp -R djddit-mine . && chmod 2775 ."
                    + " && find . -mindepth 1 -type d -exec chmod 2755 {} + && find . -type f -exec chmod 0644 {} +");
            assertThat(as(server, "nobody", "cat /var/lib/djddit-site/mine/media/" + old).output())
                    .as("the older layout: every user reads the uploads").contains("uploaded before");

            String report;
            List<String> failures;
            try (SiteClient.Load load = mine.load("/media/" + old, 8)) {
                load.awaitServed(200);
                server.check("dpkg-reconfigure", "djddit-site-mine");
                load.awaitServed(load.served() + 200);
                report = load.stop();
                failures = load.failures();
            }
            System.out.println("[measure] the media file during the configure that makes media private, 8 clients: "
                    + report);
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(failures).as(report).isEmpty();
            softly.assertThat(server.check("stat", "-c", "%a %U %G", "/var/lib/djddit-site/mine/media",
                    "/var/lib/djddit-site/mine/media/uploads", "/var/lib/djddit-site/mine/media/" + old).output())
                    .containsExactly("2750 djddit-mine www-data", "2750 djddit-mine www-data", "640 djddit-mine www-data");
            softly.assertThat(as(server, "nobody", "cat /var/lib/djddit-site/mine/media/" + old).exitCode()).isNotZero();
            softly.assertThat(mine.get("/media/" + old).body()).isEqualTo("uploaded before\n");
            softly.assertAll();
        });
    }

    /**
     * RabbitMQ's user (a compromised broker) waits for the install's definitions folder and plants
     * a link where root writes the definitions: root must write through it into no file of root's.
     */
    @Test
    void rabbitmqsUserCannotMakeTheInstallWriteThroughALink() throws Exception {
        List<BuiltPackage> packages = servers.release("main", blue("mine"));
        servers.onShared(server -> {
            publish(server, packages);
            Path victim = server.root().resolve("etc/djddit-victim");
            Files.writeString(victim, "root's\n");
            Path attacker = server.root().resolve("usr/local/lib/djddit-attacker.py");
            Files.writeString(attacker, String.join("\n",
                    "# Every folder that appears or changes owner in /tmp gets a queue.json link to the victim.",
                    "import ctypes, os, struct, sys",
                    "libc = ctypes.CDLL(None, use_errno=True)",
                    "fd = libc.inotify_init()",
                    "libc.inotify_add_watch(fd, b'/tmp', 0x4 | 0x100)  # IN_ATTRIB | IN_CREATE",
                    "print('watching /tmp', flush=True)",
                    "while True:",
                    "    events = os.read(fd, 65536)",
                    "    while events:",
                    "        _, mask, _, size = struct.unpack_from('iIII', events)",
                    "        name = events[16:16 + size].split(b'\\0')[0].decode()",
                    "        events = events[16 + size:]",
                    "        try:",
                    "            os.symlink(sys.argv[1], '/tmp/' + name + '/queue.json')",
                    "            print('planted /tmp/' + name + '/queue.json', flush=True)",
                    "        except OSError:",
                    "            pass",
                    ""));
            Files.setPosixFilePermissions(attacker, PosixFilePermissions.fromString("rw-r--r--"));
            // The attacker's python and user; the site's dependencies bring them anyway.
            server.check("apt-get", "install", "--yes", "python3", "rabbitmq-server");
            server.check("systemd-run", "--unit=djddit-attacker", "--uid=rabbitmq", "--property=Type=exec", "python3",
                    "/usr/local/lib/djddit-attacker.py", "/etc/djddit-victim");
            try {
                install(server, "djddit-site-mine");
                // Each configure sets the queue user up again: two more chances.
                server.check("dpkg-reconfigure", "djddit-site-mine");
                server.check("dpkg-reconfigure", "djddit-site-mine");
            } finally {
                server.run("systemctl", "stop", "djddit-attacker");
            }
            System.out.println("[measure] the attacker's links: " + server.run("journalctl", "--quiet", "--no-pager",
                    "--output=cat", "--unit=djddit-attacker").output().stream().filter(line -> line.startsWith("planted"))
                    .count());
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(victim).as("root's file, after the installs").hasContent("root's\n");
            softly.assertThat(server.check("stat", "-c", "%U %G %a", "/etc/djddit-victim").output())
                    .containsExactly("root root 644");
            softly.assertAll();
            server.check("rabbitmqctl", "--quiet", "authenticate_user", "djddit-mine", server.sh("sed -n"
                    + " 's|^CELERY_BROKER_URL=\"amqp://[^:]*:\\([0-9a-f]*\\)@.*|\\1|p' /etc/djddit-site/mine/secrets.env")
                    .output().get(0).strip());
        });
    }

    /**
     * An install killed between making its server block's new link and renaming it into place (a
     * power cut, an OOM kill), then another tenant's install, then the admin purging the broken
     * tenant and another tenant's configure: nginx must load every block at each step (the cut's
     * link is never one of them, nor, once purged, a dangling one), every tenant serves, and the
     * cut tenant installs again, leaving no stray link (neither its own nor one an older djdd left).
     */
    @Test
    void anInstallCutBetweenItsLinkAndTheRenameLeavesEveryTenantServing() throws Exception {
        List<BuiltPackage> theirs = servers.release("main", red("theirs"));
        List<BuiltPackage> cut = servers.release("main", red("cut"));
        List<BuiltPackage> next = servers.release("main", red("next"));
        servers.onShared(server -> {
            publish(server, both(both(theirs, cut), next));
            install(server, "djddit-site-theirs");
            // The cut: an mv that kills its caller, the postinst, instead of renaming the new link to the block.
            Path trap = Files.createDirectories(server.root().resolve("usr/local/lib/djddit-cut")).resolve("mv");
            Files.writeString(trap, "#!/bin/sh\nfor arg; do\n    if [ \"$arg\" = /etc/nginx/sites-enabled/djddit-cut ]; then\n"
                    + "        kill -KILL $PPID\n        exit 137\n    fi\ndone\nexec /bin/mv \"$@\"\n");
            Files.setPosixFilePermissions(trap, PosixFilePermissions.fromString("rwxr-xr-x"));
            CommandResult killed = server.run("apt-get", "-o", "DPkg::Path=/usr/local/lib/djddit-cut:/usr/sbin:/usr/bin:"
                    + "/sbin:/bin", "install", "--yes", "djddit-site-cut");
            assertThat(killed.exitCode()).as(killed.tail(20)).isNotZero();
            assertThat(killed.output()).anyMatch(line -> line.contains("killed by signal"));

            SoftAssertions softly = new SoftAssertions();
            // Another tenant's install (dpkg alone: apt would first finish the cut one's configure).
            CommandResult another = server.run("sh", "-c", "dpkg --install /srv/djdd-repo/" + server.suite()
                    + "/djddit-site-next_*.deb");
            softly.assertThat(another.exitCode()).as("another tenant's install\n" + another.tail(20)).isZero();
            // The admin gives the broken tenant up; then another tenant's configure.
            server.check("apt-get", "purge", "--yes", "djddit-site-cut");
            CommandResult configured = server.run("dpkg-reconfigure", "djddit-site-next");
            softly.assertThat(configured.exitCode()).as("another tenant's configure after the purge\n"
                    + configured.tail(20)).isZero();
            CommandResult test = server.run("nginx", "-t");
            softly.assertThat(test.exitCode()).as("nginx -t\n" + test.tail(10)).isZero();
            softly.assertThat(new SiteClient("theirs.example.com", PORT).get("/health/").body()).isEqualTo("ok 1\n");
            softly.assertThat(new SiteClient("next.example.com", PORT).get("/health/").body()).isEqualTo("ok 1\n");
            softly.assertAll();

            // What an older djdd's cut left in sites-enabled, which nginx reads; the tenant installs again.
            server.check("ln", "-sfn", "../sites-available/djddit-cut", "/etc/nginx/sites-enabled/djddit-cut.new");
            install(server, "djddit-site-cut");
            awaitOk(new SiteClient("cut.example.com", PORT), "/health/");
            assertThat(server.check("ls", "-A", "/etc/nginx/sites-enabled").output())
                    .as("no link but the sites'").noneMatch(name -> name.endsWith(".new"));
            server.check("nginx", "-t");
        });
    }

    /**
     * Accounts named like the site's user that are not its own (www-data would be one, for software
     * www and variant data): a system user with another home, a group without its user. The install
     * stops before anything runs as them or is given to them.
     */
    @Test
    void anAccountOfTheSitesNameThatIsNotTheSitesStopsTheInstall() throws Exception {
        List<BuiltPackage> taken = servers.release("main", red("taken"));
        List<BuiltPackage> grouped = servers.release("main", red("grouped"));
        servers.onShared(server -> {
            publish(server, both(taken, grouped));
            server.check("apt-get", "install", "--yes", "adduser");
            // As www-data is: a system account of something else, with a home of its own.
            server.check("adduser", "--system", "--quiet", "--home", "/var/www/taken", "--no-create-home", "djddit-taken");
            server.check("addgroup", "--system", "--quiet", "djddit-grouped");
            SoftAssertions softly = new SoftAssertions();
            try {
                CommandResult refused = server.run("apt-get", "install", "--yes", "djddit-site-taken");
                softly.assertThat(refused.exitCode()).as("install beside another's user\n" + refused.tail(20)).isNotZero();
                softly.assertThat(refused.output()).anyMatch(line -> line.contains("djddit-site-taken: the user"
                        + " djddit-taken exists and is not this site's"));
                softly.assertThat(server.run("systemctl", "is-active", "djddit-taken.service").output())
                        .as("nothing runs as that user").contains("inactive");
                softly.assertThat(server.run("find", "/var/lib/djddit-site/taken", "/etc/djddit-site/taken",
                        "/var/log/djddit-site/taken", "-user", "djddit-taken").output())
                        .as("nothing is given to that user").noneMatch(line -> line.startsWith("/"));
            } finally {
                server.check("apt-get", "purge", "--yes", "djddit-site-taken");
            }
            try {
                CommandResult refused = server.run("apt-get", "install", "--yes", "djddit-site-grouped");
                softly.assertThat(refused.exitCode()).as("install beside another's group\n" + refused.tail(20))
                        .isNotZero();
                softly.assertThat(refused.output()).anyMatch(line -> line.contains("djddit-site-grouped: the group"
                        + " djddit-grouped exists without the user djddit-grouped"));
                softly.assertThat(server.run("getent", "passwd", "djddit-grouped").exitCode())
                        .as("no user made into that group").isNotZero();
            } finally {
                server.check("apt-get", "purge", "--yes", "djddit-site-grouped");
            }
            softly.assertThat(server.check("getent", "passwd", "djddit-taken").output().get(0))
                    .as("the account as it was").contains(":/var/www/taken:");
            softly.assertAll();
        });
    }

    /** What is left of tenant {@code variant} on the server: one line per thing, none once it is gone. */
    static List<String> traces(BootedTarget server, String variant) throws Exception {
        String user = "djddit-" + variant;
        return server.sh("cd / && runuser -u postgres -- psql -Atc \"SELECT 'database ' || datname FROM pg_database"
                + " WHERE datname = '" + user + "' UNION ALL SELECT 'role ' || rolname FROM pg_roles WHERE rolname = '"
                + user + "'\"; rabbitmqctl --quiet list_vhosts | sed -n 's/^" + user + "$/vhost &/p';"
                + " rabbitmqctl --quiet list_users | cut -f1 | sed -n 's/^" + user + "$/queue user &/p';"
                + " getent passwd " + user + " | sed 's/:.*/ system user/'; getent group " + user
                + " | sed 's/:.*/ system group/'; ls -d /var/lib/djddit-site/" + variant + " /etc/djddit-site/" + variant
                + " /var/log/djddit-site/" + variant + " /etc/nginx/sites-enabled/" + user + " /var/log/nginx/" + user
                + ".access.log 2>/dev/null; dpkg-query -W -f '${Status}\\n' djddit-site-" + variant
                + " 2>/dev/null | grep -v '^unknown ok not-installed$' | sed 's/^/package /'").output();
    }

    /**
     * {@code destroy} while PostgreSQL is down: it fails saying so, and the control utility is still
     * there; once PostgreSQL runs, {@code destroy} again leaves nothing of the tenant.
     */
    @Test
    void destroyCutShortByAStoppedDatabaseRunsAgainAndLeavesNothing() throws Exception {
        List<BuiltPackage> packages = servers.release("main", blue("gone"));
        servers.onShared(server -> {
            publish(server, packages);
            install(server, "djddit-site-gone");
            SiteClient gone = new SiteClient("gone.example.com", PORT);
            awaitOk(gone, "/health/");
            uploaded(gone.upload("/upload/", "data.txt", "data\n"));
            assertThat(traces(server, "gone")).contains("database djddit-gone", "vhost djddit-gone",
                    "queue user djddit-gone", "package install ok installed");

            SoftAssertions softly = new SoftAssertions();
            server.check("systemctl", "stop", "postgresql");
            try {
                CommandResult failed = server.run("sh", "-c", "echo djddit-gone | djddit-gone destroy");
                softly.assertThat(failed.exitCode()).as(failed.tail(20)).isNotZero();
                softly.assertThat(failed.output()).anyMatch(line -> line.contains("djddit-gone destroy: dropping the"
                        + " database and role djddit-gone failed"));
                softly.assertThat(server.run("test", "-x", "/usr/bin/djddit-gone").exitCode())
                        .as("the control utility, to finish with").isZero();
            } finally {
                server.check("systemctl", "start", "postgresql");
            }
            CommandResult again = server.run("sh", "-c", "echo djddit-gone | djddit-gone destroy");
            softly.assertThat(again.exitCode()).as("destroy again\n" + again.tail(20)).isZero();
            softly.assertThat(traces(server, "gone")).as("what is left of the tenant").isEmpty();
            softly.assertAll();
        });
    }

    @Test
    void manageRunsInTheSandboxOfTheSitesUnitsAndGetsNoHoldOfRootsTerminal() throws Exception {
        manageRunsInTheSandboxOfTheSitesUnitsAndGetsNoHoldOfRootsTerminal(servers);
    }

    /**
     * {@code manage} runs the site's code: it must be as confined as the site's services (no new
     * privileges, a system call filter, other users' processes unseen, the system read-only, a /tmp
     * of its own), take arguments as given, and have no way to push input into root's terminal, not
     * even when only its output goes there.
     */
    static void manageRunsInTheSandboxOfTheSitesUnitsAndGetsNoHoldOfRootsTerminal(SiteServers servers)
            throws Exception {
        List<BuiltPackage> packages = servers.release("main", red("theirs"));
        servers.onShared(server -> {
            publish(server, packages);
            install(server, "djddit-site-theirs");
            Files.writeString(server.root().resolve("usr/local/lib/djddit-probe.py"), String.join("\n",
                    "import os",
                    "status = dict(line.split(':\\t', 1) for line in open('/proc/self/status').read().splitlines()"
                            + " if ':\\t' in line)",
                    "print('NoNewPrivs', status['NoNewPrivs'].strip(), 'Seccomp', status['Seccomp'].strip())",
                    "print('pid 1 seen', os.path.exists('/proc/1'))",
                    "try:",
                    "    open('/usr/djddit-probe', 'w')",
                    "except OSError as e:",
                    "    print('writing /usr:', e.strerror)",
                    "open('/tmp/djddit-probe', 'w').write('probe')",
                    "print('umask', oct(os.umask(0)))",
                    ""));
            Files.writeString(server.root().resolve("usr/local/lib/djddit-tiocsti.py"), String.join("\n",
                    "# Pushes a command into the input of the terminal on each of the standard descriptors.",
                    "import fcntl, termios",
                    "for fd in (0, 1, 2):",
                    "    try:",
                    "        for c in b'echo INJECTED\\n':",
                    "            fcntl.ioctl(fd, termios.TIOCSTI, bytes([c]))",
                    "        print('pushed into', fd)",
                    "    except OSError as e:",
                    "        print('not into', fd, e.strerror)",
                    ""));
            server.run("rm", "-f", "/tmp/djddit-probe");
            SoftAssertions softly = new SoftAssertions();
            List<String> probe = server.check("djddit-theirs", "manage", "shell", "-c",
                    "exec(open('/usr/local/lib/djddit-probe.py').read())").output();
            softly.assertThat(probe).as("the sandbox as manage's code sees it").contains("NoNewPrivs 1 Seccomp 2",
                    "pid 1 seen False", "writing /usr: Read-only file system", "umask 0o27");
            softly.assertThat(server.run("test", "-e", "/tmp/djddit-probe").exitCode()).as("a /tmp of its own")
                    .isNotZero();
            String verbatim = "$HOME ${HOME} %h $$ \\ \"q\" 'q' `id` $(id)";
            softly.assertThat(server.check("djddit-theirs", "manage", "shell", "-c", "print(r'''" + verbatim + "''')")
                    .output()).as("an argument as given").contains(verbatim);
            // Root's terminal (script's) as manage's output, its input a pipe: what the code pushes into
            // that terminal would be read by root's shell next; root reads for 2 s.
            CommandResult terminal = server.run("script", "--quiet", "--return", "--command", "echo |"
                    + " djddit-theirs manage shell -c \"exec(open('/usr/local/lib/djddit-tiocsti.py').read())\";"
                    + " timeout --foreground 2 sh -c 'while read -r line; do echo \"root read: $line\"; done;"
                    + " read -r line && echo \"root read: $line\"'", "/dev/null");
            softly.assertThat(terminal.output()).as("root's terminal after manage").noneMatch(line ->
                    line.contains("root read: echo INJECTED"));
            softly.assertAll();
        });
    }

    /** A deleted {@code env} (a conffile dpkg does not bring back) is put back by the next configure, with a warning. */
    @Test
    void aDeletedEnvironmentFileIsPutBackByTheNextConfigure() throws Exception {
        List<BuiltPackage> packages = servers.release("main", red("theirs"));
        servers.onShared(server -> {
            publish(server, packages);
            install(server, "djddit-site-theirs");
            server.check("rm", "/etc/djddit-site/theirs/env");
            CommandResult configured = server.run("dpkg-reconfigure", "djddit-site-theirs");
            SoftAssertions softly = new SoftAssertions();
            softly.assertThat(configured.exitCode()).as(configured.tail(20)).isZero();
            softly.assertThat(configured.output()).anyMatch(line -> line.contains("djddit-site-theirs: WARNING:"
                    + " /etc/djddit-site/theirs/env was missing"));
            softly.assertThat(server.run("stat", "-c", "%a %U %G", "/etc/djddit-site/theirs/env").output())
                    .containsExactly("640 root djddit-theirs");
            softly.assertAll();
            awaitOk(new SiteClient("theirs.example.com", PORT), "/health/");
        });
    }
}
