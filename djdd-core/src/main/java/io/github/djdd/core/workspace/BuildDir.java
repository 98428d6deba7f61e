package io.github.djdd.core.workspace;

import io.github.djdd.core.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

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
            // A build dir that init shared belongs to root; its members write only into its folders.
            Path probe = Files.createTempFile(Files.isDirectory(dir.work()) ? dir.work() : dir.path(), ".write-test",
                    "");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigurationException("buildDir", "Build dir " + dir.path() + " is not writable ("
                    + describe(e) + "): choose another folder with -Ddjdd.buildDir or fix its permissions"
                    + (BuildUser.isRoot() ? "." : " (a build dir that djdd:init made is for root and the members of"
                            + " the '" + BuildUser.GROUP + "' group: as root, run 'adduser "
                            + System.getProperty("user.name") + " " + BuildUser.GROUP + "')."));
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

    /**
     * The caches of the user running this build (pip's downloads and wheels, collected static
     * files), in {@link #cache()}: what one build user put there never goes into another's packages.
     */
    public Path userCache() {
        return cache().resolve(System.getProperty("user.name"));
    }

    /** The record of each site package's last build, per suite, which {@code djdd:publish} reads. */
    public Path builds() {
        return path.resolve("builds");
    }

    /**
     * The virtualenvs the builds of the user running this build made or unpacked for {@code suite},
     * one folder per env ({@code {software}-env}, bound at {@code /usr/lib/{software}-env} in the
     * build root): kept outside the root, which only root may change, and apart per user, so that
     * no build user changes what another one's builds run.
     */
    public Path venvs(String suite) {
        return venvs().resolve(System.getProperty("user.name")).resolve(suite);
    }

    /** The virtualenvs of every user, a folder per user in it ({@link #venvs(String)}). */
    public Path venvs() {
        return path.resolve("venvs");
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

    /**
     * Creates a folder and its missing parents; under a setgid folder (one that init shared with the
     * {@code djdd} group) the new ones are writable for the group too, so that root's builds and
     * the group's use them alike.
     */
    public static void createSharedDirectories(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return;
        }
        Path missing = folder;
        while (missing.getParent() != null && !Files.exists(missing.getParent())) {
            missing = missing.getParent();
        }
        Files.createDirectories(folder);
        if (((int) Files.getAttribute(missing.getParent(), "unix:mode") & 02000) != 0) {
            for (Path created = folder; created.startsWith(missing); created = created.getParent()) {
                Files.setAttribute(created, "unix:mode", 02775);
            }
        }
    }

    /** Deletes a folder without following symlinks; scratch folders never hold mount points. */
    public static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                // A folder without read permission of its own (an overlay's work folder): open it up once.
                if (e instanceof AccessDeniedException && Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)
                        && !Files.isReadable(file)) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
                    deleteTree(file);
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
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
