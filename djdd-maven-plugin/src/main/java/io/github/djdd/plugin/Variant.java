package io.github.djdd.plugin;

/**
 * One {@code <variant>} of the deployment POM: a tenant of the software with its own site
 * package, user, database and server name.
 *
 * @since 0.1.0
 */
public class Variant {
    /** The variant's name: 1 to 15 lowercase letters and digits, starting with a letter. */
    private String name;

    /** The branch, tag or commit this variant builds; default: the repository's default branch. */
    private String ref;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getRef() {
        return ref;
    }

    public void setRef(String ref) {
        this.ref = ref;
    }
}
