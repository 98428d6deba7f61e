package io.github.djdd.core.workspace;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a file in the build dir, held across processes (two Jenkins jobs) and
 * threads. The kernel releases it when its process dies, so a killed build never leaves a stale
 * lock. A build that has to wait says so, since waiting on another job looks like a hang. A
 * thread that holds the lock may take it again; the file lock is released with the outermost.
 */
public final class BuildLock implements AutoCloseable {
    /** Java file locks belong to the JVM, not the thread: threads queue here first. */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private BuildLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /**
     * Takes the lock, waiting as long as another build holds it.
     *
     * @param file the lock file, created if missing
     * @param what what the lock protects, for the waiting message
     */
    public static BuildLock acquire(Path file, String what, Console console) throws DjddException {
        Path key = file.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        if (threadLock.isHeldByCurrentThread()) {
            // Nested use (init installing packages under its own root lock): the file lock is held already.
            threadLock.lock();
            return new BuildLock(threadLock, null, null);
        }
        boolean announced = false;
        if (!threadLock.tryLock()) {
            console.info("Waiting for another build that holds the lock on " + what + " (" + key + ")");
            announced = true;
            threadLock.lock();
        }
        FileChannel channel = null;
        try {
            channel = open(key);
            FileLock fileLock = channel.tryLock();
            if (fileLock == null) {
                if (!announced) {
                    console.info("Waiting for another build that holds the lock on " + what + " (" + key + ")");
                }
                fileLock = channel.lock();
            }
            return new BuildLock(threadLock, channel, fileLock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            threadLock.unlock();
            throw new DjddException("Cannot lock " + key + " (" + e.getMessage()
                    + "): check that the build dir is writable.", e);
        }
    }

    /**
     * Opens the lock file, creating it writable for the group too: in a build dir that init shared
     * (setgid folders of the {@code djdd} group), root's builds and the group's lock the same files.
     */
    private static FileChannel open(Path file) throws IOException {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-r--"));
            return channel;
        } catch (FileAlreadyExistsException e) {
            return FileChannel.open(file, StandardOpenOption.WRITE);
        }
    }

    /**
     * Takes the lock if no build holds it, without waiting.
     *
     * @return the lock, or empty when a build of this or another process holds it
     */
    public static Optional<BuildLock> tryAcquire(Path file) throws DjddException {
        Path key = file.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        if (threadLock.isHeldByCurrentThread() || !threadLock.tryLock()) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            channel = open(key);
            FileLock fileLock = channel.tryLock();
            if (fileLock != null) {
                return Optional.of(new BuildLock(threadLock, channel, fileLock));
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            threadLock.unlock();
            throw new DjddException("Cannot lock " + key + " (" + e.getMessage()
                    + "): check that the build dir is writable.", e);
        }
        closeQuietly(channel);
        threadLock.unlock();
        return Optional.empty();
    }

    @Override
    public void close() {
        if (fileLock == null) {
            threadLock.unlock();
            return;
        }
        try {
            fileLock.release();
        } catch (IOException e) {
            // Closing the channel below releases the lock as well.
        } finally {
            closeQuietly(channel);
            threadLock.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing left to release.
            }
        }
    }
}
