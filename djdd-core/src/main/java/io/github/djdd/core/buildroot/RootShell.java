package io.github.djdd.core.buildroot;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.process.CommandResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the build steps ask of a build root: run commands in it, install Debian packages into it,
 * and see its files. {@link BuildRoot} is the real one; the steps' unit tests use a recording fake.
 */
public interface RootShell {
    /** Testing suites, whose os-release has no {@code VERSION_ID} until they are released. */
    Map<String, Integer> PLANNED_RELEASES = Map.of("forky", 14, "duke", 15);

    /** {@code VERSION_ID="13"} of {@code /etc/os-release}. */
    Pattern VERSION_ID = Pattern.compile("VERSION_ID=\"?([0-9]+)\"?");

    /** The root's folder on the build host. */
    Path path();

    /** The root's Debian codename. */
    String suite();

    /** Runs the command inside the root and returns what it did, whatever its exit status. */
    CommandResult run(RootCommand command) throws DjddException;

    /** Runs the command inside the root and fails with its output unless it exits with 0. */
    CommandResult check(RootCommand command) throws DjddException;

    /**
     * Installs the packages that are missing, one build at a time.
     *
     * @param names Debian package names
     * @param source where the names come from, for the error message (a file name)
     * @return the packages that were installed
     */
    List<String> installPackages(Collection<String> names, String source) throws DjddException;

    /**
     * The major Debian release of the root (12 for bookworm, 13 for trixie): {@code VERSION_ID} of
     * its {@code /etc/os-release}, or for a testing suite, which has none yet, the number its
     * codename will have.
     *
     * @throws DjddException when neither tells (unstable)
     */
    default int debianRelease() throws DjddException {
        Path osRelease = path().resolve("etc/os-release");
        try {
            for (String line : Files.readAllLines(osRelease, StandardCharsets.UTF_8)) {
                Matcher matcher = VERSION_ID.matcher(line);
                if (matcher.matches()) {
                    return Integer.parseInt(matcher.group(1));
                }
            }
        } catch (IOException e) {
            throw new DjddException("Cannot read " + osRelease + " (" + e.getMessage() + "): the build root is"
                    + " damaged; run 'mvn djdd:init -Ddjdd.suite=" + suite() + "' (as root) to repair it.", e);
        }
        Integer planned = PLANNED_RELEASES.get(suite());
        if (planned == null) {
            throw new DjddException("The build root's suite " + suite() + " has no Debian release number, which"
                    + " the site package's version carries: build for a released suite such as trixie or bookworm.");
        }
        return planned;
    }

    /** nobody's user and group id, which root's sandbox runs as on the host. */
    int NOBODY = 65534;

    /**
     * Lets {@link RootCommand#inSandbox() sandboxed} commands write into a host folder bound into
     * the root: as root, gives it to nobody.
     */
    default void shareWithSandbox(Path folder) throws IOException {
        Files.setAttribute(folder, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(folder, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
    }

    /** The root's {@code python3} version as {@code X.Y}. */
    default String pythonVersion() throws DjddException {
        return lastLine(check(RootCommand.of("python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])")
                .quietly()));
    }

    /** The root's Debian architecture, for example {@code amd64}. */
    default String architecture() throws DjddException {
        return lastLine(check(RootCommand.of("dpkg", "--print-architecture").quietly()));
    }

    private static String lastLine(CommandResult result) {
        return result.output().isEmpty() ? "" : result.output().get(result.output().size() - 1).strip();
    }
}
