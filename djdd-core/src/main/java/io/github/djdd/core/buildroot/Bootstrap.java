package io.github.djdd.core.buildroot;

import io.github.djdd.core.process.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command that bootstraps a minimal Debian: {@code mmdebstrap} when installed (several times
 * faster), else {@code debootstrap}. It runs in a private mount namespace, so the mounts the tool
 * makes inside the new system die with it even when it is killed half way.
 */
record Bootstrap(String tool) {
    static final Duration TIMEOUT = Duration.ofMinutes(45);

    static Bootstrap detect() {
        return new Bootstrap(Host.which("mmdebstrap").isPresent() ? "mmdebstrap" : "debootstrap");
    }

    Command command(BuildRootOptions options, List<String> packages, Path target) {
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                tool, "--variant=minbase", "--include=" + String.join(",", packages),
                options.suite(), target.toString(), options.mirror().toString()));
        return Command.of(argv).withTimeout(TIMEOUT);
    }
}
