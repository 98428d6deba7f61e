package io.github.djdd.core.buildroot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program to run inside the build root with a clean environment: only the variables given
 * here, on top of a standard {@code PATH}, {@code HOME} and {@code LANG}, passed in its
 * environment, never on a command line. djdd's own programs (apt, dpkg, tar of its packages) run
 * as root in the root; code of the project or of its dependencies runs {@link Isolation#SANDBOX
 * sandboxed}.
 */
public record RootCommand(List<String> argv, Map<String, String> environment, List<BindMount> binds,
        Duration timeout, boolean quiet, Isolation isolation) {

    public RootCommand {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("A command needs a program");
        }
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        binds = List.copyOf(binds);
    }

    public static RootCommand of(String... argv) {
        return new RootCommand(List.of(argv), Map.of(), List.of(), Duration.ofMinutes(10), false,
                Isolation.NONE);
    }

    public static RootCommand of(List<String> argv) {
        return new RootCommand(argv, Map.of(), List.of(), Duration.ofMinutes(10), false, Isolation.NONE);
    }

    public RootCommand withEnvironment(Map<String, String> extra) {
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(extra);
        return new RootCommand(argv, merged, binds, timeout, quiet, isolation);
    }

    public RootCommand withBinds(List<BindMount> value) {
        return new RootCommand(argv, environment, value, timeout, quiet, isolation);
    }

    public RootCommand withTimeout(Duration value) {
        return new RootCommand(argv, environment, binds, value, quiet, isolation);
    }

    /** The command in the sandbox for code of the project and its dependencies, without network. */
    public RootCommand inSandbox() {
        return new RootCommand(argv, environment, binds, timeout, quiet, Isolation.SANDBOX);
    }

    /** The command in the sandbox, with a loopback interface that leads nowhere but to its binds' sockets. */
    public RootCommand inSandboxWithLoopback() {
        return new RootCommand(argv, environment, binds, timeout, quiet, Isolation.SANDBOX_WITH_LOOPBACK);
    }

    /** Whether the command runs in the sandbox. */
    public boolean isSandboxed() {
        return isolation != Isolation.NONE;
    }

    public RootCommand quietly() {
        return new RootCommand(argv, environment, binds, timeout, true, isolation);
    }
}
