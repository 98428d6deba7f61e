package io.github.djdd.core.store;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.workspace.BuildDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What {@code djdd:build} made last for a site package and suite, so that {@code djdd:publish}
 * takes exactly that: {@code {buildDir}/builds/{suite}/{site package}} lists the file names of
 * the site package and of the env and src packages it depends on, in {@code packages/}.
 */
public final class LastBuild {
    /** A package file's name in {@code packages/}: {@code NAME_VERSION_ARCH.deb}, no folder. */
    private static final Pattern PACKAGE_FILE = Pattern.compile("[a-z0-9][a-z0-9+.-]*_[A-Za-z0-9.+~%-]+_[a-z0-9-]+\\.deb");

    private LastBuild() {}

    private static Path file(BuildDir buildDir, String suite, String sitePackage) {
        return buildDir.builds().resolve(suite).resolve(sitePackage);
    }

    /** Records the site package and what it needs, replacing the record of the build before. */
    public static void record(BuildDir buildDir, String suite, BuiltPackage site, List<BuiltPackage> needed)
            throws DjddException {
        Path file = file(buildDir, suite, site.name());
        StringBuilder lines = new StringBuilder(site.file().getFileName() + "\n");
        needed.forEach(deb -> lines.append(deb.file().getFileName()).append('\n'));
        Path partial = null;
        try {
            Files.createDirectories(file.getParent());
            // a name of its own: two builds of one variant at once each write their record whole
            partial = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".partial");
            Files.writeString(partial, lines, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            BuildDir.deleteQuietly(partial);
            throw new DjddException("Cannot record the build of " + site.name() + " in " + file + " ("
                    + e.getMessage() + "): check the build dir.", e);
        }
    }

    /**
     * The packages the last build of {@code sitePackage} for {@code suite} made or reused, site
     * package first, each checked against the checksum recorded when it was written.
     */
    public static List<Path> read(BuildDir buildDir, String suite, String sitePackage) throws DjddException {
        Path file = file(buildDir, suite, sitePackage);
        if (!Files.isRegularFile(file)) {
            throw new DjddException("No build of " + sitePackage + " for " + suite + " in " + buildDir.path()
                    + ": run 'mvn djdd:build -Ddjdd.suite=" + suite + "' first; djdd:publish publishes what it made.");
        }
        List<Path> debs = new ArrayList<>();
        try {
            for (String name : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!PACKAGE_FILE.matcher(name).matches()) {
                    throw new DjddException(file + " names '" + name + "', which is no package file of "
                            + buildDir.packages() + ": run 'mvn djdd:build -Ddjdd.suite=" + suite + "' again, which"
                            + " writes the record anew.");
                }
                Path deb = buildDir.packages().resolve(name);
                if (!Files.isRegularFile(deb) || !PackageChecksum.matches(deb)) {
                    throw new DjddException(deb + " of the last build of " + sitePackage + " for " + suite + " is"
                            + " missing or does not match its checksum: run 'mvn djdd:build -Ddjdd.suite=" + suite
                            + "' again.");
                }
                debs.add(deb);
            }
        } catch (IOException e) {
            throw new DjddException("Cannot read " + file + " (" + e.getMessage() + "): check the build dir.", e);
        }
        return debs;
    }
}
