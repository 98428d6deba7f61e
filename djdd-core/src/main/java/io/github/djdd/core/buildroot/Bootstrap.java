package io.github.djdd.core.buildroot;

import io.github.djdd.core.process.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that bootstraps a minimal Debian: {@code mmdebstrap} when installed (several times
 * faster), else {@code debootstrap}. It runs {@link #ISOLATED}, so the mounts the tool makes
 * inside the new system die with it even when it is killed half way.
 */
record Bootstrap(String tool) {
    static final Duration TIMEOUT = Duration.ofMinutes(45);

    /**
     * Runs what follows in its own mount and PID namespaces, killed with everything in it when
     * the JVM dies (pdeathsig) or the runner stops it (kill-child): no mount and no orphaned
     * apt or dpkg outlives a build.
     */
    static final List<String> ISOLATED = List.of("setpriv", "--pdeathsig", "KILL", "--", "unshare", "--mount",
            "--propagation", "private", "--pid", "--fork", "--kill-child", "--");

    static Bootstrap detect() {
        return new Bootstrap(Host.which("mmdebstrap").isPresent() ? "mmdebstrap" : "debootstrap");
    }

    /**
     * @param sources the root's APT source lines: mmdebstrap bootstraps from all of them, so the new
     *     root has the updates and security fixes already; debootstrap takes the mirror only
     */
    Command command(BuildRootOptions options, List<String> packages, Path target, List<String> sources) {
        List<String> argv = new ArrayList<>(ISOLATED);
        argv.addAll(List.of(tool, "--variant=minbase", "--include=" + String.join(",", packages),
                options.suite(), target.toString()));
        if (fromAllSources()) {
            argv.addAll(sources);
        } else {
            argv.add(options.mirror().toString());
        }
        return Command.of(argv).withTimeout(TIMEOUT);
    }

    /** Whether the bootstrap takes every source line, leaving nothing to upgrade. */
    boolean fromAllSources() {
        return tool.equals("mmdebstrap");
    }
}
