package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.process.CommandResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * lintian of the suite the packages are built for, from a minbase of that suite with lintian
 * (cached like {@link TargetRoot}'s tarballs), so that trixie's packages meet trixie's lintian.
 */
final class Lintian {
    private Lintian() {}

    /** Runs {@code suite}'s lintian on the packages in {@code scratch} and asserts it reports no error. */
    static void assertNoErrors(String suite, Path scratch, List<Path> packages) throws Exception {
        try {
            BuildRoot root = TargetRoot.unpack(scratch, suite, "lintian");
            List<String> argv = new ArrayList<>(List.of("lintian", "--no-tag-display-limit"));
            List<BindMount> binds = new ArrayList<>();
            for (int i = 0; i < packages.size(); i++) {
                Path deb = packages.get(i);
                argv.add("/run/lintian/" + i + "/" + deb.getFileName());
                binds.add(new BindMount(deb.getParent(), "/run/lintian/" + i, true));
            }
            CommandResult result = root.run(RootCommand.of(argv).withBinds(binds).withTimeout(Duration.ofMinutes(10)));

            assertThat(result.output()).as(suite + "'s lintian errors").noneMatch(line -> line.startsWith("E:"));
            assertThat(result.exitCode()).as(String.join("\n", result.output())).isZero();
        } finally {
            TargetRoot.remove(scratch);
        }
    }
}
