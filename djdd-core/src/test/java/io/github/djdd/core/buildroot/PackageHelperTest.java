package io.github.djdd.core.buildroot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The helper build users install packages with runs as root: its arguments are refused before anything runs. */
class PackageHelperTest {
    @TempDir
    Path dir;

    private final ProcessRunner runner = new ProcessRunner(Console.NULL);

    private CommandResult helper(String... args) throws Exception {
        Path script = dir.resolve("install-packages");
        Files.writeString(script, PackageHelper.script());
        List<String> argv = new ArrayList<>(List.of("sh", script.toString()));
        argv.addAll(List.of(args));
        return runner.run(Command.of(argv).quietly());
    }

    @Test
    void theScriptIsValidShell() throws Exception {
        Path script = dir.resolve("install-packages");
        Files.writeString(script, PackageHelper.script());

        assertThat(runner.run(Command.of("sh", "-n", script.toString()).quietly()).succeeded()).isTrue();
        assertThat(PackageHelper.script()).startsWith("#!/bin/sh\n").contains(BuildRoot.ENTER)
                .containsSubsequence("apt-get update\n", BuildRoot.KNOWN_EXACTLY,
                        "exec apt-get install --yes --no-install-recommends");
    }

    /**
     * The check the helper (and a root build) runs in the root before apt-get install, here with an
     * apt-cache that answers as Debian's does: a name that is no package's is read as a pattern.
     */
    @Test
    void onlyNamesAptCacheKnowsExactlyPass() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("apt-cache"), """
                #!/bin/sh
                [ "$1 $2 $3" = "show --no-all-versions --" ] || exit 64
                case $4 in
                  libpq5|libpq5:amd64) printf 'Package: libpq5\nVersion: 17.6-0+deb13u1\n\n' ;;
                  python3.1.) printf 'Package: libpython3.11\n\nPackage: python3.11\n\nPackage: python3.13\n\n' ;;
                  l.bpq5) printf 'Package: libpq5\n\n' ;;
                  mail-transport-agent) ;;
                  *) echo 'E: No packages found' >&2; exit 100 ;;
                esac
                """);
        Files.setPosixFilePermissions(bin.resolve("apt-cache"), PosixFilePermissions.fromString("rwxr-xr-x"));

        for (String name : List.of("python3.1.", "l.bpq5", "mail-transport-agent", "djdd-no-such-package")) {
            CommandResult refused = known(bin, "libpq5", name, "libpq5:amd64");
            assertThat(refused.exitCode()).as(name).isEqualTo(2);
            assertThat(refused.output()).containsExactly("'" + name + "' is no package of the build root's APT sources");
        }
        assertThat(known(bin, "libpq5", "libpq5:amd64").exitCode()).isZero();
    }

    private CommandResult known(Path bin, String... names) throws Exception {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", BuildRoot.KNOWN_EXACTLY, "djdd-known"));
        argv.addAll(List.of(names));
        return runner.run(Command.of(argv).withEnvironment(Map.of("PATH", bin + ":/usr/bin:/bin")).quietly());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "djdd-1234/../../x", "djdd-ABC", "other-root", "djdd-12 x"})
    void aRootThatIsNoSchrootNameOfDjddIsRefused(String name) throws Exception {
        CommandResult result = helper(name, "libpq-dev");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).anyMatch(line -> line.startsWith("usage: "));
    }

    @Test
    void aRootInitDidNotRegisterIsRefused() throws Exception {
        CommandResult result = helper("djdd-00000000-nosuchsuite", "libpq-dev");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("djdd-00000000-nosuchsuite is no djdd build root:"
                + " /etc/schroot/chroot.d/djdd-00000000-nosuchsuite does not exist");
    }

    @Test
    void aRootInAFolderSomeoneElseCouldSwapIsRefused() throws Exception {
        Path conf = SchrootConfig.DIR.resolve("djdd-00000000-helpertest");
        Path writable = Files.createDirectories(dir.resolve("shared/roots/trixie/var/lib/dpkg"));
        Files.setPosixFilePermissions(dir.resolve("shared"), PosixFilePermissions.fromString("rwxrwxr-x"));
        Assumptions.assumeTrue(BuildUser.isRoot() && Files.isDirectory(conf.getParent()), "needs root and schroot");
        try {
            Files.writeString(conf, "[djdd-00000000-helpertest]\ndirectory=" + dir.resolve("shared/roots/trixie")
                    + "\n");

            CommandResult result = helper("djdd-00000000-helpertest", "libpq5");

            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.output()).containsExactly(dir.resolve("shared/roots/trixie") + " is no build root of"
                    + " root's: " + dir.resolve("shared") + " is a link, not root's, or writable for others");
            assertThat(writable).isEmptyDirectory();
        } finally {
            Files.deleteIfExists(conf);
        }
    }

    @Test
    void withoutPackagesNothingRuns() throws Exception {
        assertThat(helper("djdd-00000000-trixie").exitCode()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-oAPT::Get::AllowUnauthenticated=true", "--allow-downgrades", "pkg;reboot", "pkg name",
            "Pkg", "../pkg", "pkg/../x"})
    void anythingButAPackageNameIsRefused(String name) throws Exception {
        CommandResult result = helper("djdd-00000000-nosuchsuite", "libpq5", name);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).containsExactly("'" + name + "' is not a Debian package name");
    }

    /**
     * The attacker: a build user (or a project's requirements file) names {@code python3-}, which
     * apt-get reads as "remove python3" from the root every build shares; a trailing {@code +} is
     * apt's other modifier.
     */
    @ParameterizedTest
    @ValueSource(strings = {"python3-", "libc6-:amd64", "hello+", "python3:amd64-"})
    void aNameWithAptsRemoveOrInstallSuffixIsRefused(String name) throws Exception {
        CommandResult result = helper("djdd-00000000-nosuchsuite", "libpq5", name);

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).containsExactly("'" + name + "' ends in '-' or '+', which apt-get reads as"
                + " remove or install, not as part of a name: name the package alone");
    }

    @Test
    void theSudoRuleAllowsTheGroupTheHelperAloneAndVisudoAcceptsIt() throws Exception {
        assertThat(PackageHelper.sudoers()).endsWith("\n%djdd ALL=(root) NOPASSWD: " + PackageHelper.SCRIPT + "\n");
        if (Host.which("visudo").isPresent()) {
            Path file = dir.resolve("djdd");
            Files.writeString(file, PackageHelper.sudoers());
            assertThat(runner.run(Command.of("visudo", "--check", "--file", file.toString()).quietly()).succeeded())
                    .isTrue();
        }
    }

    @Test
    void aBuildUserRunsItThroughSudoWithoutAPasswordPrompt() {
        assertThat(PackageHelper.command("djdd-0badcafe-trixie", List.of("libpq-dev", "gettext")).argv())
                .containsExactly("sudo", "--non-interactive", "--", PackageHelper.SCRIPT.toString(),
                        "djdd-0badcafe-trixie", "libpq-dev", "gettext");
    }
}
