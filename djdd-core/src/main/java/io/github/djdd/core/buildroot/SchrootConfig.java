package io.github.djdd.core.buildroot;

import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildUser;
import io.github.djdd.core.workspace.RootDir;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The schroot definition that lets members of the {@code djdd} group look into a build root
 * ({@code schroot -c NAME}) as themselves; only root enters it as root. Builds do not use it
 * ({@link BuildRoot} enters the root itself), but its name is the root's name for the
 * {@link PackageHelper}, which reads the root's folder from it.
 */
final class SchrootConfig {
    static final Path DIR = Path.of("/etc/schroot/chroot.d");

    private SchrootConfig() {}

    /** One name per build dir and suite, so several build dirs on one machine never share a definition. */
    static String nameFor(BuildDir dir, String suite) {
        return legacyNameFor(dir) + "-" + suite;
    }

    /** The name of the one definition per build dir that earlier builds of djdd wrote. */
    static String legacyNameFor(BuildDir dir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(dir.path().toString().getBytes(StandardCharsets.UTF_8));
            return "djdd-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String render(BuildDir dir, RootDir root) {
        return "# Written by djdd:init for " + dir.path() + "; init rewrites it, edit the deployment POM instead.\n"
                + "[" + nameFor(dir, root.suite()) + "]\n"
                + "description=djdd build root (" + root.suite() + ") in " + dir.path() + "\n"
                + "type=directory\n"
                + "directory=" + root.path() + "\n"
                + "groups=" + BuildUser.GROUP + ",root\n"
                + "root-groups=root\n"
                + "profile=minimal\n"
                + "preserve-environment=false\n";
    }
}
