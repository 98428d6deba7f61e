package io.github.djdd.core.workspace;

import com.sun.security.auth.module.UnixSystem;
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
import java.util.ArrayList;
import java.util.List;

/**
 * The folder every build step works in ({@code /var/lib/djdd/build} by default): the build roots,
 * shared by every build user and changed by root alone, and the folders each build user works
 * in, which belong to that user alone: root's own at the top ({@code packages/}, {@code sources/},
 * {@code cache/}, {@code venvs/}, {@code work/}, {@code builds/}, {@code locks/}), a member's of the
 * {@code djdd} group the same in {@code users/{user}/}. No one reuses, publishes or unpacks what
 * another user could have written; packages travel between users and build agents through a
 * signed repository ({@code djdd:publish}, {@code -Ddjdd.aptRepository}).
 *
 * @param path the build dir
 * @param own the folder of the user running this build: {@code path} for root, else {@code path/users/{user}}
 */
public record BuildDir(Path path, Path own) {
    /** The folders of a user's own, in {@link #own}. */
    public static final List<String> OWN_FOLDERS = List.of("packages", "sources", "cache", "venvs", "work", "builds",
            "locks");

    public BuildDir {
        path = path.toAbsolutePath().normalize();
        own = own.toAbsolutePath().normalize();
    }

    /** The build dir at {@code path}, for the user running this build. */
    public BuildDir(Path path) {
        this(path, ownFolder(path.toAbsolutePath().normalize()));
    }

    private static Path ownFolder(Path path) {
        return BuildUser.isRoot() ? path : path.resolve("users").resolve(System.getProperty("user.name"));
    }

    /**
     * Creates the folder if needed, checks that the folders of the user running this build are
     * that user's alone, and proves them writable by writing a file, so that a build dir others
     * could change, or a read-only or misnamed one, fails before any work starts.
     */
    public static BuildDir prepare(Path path) throws InvalidConfigurationException {
        return prepare(path, true);
    }

    /**
     * As {@link #prepare}, for {@code djdd:init}, which takes root's folders back from others
     * itself (a build dir an earlier djdd shared with the group), so it does not refuse them.
     */
    public static BuildDir prepareForInit(Path path) throws InvalidConfigurationException {
        return prepare(path, false);
    }

    private static BuildDir prepare(Path path, boolean requireRootsAlone) throws InvalidConfigurationException {
        BuildDir dir = new BuildDir(path);
        try {
            if (BuildUser.isRoot()) {
                Files.createDirectories(dir.path());
                if (requireRootsAlone) {
                    dir.requireRootsAlone();
                }
            } else {
                dir.createOwn();
            }
            Path probe = Files.createTempFile(dir.own(), ".write-test", "");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigurationException("buildDir", "Build dir " + dir.own() + " is not writable ("
                    + describe(e) + "): choose another folder with -Ddjdd.buildDir or fix its permissions"
                    + (BuildUser.isRoot() ? "." : " (a build dir that djdd:init made is for root and the members of"
                            + " the '" + BuildUser.GROUP + "' group: as root, run 'adduser "
                            + System.getProperty("user.name") + " " + BuildUser.GROUP + "')."));
        }
        return dir;
    }

    /**
     * Root builds only where no one else can change what it builds: the build dir and its own
     * folders are root's and not writable for others, and no folder above is writable for
     * others without the sticky bit.
     */
    private void requireRootsAlone() throws InvalidConfigurationException, IOException {
        for (Path above = path.getParent(); above != null; above = above.getParent()) {
            int mode = mode(above.toRealPath());
            if ((mode & 022) != 0 && (mode & 01000) == 0) {
                throw new InvalidConfigurationException("buildDir", "The build dir " + path + " lies in " + above
                        + ", which others can write (mode " + Integer.toOctalString(mode & 07777) + "), so they"
                        + " could replace what root builds: choose a build dir whose folders only root can write"
                        + " (-Ddjdd.buildDir), or make " + above + " writable for root alone.");
            }
        }
        List<Path> folders = new ArrayList<>(List.of(path));
        OWN_FOLDERS.forEach(name -> folders.add(path.resolve(name)));
        for (Path folder : folders) {
            if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            String problem = others(folder, 0);
            if (problem != null) {
                throw new InvalidConfigurationException("buildDir", "The build dir's folder " + folder + " " + problem
                        + " (an earlier djdd shared it with the '" + BuildUser.GROUP + "' group), so others could"
                        + " replace what root builds there: run 'mvn djdd:init' (as root) once with the same"
                        + " -Ddjdd.buildDir; it takes the folder back for root and removes what others wrote in it.");
            }
        }
    }

    /** A member's own folder, made on its first build; refused when it is a link, another's or writable for others. */
    private void createOwn() throws InvalidConfigurationException, IOException {
        Path users = own.getParent();
        if (!Files.isDirectory(users, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidConfigurationException("buildDir", "The build dir " + path + " has no folder " + users
                    + " for the build users' own builds: as root, run 'mvn djdd:init' with the same -Ddjdd.buildDir"
                    + " (it makes the build root and that folder).");
        }
        if (!Files.exists(own, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(own, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        String problem = others(own, (int) new UnixSystem().getUid());
        if (problem != null) {
            throw new InvalidConfigurationException("buildDir", "The build dir " + own + " of "
                    + System.getProperty("user.name") + " " + problem + ", so others could replace what this user"
                    + " builds there: as root, delete " + own + "; the next build makes it anew.");
        }
    }

    /** What makes {@code folder} not {@code owner}'s alone, or null: a link, another owner, write access for others. */
    public static String others(Path folder, int owner) throws IOException {
        if (Files.isSymbolicLink(folder) || !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return "is a link or no folder";
        }
        int uid = (int) Files.getAttribute(folder, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (uid != owner) {
            return "belongs to uid " + uid + ", not " + owner;
        }
        int mode = mode(folder);
        if ((mode & 022) != 0) {
            return "is writable for others (mode " + Integer.toOctalString(mode & 07777) + ")";
        }
        return null;
    }

    private static int mode(Path path) throws IOException {
        return (int) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
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

    /** The build users' own build dirs, a folder each ({@link #own}). */
    public Path users() {
        return path.resolve("users");
    }

    /** The clones of this user's builds. */
    public Path sources() {
        return own.resolve("sources");
    }

    /** This user's finished packages. */
    public Path packages() {
        return own.resolve("packages");
    }

    /** This user's caches (downloaded distributions, collected static files). */
    public Path cache() {
        return own.resolve("cache");
    }

    /** The record of each site package's last build, per suite, which {@code djdd:publish} reads. */
    public Path builds() {
        return own.resolve("builds");
    }

    /**
     * The virtualenvs this user's builds made or unpacked for {@code suite}, one folder per env
     * ({@code {software}-env}): kept outside the root, which only root may change.
     */
    public Path venvs(String suite) {
        return own.resolve("venvs").resolve(suite);
    }

    /** Checkouts and other scratch space of this user's running builds. */
    public Path work() {
        return own.resolve("work");
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

    /** The locks of this user's builds. */
    public Path locks() {
        return own.resolve("locks");
    }
}
