package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.process.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first mile, as a new operator walks it: a fresh Debian build machine of the ITs' suite
 * (Debian 13), booted with systemd ({@link BuildMachine}, shared by the scenarios), on which the
 * README's quick start and the getting-started page run as written, the page's server steps on a
 * fresh server of the same suite, and a Jenkins agent's user builds with {@code mvn djdd:build}.
 * Nothing on the build machine is installed by the test: the commands install what they need. The
 * page runs first, so that it finds nothing of the quick start's (a package it forgets to install
 * would fail it); {@code bin/install-prerequisites} runs first on a fresh Debian 12 in CI itself.
 */
@ExtendWith(ScenarioTimes.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(3)
class FirstMileIT {
    /** Where the build machine's nginx serves the getting-started page's repository (its port 80 is the server's). */
    private static final int REPOSITORY_PORT = 8088;
    /** The page's example fingerprint, which the reader replaces with the one the build machine printed. */
    private static final String PAGE_FINGERPRINT = "3F2A9C0E7B41D5A6C8E0F1B2D3C4A5B6C7D8E9F0";
    /** A fingerprint as {@code gpg --show-keys} prints it: the line of 40 hexadecimal digits. */
    private static final Pattern FINGERPRINT = Pattern.compile("(?m)^\\s+([0-9A-F]{40})\\s*$");

    @TempDir
    static Path dir;

    private static BuildMachine machine;
    /** The getting-started page's server, powered off with the build machine. */
    private static BootedTarget server;

    @BeforeAll
    static void bootTheBuildMachine() throws Exception {
        machine = BuildMachine.boot(dir.resolve("build-machine"), ItSupport.SUITE);
    }

    @AfterAll
    static void powerThemOff() throws Exception {
        try (AutoCloseable first = machine; AutoCloseable second = server) {
            // both closed, the server first, also when one fails
        }
    }

    /**
     * What djdd's sandbox asks of the machine, asked by an unprivileged user inside the
     * container: its own user, mount, PID and network namespaces, an overlay of the build root with
     * {@code userxattr}, {@code /proc}, {@code pivot_root}, and a nested user namespace without
     * capabilities. nspawn's defaults allow each; should one not, this names it before a build fails
     * on it.
     */
    @Test
    @Order(1)
    void theBuildMachineGivesAnUnprivilegedUserTheSandboxesNamespaces() throws Exception {
        // What djdd's ENTER script does for a build user's sandboxed command, step by step, as nobody.
        Files.writeString(machine.root().resolve("var/tmp/djdd-probe"), """
                set -e
                probe=$1; root=$2
                mount -t overlay overlay -o "lowerdir=$root,upperdir=$probe/upper,workdir=$probe/work,userxattr" \
                  "$probe/merged"
                echo "overlay with userxattr: mounted"
                mount -t proc -o nosuid,nodev proc "$probe/merged/proc"
                echo "proc of a new PID namespace: mounted"
                ip link set lo up
                echo "network namespace: lo up"
                cd "$probe/merged"
                pivot_root . mnt
                cd /
                umount -l /mnt
                echo "pivot_root: done"
                exec setpriv --no-new-privs -- unshare --user --map-user=1000 --map-group=1000 -- \
                  sh -c 'echo "nested user namespace: uid $(id -u), capabilities $(sed -n "s/^CapEff:\t//p" /proc/self/status)"'
                """);
        CommandResult probe = machine.check("/", "probe=$(mktemp -d /var/tmp/djdd-probe.XXXXXX)\n"
                + "mkdir \"$probe/upper\" \"$probe/work\" \"$probe/merged\"\n"
                + "chown -R nobody:nogroup \"$probe\"\n"
                + "setpriv --reuid=nobody --regid=nogroup --clear-groups -- unshare --user --map-root-user --mount"
                + " --propagation private --net --pid --fork -- sh /var/tmp/djdd-probe \"$probe\""
                + " /var/lib/djdd/build/roots/" + ItSupport.SUITE + "\n"
                + "rm -rf \"$probe\" /var/tmp/djdd-probe\n");
        assertThat(probe.output()).contains("overlay with userxattr: mounted", "proc of a new PID namespace: mounted",
                "network namespace: lo up", "pivot_root: done",
                "nested user namespace: uid 1000, capabilities 0000000000000000");
    }

    /**
     * The README's quick start on the build machine: {@code bin/install-prerequisites} (the first
     * thing {@code .ci/run} does; the JDK is Debian's default, 21 here) and {@code example/build.sh},
     * which builds and installs djdd and builds the example's packages. The plugin's classes are
     * Java 17's (class file 61), so the same build runs on Debian 12.
     */
    @Test
    @Order(3)
    void theReadmesQuickStartRunsAfterThePage() throws Exception {
        machine.check(BuildMachine.CHECKOUT, "bin/install-prerequisites");
        assertThat(machine.check("/", "java -version 2>&1").output()).as("Debian's default JDK")
                .anyMatch(line -> line.contains("version \"" + (ItSupport.RELEASE.equals("13") ? "21" : "17") + "."));

        CommandResult build = machine.check(BuildMachine.CHECKOUT, "example/build.sh");

        assertThat(build.output()).contains("[INFO] BUILD SUCCESS", "Made in /var/lib/djdd/build:")
                .anyMatch(line -> line.matches("  roots/" + ItSupport.SUITE + "/ +the build root \\(Debian "
                        + ItSupport.RELEASE + "\\.[0-9]+\\)"));
        assertThat(machine.check("/var/lib/djdd/build/packages", "ls").output())
                .anyMatch(name -> name.matches("mysite-env-[0-9a-f]{12}_1_amd64\\.deb"))
                .anyMatch(name -> name.matches("mysite-site-berlin_.*\\.deb" + ItSupport.RELEASE + "\\+g.*_all\\.deb"))
                .anyMatch(name -> name.matches("mysite-site-blue_.*\\.deb" + ItSupport.RELEASE + "\\+g.*_all\\.deb"));
        assertThat(machine.check("/", "javap -verbose -cp ~/.m2/repository/io/github/djdd/djdd-maven-plugin/*/"
                + "djdd-maven-plugin-*.jar io.github.djdd.plugin.BuildMojo | grep 'major version'").output())
                .containsExactly("  major version: 61");
    }

    /**
     * The getting-started page's commands, as written: on the build machine, the JDK and tools,
     * djdd built from this checkout and deployed into a folder repository, root's settings, a
     * deployment POM, init, build, the signing key, publish and nginx; on a fresh server, the key
     * checked against the fingerprint the build machine printed, install, upgrade, rollback, a
     * second tenant and its removal; then a Jenkins agent's user building with the short prefix.
     * The page's example names are replaced by this test's (its upstream, the repository's address
     * on the machines' shared loopback, the fingerprint the build machine printed).
     */
    @Test
    @Order(2)
    void theGettingStartedPageRunsAsWritten() throws Exception {
        Path upstream = SampleProject.create(machine.root().resolve("srv/git"), Map.of());
        String folder = "/root/getting-started";
        machine.check("/", "mkdir -p " + folder);
        Map<String, String> names = new LinkedHashMap<>();
        // git names the clone after the URL's last part, as for the page's URL
        names.put("https://github.com/djdd/djdd.git", BuildMachine.CHECKOUT + " djdd");
        names.put("https://git.example.com/mysite.git", "/srv/git/upstream");
        names.put("listen 80;", "listen 127.0.0.1:" + REPOSITORY_PORT + ";");
        names.put("http://apt.example.com", "http://127.0.0.1:" + REPOSITORY_PORT);
        // kept, only checked to be on the page: the server steps get the fingerprint the build machine printed
        names.put(PAGE_FINGERPRINT, PAGE_FINGERPRINT);
        String fingerprint = null;
        String keyCheck = null;
        CommandResult jenkins = null;
        server = BootedTarget.boot(dir.resolve("server"), ItSupport.SUITE);
        for (GettingStartedPage.Step step : GettingStartedPage.steps(names)) {
            CommandResult result;
            String ran = step.script();
            switch (step.where()) {
                case COMMIT -> {
                    SampleProject.branch(upstream, "main", "main-2", Map.of("mysite/version.py",
                            "CODE_VERSION = \"2\"\n"), Instant.parse("2026-11-01T13:00:00Z"));
                    ItSupport.check(List.of("git", "-C", upstream.toString(), "merge", "--quiet", "--ff-only",
                            "main-2"));
                    continue;
                }
                case BUILD -> {
                    result = machine.run(folder, step.script());
                    Matcher printed = FINGERPRINT.matcher(String.join("\n", result.output()));
                    if (fingerprint == null && printed.find()) {
                        fingerprint = printed.group(1);
                    }
                    if (step.script().contains("runuser -u jenkins")) {
                        jenkins = result;
                    }
                }
                default -> {
                    assertThat(fingerprint == null && step.script().contains(PAGE_FINGERPRINT))
                            .as("the build machine printed the fingerprint before a server needs it").isFalse();
                    String script = fingerprint == null ? step.script()
                            : step.script().replace(PAGE_FINGERPRINT, fingerprint);
                    ran = script;
                    if (step.script().contains(PAGE_FINGERPRINT)) {
                        keyCheck = script.substring(script.indexOf("curl -fsSL"), script.indexOf("\nfi\n") + 4);
                    }
                    long start = System.nanoTime();
                    result = server.run(Duration.ofMinutes(15), "sh", "-ec", "cd\n" + (step.answer().isEmpty()
                            ? script : "printf '%s\\n' '" + step.answer() + "' | {\n" + script + "}"));
                    System.out.printf("[measure] on the server, '%s ...': %.1f s%n", script.lines().findFirst()
                            .orElse(""), (System.nanoTime() - start) / 1e9);
                }
            }
            assertThat(result.exitCode()).as(step.where() + ":\n" + ran + "\n" + result.tail(40)).isZero();
            assertThat(String.join("\n", result.output())).as(ran).contains(step.expect());
        }
        // The last server step removed hamburg with everything it had; berlin serves on.
        assertThat(server.sh("cd / && runuser -u postgres -- psql -Atc \"SELECT datname FROM pg_database\";"
                + " getent passwd mysite-hamburg || true; ls /var/lib/mysite-site").output())
                .contains("mysite-berlin", "berlin").doesNotContain("mysite-hamburg", "hamburg");
        assertThat(server.check("mysite-berlin", "status").output()).anyMatch(line -> line.startsWith("site")
                && line.contains("online"));
        assertThat(keyCheck).as("the page's server step that checks the key").isNotNull();
        theKeyCheckRefusesAnotherKey(server, keyCheck, fingerprint);
        assertThat(machine.check("/", "stat -c '%a %U %n' /etc/djdd /etc/djdd/signing-key.asc; find " + folder
                + " -name '*.asc'").output()).as("the secret key: root's alone, in no working folder")
                .containsExactly("700 root /etc/djdd", "600 root /etc/djdd/signing-key.asc");
        assertThat(jenkins).as("the page's build as the agent's user").isNotNull();
        assertThat(String.join("\n", jenkins.output())).doesNotContain("No plugin found for prefix")
                .contains("Built mysite-site-berlin_");
        assertThat(machine.check("/", "stat -c '%U' /var/lib/djdd/build/users/jenkins/packages/mysite-site-berlin_*.deb")
                .output()).containsExactly("jenkins");
    }

    /**
     * The page's key check on the server (download, compare, install) refuses a keyring whose key
     * has another fingerprint, and one that holds a second key beside the right one (apt would
     * trust both): neither is installed.
     */
    private static void theKeyCheckRefusesAnotherKey(BootedTarget server, String keyCheck, String fingerprint)
            throws Exception {
        String installed = "/usr/share/keyrings/mysite-archive-keyring.gpg";
        server.check("rm", installed);
        String other = (fingerprint.charAt(0) == 'A' ? "B" : "A") + fingerprint.substring(1);
        CommandResult wrong = server.run("sh", "-ec", "cd\n" + keyCheck.replace(fingerprint, other));
        assertThat(wrong.exitCode()).as(String.join("\n", wrong.output())).isNotZero();
        assertThat(wrong.output()).anyMatch(line -> line.contains("is not the key " + other + " alone: do not trust it"));
        assertThat(server.root().resolve(installed.substring(1))).doesNotExist();

        machine.check("/srv/apt/mysite", """
                cp mysite-archive-keyring.gpg /var/tmp/keyring.orig
                export GNUPGHOME=$(mktemp -d)
                gpg --batch --passphrase '' --quick-gen-key 'someone else <else@example.com>' ed25519 sign 1d
                gpg --export else@example.com >> mysite-archive-keyring.gpg
                gpgconf --kill gpg-agent
                rm -rf "$GNUPGHOME"
                """);
        try {
            CommandResult two = server.run("sh", "-ec", "cd\n" + keyCheck);
            assertThat(two.exitCode()).as(String.join("\n", two.output())).isNotZero();
            assertThat(two.output()).anyMatch(line -> line.contains("do not trust it"));
            assertThat(server.root().resolve(installed.substring(1))).doesNotExist();
        } finally {
            machine.check("/srv/apt/mysite", "mv /var/tmp/keyring.orig mysite-archive-keyring.gpg");
        }
        server.sh("cd\n" + keyCheck);
        assertThat(server.root().resolve(installed.substring(1))).exists();
    }
}
