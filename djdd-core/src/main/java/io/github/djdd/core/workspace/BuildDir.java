package io.github.djdd.core.workspace;

import io.github.djdd.core.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * The folder every build step works in ({@code /var/lib/djdd/build} by default): the build roots,
 * the clones, the finished packages, caches and the lock files that serialize concurrent builds.
 */
public record BuildDir(Path path) {
    public BuildDir {
        path = path.toAbsolutePath().normalize();
    }

    /**
     * Creates the folder if needed and proves it writable by writing a file into it, so that a
     * read-only or misnamed build dir fails before any work starts.
     */
    public static BuildDir prepare(Path path) throws InvalidConfigurationException {
        BuildDir dir = new BuildDir(path);
        try {
            Files.createDirectories(dir.path());
            Path probe = Files.createTempFile(dir.path(), ".write-test", "");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigurationException("buildDir", "Build dir " + dir.path() + " is not writable ("
                    + describe(e) + "): choose another folder with -Ddjdd.buildDir or fix its permissions.");
        }
        return dir;
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName().replace("Exception", "") + (message == null ? "" : ": " + message);
    }

    /** The build root of {@code suite}, in {@link #roots()}. */
    public RootDir root(String suite) {
        return new RootDir(roots().resolve(suite), suite);
    }

    /** The build roots, one per suite, only root may change them. */
    public Path roots() {
        return path.resolve("roots");
    }

    /** The one build root of earlier builds of djdd ({@code root/}, {@code root.properties}, ...); init moves it. */
    public RootDir legacyRoot() {
        return new RootDir(path.resolve("root"), "root");
    }

    public Path sources() {
        return path.resolve("sources");
    }

    public Path packages() {
        return path.resolve("packages");
    }

    public Path cache() {
        return path.resolve("cache");
    }

    /** Checkouts and other scratch space of running builds. */
    public Path work() {
        return path.resolve("work");
    }

    /**
     * A scratch folder of this process and thread in {@link #work()}; its name starts with the
     * process id so that {@link #removeAbandonedWork()} can tell whose it is.
     */
    public Path workFolder(String name) {
        return work().resolve(ProcessHandle.current().pid() + "-" + Thread.currentThread().getId() + "-" + name);
    }

    /** Deletes the scratch folders of builds whose process is gone (killed, or the machine restarted). */
    public void removeAbandonedWork() throws IOException {
        if (!Files.isDirectory(work())) {
            return;
        }
        try (var folders = Files.list(work())) {
            for (Path folder : folders.toList()) {
                String pid = folder.getFileName().toString().replaceFirst("-.*", "");
                boolean alive = pid.matches("[0-9]+")
                        && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    deleteTree(folder);
                }
            }
        }
    }

    /** Deletes a folder without following symlinks; scratch folders never hold mount points. */
    public static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Deletes a scratch file or folder of the build dir, if any, ignoring a failure: the caller
     * has an error of its own to report, and a leftover is the next build's to sweep.
     */
    public static void deleteQuietly(Path scratch) {
        if (scratch == null) {
            return;
        }
        try {
            deleteTree(scratch);
        } catch (IOException e) {
            // see above
        }
    }

    public Path locks() {
        return path.resolve("locks");
    }
}
