package io.github.djdd.core.store;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.step.Step;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildLock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The finished packages in {@code {buildDir}/packages}. An env or src package is built once: a
 * build that finds it reuses it, and a build that finds another build making it waits on that
 * package's lock and then reuses the result. A package whose {@link PackageChecksum} is missing or
 * no longer matches is rebuilt, with a warning.
 */
public final class PackageStore {
    private final BuildDir buildDir;
    private final Console console;
    private final Optional<PackageSource> remote;

    public PackageStore(BuildDir buildDir, Console console) {
        this(buildDir, console, Optional.empty());
    }

    /** @param remote a repository to take a missing package from before building it */
    public PackageStore(BuildDir buildDir, Console console, Optional<PackageSource> remote) {
        this.buildDir = buildDir;
        this.console = console;
        this.remote = remote;
    }

    public Path folder() {
        return buildDir.packages();
    }

    /** The finished .deb of the package, whatever its version. */
    public Optional<Path> find(String name) throws DjddException {
        return matching(name + "_*.deb").stream().filter(Files::isRegularFile).sorted()
                .reduce((first, second) -> second);
    }

    /** The entries of the folder whose names match {@code glob}. */
    private List<Path> matching(String glob) throws DjddException {
        List<Path> matches = new ArrayList<>();
        if (!Files.isDirectory(folder())) {
            return matches;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder(), glob)) {
            files.forEach(matches::add);
        } catch (IOException e) {
            throw new DjddException("Cannot list " + folder() + " (" + e.getMessage() + ")", e);
        }
        return matches;
    }

    /** Whether the package is there and still matches the checksum recorded beside it. */
    public static boolean intact(Path deb) throws DjddException {
        try {
            return PackageChecksum.matches(deb);
        } catch (IOException e) {
            throw new DjddException("Cannot read " + deb + " (" + e.getMessage() + ")", e);
        }
    }

    private static void delete(Path deb) throws DjddException {
        try {
            Files.deleteIfExists(deb);
            Files.deleteIfExists(PackageChecksum.fileFor(deb));
        } catch (IOException e) {
            throw new DjddException("Cannot delete the damaged " + deb + " (" + e.getMessage() + "): delete it by"
                    + " hand.", e);
        }
    }

    /**
     * Deletes the hidden work files ({@code .NAME_VERSION_ARCH.deb.partial}, its work folders
     * and checksum) that builds killed while writing left in {@code packages/}. A file is only
     * deleted while its package's lock is free, so no live build is writing it.
     */
    public void removeLeftovers() throws DjddException {
        for (Path leftover : matching(".*_*")) {
            String name = leftover.getFileName().toString().substring(1).replaceFirst("_.*", "");
            Optional<BuildLock> lock = BuildLock.tryAcquire(buildDir.locks().resolve(name + ".lock"));
            if (lock.isPresent()) {
                try (BuildLock held = lock.get()) {
                    removeLeftover(name, leftover);
                }
            }
        }
    }

    private void removeLeftover(String name, Path leftover) throws DjddException {
        try {
            if (Files.exists(leftover, LinkOption.NOFOLLOW_LINKS)) {
                console.warn("Removing " + leftover.getFileName() + ": a build of " + name + " was killed while"
                        + " writing it.");
                BuildDir.deleteTree(leftover);
            }
        } catch (IOException e) {
            throw new DjddException("Cannot remove what a killed build left in " + folder() + " ("
                    + e.getMessage() + "): delete " + leftover + " by hand.", e);
        }
    }

    /**
     * Warns when {@code deb} exists but no longer matches its checksum, for steps that always
     * write their package again (the site package) and so would replace the damage silently.
     */
    public void warnIfDamaged(Path deb) throws DjddException {
        if (Files.exists(deb) && !intact(deb)) {
            warnDamaged(deb);
        }
    }

    private void warnDamaged(Path deb) {
        console.warn(deb.getFileName() + " does not match the checksum djdd recorded when it built it ("
                + PackageChecksum.fileFor(deb).getFileName() + "): it was damaged or replaced; building it again.");
    }

    /**
     * Returns the existing package, or under its lock the one the remote repository has, or
     * builds it.
     */
    public BuiltPackage getOrBuild(String name, Step<Path> build) throws DjddException {
        Optional<Path> existing = find(name);
        if (existing.isPresent() && intact(existing.get())) {
            console.info("Reusing " + existing.get().getFileName() + ": already built.");
            return new BuiltPackage(name, existing.get(), true);
        }
        try {
            Files.createDirectories(buildDir.locks());
        } catch (IOException e) {
            throw new DjddException("Cannot create " + buildDir.locks() + " (" + e.getMessage() + ")", e);
        }
        try (BuildLock lock = BuildLock.acquire(buildDir.locks().resolve(name + ".lock"), name, console)) {
            existing = find(name);
            if (existing.isPresent() && intact(existing.get())) {
                console.info("Reusing " + existing.get().getFileName() + ": another build made it meanwhile.");
                return new BuiltPackage(name, existing.get(), true);
            }
            if (existing.isPresent()) {
                warnDamaged(existing.get());
                delete(existing.get());
            }
            if (remote.isPresent()) {
                Optional<Path> fetched = remote.get().fetch(name);
                if (fetched.isPresent()) {
                    console.info("Reusing " + fetched.get().getFileName() + ": downloaded from " + remote.get().url()
                            + ", where another build published it.");
                    return BuiltPackage.downloaded(name, fetched.get(), remote.get().url());
                }
            }
            Path file = build.call();
            console.info("Built " + file.getFileName());
            return new BuiltPackage(name, file, false);
        }
    }
}
