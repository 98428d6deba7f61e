package io.github.djdd.core.process;

import io.github.djdd.core.DjddException;

/** A program exited with a failure status, timed out or could not start. */
public class CommandFailedException extends DjddException {
    private static final long serialVersionUID = 1L;

    private final transient CommandResult result;

    public CommandFailedException(String message, CommandResult result) {
        super(message);
        this.result = result;
    }

    public CommandFailedException(String message, Throwable cause) {
        super(message, cause);
        this.result = null;
    }

    /** What the program printed and its status; null when it never started. */
    public CommandResult result() {
        return result;
    }
}
