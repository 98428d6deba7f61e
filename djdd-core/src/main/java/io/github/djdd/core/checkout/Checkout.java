package io.github.djdd.core.checkout;

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
}
