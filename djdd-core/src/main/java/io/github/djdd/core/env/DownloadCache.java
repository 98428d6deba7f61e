package io.github.djdd.core.env;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The distribution files a build user's env builds downloaded, kept by their SHA-256
 * ({@code {buildDir}/cache/downloads/sha256/{hash}}) in the user's own build dir, which no one
 * else writes: a file is stored only after its hash was computed from its bytes, so a later
 * build that asks for a hash gets exactly those bytes, and a change to one requirement downloads
 * that one file only.
 */
public final class DownloadCache {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path folder;

    public DownloadCache(BuildDir buildDir) {
        this.folder = buildDir.cache().resolve("downloads/sha256");
    }

    /** The cached file with this SHA-256, if any. */
    public Optional<Path> find(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            return Optional.empty();
        }
        Path file = folder.resolve(sha256);
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Optional.of(file) : Optional.empty();
    }

    /** A fresh file in the cache's folder to download into, for {@link #store}. */
    public Path temporary() throws DjddException {
        try {
            Files.createDirectories(folder);
            return Files.createTempFile(folder, ".download-", ".partial");
        } catch (IOException e) {
            throw new DjddException("Cannot create a file in " + folder + " (" + e.getMessage() + "): check the build"
                    + " dir.", e);
        }
    }

    /**
     * Moves {@code download} (a {@link #temporary} file) into the cache under the SHA-256 of its
     * bytes.
     *
     * @param expected the hash the file must have, or null when nothing says
     * @param what the file, for the message when it does not match
     * @return the cached file
     * @throws DjddException when its bytes do not have the {@code expected} hash (the download is deleted)
     */
    public Path store(Path download, String expected, String what) throws DjddException {
        try {
            String sha256 = PackageChecksum.sha256(download);
            if (expected != null && !expected.equals(sha256)) {
                Files.deleteIfExists(download);
                throw new DjddException(what + " has the SHA-256 " + sha256 + ", not the " + expected
                        + " it must have, so it changed after it was published or locked, or on its way: check the"
                        + " package index, and write the hashes anew only if the change is known; nothing was"
                        + " installed from it.");
            }
            Path file = folder.resolve(sha256);
            // readable in root's sandbox, which runs as nobody
            Files.setPosixFilePermissions(download, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(download, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new DjddException("Cannot keep " + what + " in " + folder + " (" + e.getMessage() + "): check the"
                    + " build dir.", e);
        }
    }

    /** Copies a file of the build host (a local index's or find-links folder's) into the cache. */
    public Path copy(Path file, String expected, String what) throws DjddException {
        Path download = temporary();
        try {
            Files.copy(file, download, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new DjddException("Cannot read " + what + " (" + e.getMessage() + "): check the <pip> locations.", e);
        }
        return store(download, expected, what);
    }
}
