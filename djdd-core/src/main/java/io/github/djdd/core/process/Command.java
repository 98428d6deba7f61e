package io.github.djdd.core.process;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One program to run on the build host: its arguments (never through a shell), extra
 * environment on top of the inherited one, and how long it may take.
 *
 * @param argv the program and its arguments
 * @param environment variables added to the inherited environment
 * @param timeout how long the program may run before it is killed
 * @param quiet log the output at debug level only (queries whose output is parsed)
 * @param description how messages show the command; null shows the arguments
 * @param inheritEnvironment whether the program sees the build's own environment beneath
 *     {@code environment}; commands that must not see its secrets (an index's credentials, a
 *     signing key's passphrase) get {@code environment} alone
 */
public record Command(List<String> argv, Map<String, String> environment, Duration timeout, boolean quiet,
        String description, boolean inheritEnvironment) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public Command {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("A command needs a program");
        }
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv), Map.of(), DEFAULT_TIMEOUT, false, null, true);
    }

    public static Command of(List<String> argv) {
        return new Command(argv, Map.of(), DEFAULT_TIMEOUT, false, null, true);
    }

    public Command withTimeout(Duration value) {
        return new Command(argv, environment, value, quiet, description, inheritEnvironment);
    }

    public Command withEnvironment(Map<String, String> extra) {
        Map<String, String> merged = new LinkedHashMap<>(environment);
        merged.putAll(extra);
        return new Command(argv, merged, timeout, quiet, description, inheritEnvironment);
    }

    public Command quietly() {
        return new Command(argv, environment, timeout, true, description, inheritEnvironment);
    }

    /** Runs the program with {@link #environment()} alone, none of the build's own variables. */
    public Command withOnlyItsEnvironment() {
        return new Command(argv, environment, timeout, quiet, description, false);
    }

    /** Shows the command as {@code value} in messages, for wrappers whose arguments would hide it. */
    public Command describedAs(String value) {
        return new Command(argv, environment, timeout, quiet, value, inheritEnvironment);
    }

    /** The command as an operator would type it, for messages. */
    public String display() {
        return description != null ? description : join(argv);
    }

    /** Arguments joined as a shell would read them back. */
    public static String join(List<String> argv) {
        StringBuilder out = new StringBuilder();
        for (String arg : argv) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(arg.matches("[A-Za-z0-9_./=:@%+,-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return out.toString();
    }
}
