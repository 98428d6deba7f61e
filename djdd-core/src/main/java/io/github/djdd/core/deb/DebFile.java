package io.github.djdd.core.deb;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * A {@code .deb} on its way into a repository: its control paragraph and the size and sums its
 * index entry carries.
 */
public record DebFile(Path file, Stanza control, long size, String md5, String sha256) {
    /** The package's name, version and architecture: what apt knows it by. */
    public String key() {
        return key(control);
    }

    /** The {@link #key()} of a package's control paragraph or index entry. */
    public static String key(Stanza entry) {
        return entry.require("Package") + " " + entry.require("Version") + " " + entry.require("Architecture");
    }

    public String name() {
        return control.require("Package");
    }

    public String version() {
        return control.require("Version");
    }

    public String architecture() {
        return control.require("Architecture");
    }

    /** Reads {@code file}'s control paragraph and sums. */
    public static DebFile read(Path file) throws IOException {
        Stanza control = null;
        try (ArArchiveInputStream ar = new ArArchiveInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            for (ArArchiveEntry member = ar.getNextEntry(); member != null; member = ar.getNextEntry()) {
                if (member.getName().startsWith("control.tar")) {
                    control = control(ar, member.getName());
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(file.getFileName() + " is not a Debian package (" + e.getMessage() + ")", e);
        }
        if (control == null) {
            throw new IOException(file.getFileName() + " is not a Debian package: it has no control member");
        }
        MessageDigest md5 = digest("MD5");
        MessageDigest sha256 = digest("SHA-256");
        try (InputStream in = new DigestInputStream(new DigestInputStream(Files.newInputStream(file), md5), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return new DebFile(file, control, Files.size(file), HexFormat.of().formatHex(md5.digest()),
                HexFormat.of().formatHex(sha256.digest()));
    }

    private static Stanza control(InputStream member, String name) throws IOException {
        InputStream data;
        try {
            data = name.equals("control.tar") ? member
                    : new CompressorStreamFactory().createCompressorInputStream(new BufferedInputStream(member));
        } catch (CompressorException e) {
            throw new IOException("unknown compression of " + name, e);
        }
        TarArchiveInputStream tar = new TarArchiveInputStream(data);
        for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
            if (entry.getName().equals("./control") || entry.getName().equals("control")) {
                return Stanza.parse(new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        throw new IOException(name + " holds no control file");
    }

    public static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
