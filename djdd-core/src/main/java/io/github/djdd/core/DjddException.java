package io.github.djdd.core;

/**
 * A build step could not do its work. The message is one sentence for the operator: it names
 * the problem and the fix. Subclasses tell the plugin whose fault it is.
 */
public class DjddException extends Exception {
    private static final long serialVersionUID = 1L;

    public DjddException(String message) {
        super(message);
    }

    public DjddException(String message, Throwable cause) {
        super(message, cause);
    }
}
