package io.github.djdd.core.env;

import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Path;

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

    /** The folder of all this software's virtualenvs, which the build binds into the root. */
    public String parentDir() {
        return "/usr/lib/" + software + "-env";
    }

    /**
     * On the build host: this software's virtualenvs that the user running the build made or
     * unpacked for {@code suite} ({@link BuildDir#venvs}), seen at {@link #parentDir()} in the root
     * through {@link #bind}.
     */
    public Path hostParentDir(BuildDir buildDir, String suite) {
        return buildDir.venvs(suite).resolve(software + "-env");
    }

    /** On the build host: the virtualenv, at {@link #installDir()} in the root through {@link #bind}. */
    public Path hostDir(BuildDir buildDir, String suite) {
        return hostParentDir(buildDir, suite).resolve(hash);
    }

    /**
     * On the build host: the file that says which package the virtualenv is (its checksum), so that
     * collectstatic uses it as it is instead of unpacking the package again; beside the
     * virtualenv, not in it, as the sandbox that built the virtualenv could write there.
     */
    public Path hostMarker(BuildDir buildDir, String suite) {
        return hostParentDir(buildDir, suite).resolve("." + hash + ".djdd-package");
    }

    /** Shows the virtualenvs of {@link #hostParentDir} at {@link #parentDir()} in the root. */
    public BindMount bind(BuildDir buildDir, String suite, boolean readOnly) {
        return new BindMount(hostParentDir(buildDir, suite), parentDir(), readOnly);
    }

    /** The virtualenv's python. */
    public String python() {
        return installDir() + "/bin/python";
    }
}
