package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.process.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first mile, as a new operator walks it: a fresh Debian build machine of the ITs' suite
 * (Debian 13), booted with systemd ({@link BuildMachine}, shared by the scenarios), on which the
 * README's quick start runs as written. Nothing on the build machine is installed by the test: the
 * commands install what they need.
 */
@ExtendWith(ScenarioTimes.class)
@Order(3)
class FirstMileIT {
    @TempDir
    static Path dir;

    private static BuildMachine machine;

    @BeforeAll
    static void bootTheBuildMachine() throws Exception {
        machine = BuildMachine.boot(dir.resolve("build-machine"), ItSupport.SUITE);
    }

    @AfterAll
    static void powerItOff() throws Exception {
        if (machine != null) {
            machine.close();
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
     * The README's quick start on a fresh machine: {@code bin/install-prerequisites} (the first
     * thing {@code .ci/run} does; the JDK is Debian's default, 21 here) and {@code example/build.sh},
     * which builds and installs djdd and builds the example's packages. The plugin's classes are
     * Java 17's (class file 61), so the same build runs on Debian 12.
     */
    @Test
    void theReadmesQuickStartRunsOnAFreshMachine() throws Exception {
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
}
