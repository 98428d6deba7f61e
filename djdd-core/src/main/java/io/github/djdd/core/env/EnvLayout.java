package io.github.djdd.core.env;

import io.github.djdd.core.naming.SoftwareName;

/**
 * Where an env package installs on the target (SPEC section 1): the virtualenv at its final path,
 * which its scripts and {@code pyvenv.cfg} name, and the requirements it was built from.
 *
 * @param hash the requirements hash ({@link RequirementsHash})
 */
public record EnvLayout(SoftwareName software, String hash) {

    public String packageName() {
        return software + "-env-" + hash;
    }

    /** The virtualenv. */
    public String installDir() {
        return "/usr/lib/" + software + "-env/" + hash;
    }

    /** The requirements the virtualenv was built from. */
    public String shareDir() {
        return "/usr/share/" + software + "-env/" + hash;
    }

    /**
     * In the build root only: the file that says which package the virtualenv there is (its
     * checksum), so that collectstatic uses it as it is instead of unpacking the package again.
     */
    public String rootMarker() {
        return installDir() + "/.djdd-package";
    }

    /** The virtualenv's python. */
    public String python() {
        return installDir() + "/bin/python";
    }
}
