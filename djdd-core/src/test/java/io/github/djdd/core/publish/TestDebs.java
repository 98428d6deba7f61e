package io.github.djdd.core.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/** Small packages made by dpkg-deb and signing keys made by gpg, for the repository tests. */
public final class TestDebs {
    private TestDebs() {}

    /**
     * A package in {@code dir} made by dpkg-deb with {@code fields} added to its control file;
     * the same file when asked again.
     */
    public static Path deb(Path dir, String name, String version, String arch, String fields) throws Exception {
        Path deb = dir.resolve(name + "_" + version + "_" + arch + "-" + Math.abs(fields.hashCode()) + ".deb");
        if (Files.exists(deb)) {
            return deb;
        }
        Path tree = Files.createDirectories(dir.resolve("tree-" + name + "-" + version + "-" + fields.hashCode()));
        Files.createDirectories(tree.resolve("DEBIAN"));
        Files.writeString(tree.resolve("DEBIAN/control"), "Package: " + name + "\nVersion: " + version
                + "\nArchitecture: " + arch + "\nMaintainer: ops <ops@example.org>\n" + fields
                + "Description: test package\n a longer description\n");
        Files.createDirectories(tree.resolve("usr/share/" + name));
        Files.writeString(tree.resolve("usr/share/" + name + "/file"), name + " " + version + " " + fields + "\n");
        run(List.of("dpkg-deb", "--root-owner-group", "--build", tree.toString(), deb.toString()));
        return deb;
    }

    /** An env, a src and a site package that depends on both (and nginx). */
    public static List<Path> release(Path dir, String site, String version, String env, String src) throws Exception {
        return List.of(deb(dir, env, "1", "amd64", "Depends: python3\n"), deb(dir, src, "1", "all", ""),
                deb(dir, site, version, "all", "Depends: " + env + ", " + src + ", nginx\n"));
    }

    /**
     * A key made with gpg in {@code dir}/gnupg-{name}, as an operator makes it, its secret part
     * exported armoured into {@code dir}/{name}.asc; {@code extra} goes to the key's generation.
     */
    public static Path gpgKey(Path dir, String name, String passphrase, String... extra) throws Exception {
        Path home = Files.createDirectories(dir.resolve("gnupg-" + name));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        List<String> generate = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch",
                "--pinentry-mode", "loopback", "--passphrase", passphrase));
        generate.addAll(List.of(extra));
        generate.addAll(List.of("--quick-gen-key", name + " <" + name + "@example.org>", "ed25519", "sign", "1y"));
        run(generate);
        Path key = dir.resolve(name + ".asc");
        run(List.of("gpg", "--homedir", home.toString(), "--batch", "--pinentry-mode", "loopback", "--passphrase",
                passphrase, "--armor", "--output", key.toString(), "--export-secret-keys", name + "@example.org"));
        return key;
    }

    /** Runs a command and returns its output; fails the test unless it exits with 0. */
    public static String run(List<String> argv) throws Exception {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", argv) + "\n" + output).isZero();
        return output;
    }
}
