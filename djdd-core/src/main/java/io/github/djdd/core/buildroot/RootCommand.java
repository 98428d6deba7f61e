package io.github.djdd.core.buildroot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program to run inside the build root, as root, with a clean environment: only the variables
 * given here, on top of a standard {@code PATH}, {@code HOME} and {@code LANG}.
 */
public record RootCommand(List<String> argv, Map<String, String> environment, List<BindMount> binds,
        Duration timeout, boolean quiet) {

    public RootCommand {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("A command needs a program");
        }
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        binds = List.copyOf(binds);
    }

    public static RootCommand of(String... argv) {
        return new RootCommand(List.of(argv), Map.of(), List.of(), Duration.ofMinutes(10), false);
    }

    public static RootCommand of(List<String> argv) {
        return new RootCommand(argv, Map.of(), List.of(), Duration.ofMinutes(10), false);
    }

    public RootCommand withEnvironment(Map<String, String> extra) {
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(extra);
        return new RootCommand(argv, merged, binds, timeout, quiet);
    }

    public RootCommand withBinds(List<BindMount> value) {
        return new RootCommand(argv, environment, value, timeout, quiet);
    }

    public RootCommand withTimeout(Duration value) {
        return new RootCommand(argv, environment, binds, value, quiet);
    }

    public RootCommand quietly() {
        return new RootCommand(argv, environment, binds, timeout, true);
    }
}
