package io.github.djdd.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 djdd keeps beside every package it writes ({@code NAME.deb.sha256}, in
 * {@code sha256sum} format), so that a package damaged after the build (truncated by a full
 * disk, edited by hand) is noticed and rebuilt instead of shipped.
 */
public final class PackageChecksum {
    private PackageChecksum() {}

    public static Path fileFor(Path deb) {
        return deb.resolveSibling(deb.getFileName() + ".sha256");
    }

    /**
     * Records the checksum of {@code content} for the package that will be renamed to
     * {@code deb}; written before the rename, so a finished package always has one.
     */
    public static void write(Path content, Path deb) throws IOException {
        Path file = fileFor(deb);
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        Files.writeString(partial, sha256(content) + "  " + deb.getFileName() + "\n", StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Whether the package has its checksum beside it and still matches it. */
    public static boolean matches(Path deb) throws IOException {
        String recorded = recorded(deb);
        return !recorded.isEmpty() && recorded.equals(sha256(deb));
    }

    /** The checksum recorded for the package, or "" when there is none. */
    public static String recorded(Path deb) throws IOException {
        Path file = fileFor(deb);
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip().split("\\s+")[0] : "";
    }

    /** The SHA-256 of a file's content, in hex. */
    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
