package io.github.djdd.core.process;

import java.util.List;

/**
 * What a finished command did.
 *
 * @param exitCode the program's exit status
 * @param output every line it printed, standard output and error interleaved as they arrived
 */
public record CommandResult(int exitCode, List<String> output) {
    public CommandResult {
        output = List.copyOf(output);
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** The last {@code n} lines, for an error message. */
    public String tail(int n) {
        return String.join("\n", output.subList(Math.max(0, output.size() - n), output.size()));
    }
}
