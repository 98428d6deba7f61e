package io.github.djdd.core.build;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
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

    public PackageStore(BuildDir buildDir, Console console) {
        this.buildDir = buildDir;
        this.console = console;
    }

    public Path folder() {
        return buildDir.packages();
    }

    /** The finished .deb of the package, whatever its version. */
    public Optional<Path> find(String name) throws DjddException {
        if (!Files.isDirectory(folder())) {
            return Optional.empty();
        }
        List<Path> matches = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder(), name + "_*.deb")) {
            files.forEach(matches::add);
        } catch (IOException e) {
            throw new DjddException("Cannot list " + folder() + " (" + e.getMessage() + ")", e);
        }
        return matches.stream().filter(Files::isRegularFile).sorted().reduce((first, second) -> second);
    }

    private static boolean intact(Path deb) throws DjddException {
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

    /** Returns the existing package, or builds it under its lock. */
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
                console.warn(existing.get().getFileName() + " does not match the checksum djdd recorded when it"
                        + " built it (" + PackageChecksum.fileFor(existing.get()).getFileName() + "): it was damaged"
                        + " or replaced; building it again.");
                delete(existing.get());
            }
            Path file = build.call();
            console.info("Built " + file.getFileName());
            return new BuiltPackage(name, file, false);
        }
    }
}
