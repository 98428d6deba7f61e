package io.github.djdd.core.buildroot;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.process.CommandResult;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * What the build steps ask of a build root: run commands in it, install Debian packages into it,
 * and see its files. {@link BuildRoot} is the real one; the steps' unit tests use a recording fake.
 */
public interface RootShell {
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
