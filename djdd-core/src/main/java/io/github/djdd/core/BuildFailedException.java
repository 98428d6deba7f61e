package io.github.djdd.core;

/**
 * The user's project failed to build (pip, collectstatic, a bad ref): the environment works,
 * the input does not.
 */
public class BuildFailedException extends DjddException {
    private static final long serialVersionUID = 1L;

    public BuildFailedException(String message) {
        super(message);
    }

    public BuildFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
