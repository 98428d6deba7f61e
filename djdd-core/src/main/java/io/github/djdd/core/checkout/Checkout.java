package io.github.djdd.core.checkout;

import io.github.djdd.core.BuildFailedException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A commit exported on the build host, and the folder of it that holds the Django project.
 *
 * @param root the exported tree
 * @param projectDir the project's folder relative to {@code root}, "" for the top
 */
public record Checkout(Path root, String projectDir) {

    /** A file of the project. */
    public Path file(String name) {
        return root.resolve(projectDir).resolve(name);
    }

    /** How messages name a file of the project: relative to the repository's top. */
    public String shown(String name) {
        return projectDir.isEmpty() ? name : projectDir + "/" + name;
    }

    /**
     * Checks that the project's file {@code name} (which exists) is in the commit: a link committed
     * there could otherwise make the build read a file of the build machine (a signing key) into a
     * package.
     */
    public void requireInside(String name) throws BuildFailedException {
        try {
            Path real = file(name).toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                throw new BuildFailedException("The project's " + shown(name) + " is a link to " + real + ", outside"
                        + " the commit: commit the file itself, not a link.");
            }
        } catch (IOException e) {
            throw new BuildFailedException("Cannot read the project's " + shown(name) + " (" + e.getMessage() + "):"
                    + " commit it as a plain file or folder.", e);
        }
    }
}
