package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * lintian of the suite the packages are built for, so that trixie's packages meet trixie's
 * lintian: the build machine's own when it runs that suite (its prerequisites install lintian),
 * else from a minbase of that suite with lintian (cached like {@link TargetRoot}'s tarballs).
 */
final class Lintian {
    private Lintian() {}

    /** Runs {@code suite}'s lintian on the packages in {@code scratch} and asserts it reports no error. */
    static void assertNoErrors(String suite, Path scratch, List<Path> packages) throws Exception {
        List<String> argv = new ArrayList<>(List.of("lintian", "--no-tag-display-limit"));
        CommandResult result;
        boolean ownLintian = hostSuite().equals(suite) && Files.isExecutable(Path.of("/usr/bin/lintian"));
        if (ownLintian) {
            packages.forEach(deb -> argv.add(deb.toString()));
            result = new ProcessRunner(new ItSupport.RecordingConsole()).run(Command.of(argv)
                    .withTimeout(Duration.ofMinutes(10)));
        } else {
            try {
                BuildRoot root = TargetRoot.unpack(scratch, suite, "lintian");
                List<BindMount> binds = new ArrayList<>();
                for (int i = 0; i < packages.size(); i++) {
                    Path deb = packages.get(i);
                    argv.add("/run/lintian/" + i + "/" + deb.getFileName());
                    binds.add(new BindMount(deb.getParent(), "/run/lintian/" + i, true));
                }
                result = root.run(RootCommand.of(argv).withBinds(binds).withTimeout(Duration.ofMinutes(10)));
            } finally {
                TargetRoot.remove(scratch);
            }
        }
        System.out.println("[lintian] " + suite + "'s lintian " + (ownLintian ? "(this machine's)" : "")
                + ": " + String.join("\n", result.output()));
        assertThat(result.output()).as(suite + "'s lintian errors").noneMatch(line -> line.startsWith("E:"));
        assertThat(result.exitCode()).as(String.join("\n", result.output())).isZero();
    }

    /** The Debian codename of the machine the tests run on. */
    private static String hostSuite() throws Exception {
        return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(line -> line.startsWith(
                "VERSION_CODENAME=")).map(line -> line.substring("VERSION_CODENAME=".length()).replace("\"", ""))
                .findFirst().orElse("");
    }
}
