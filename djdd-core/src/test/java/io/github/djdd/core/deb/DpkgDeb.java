package io.github.djdd.core.deb;

import io.github.djdd.core.Console;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import java.nio.file.Path;
import java.util.List;

/** Reads a built package with the host's own {@code dpkg-deb}, as a target's dpkg would. */
public final class DpkgDeb {
    private static final ProcessRunner RUNNER = new ProcessRunner(Console.NULL);

    private DpkgDeb() {}

    /** {@code dpkg-deb OPTION DEB}'s output lines. */
    public static List<String> run(String option, Path deb) throws Exception {
        return RUNNER.check(Command.of("dpkg-deb", option, deb.toString()).quietly()).output();
    }

    /** {@code dpkg-deb OPTION DEB TARGET}, e.g. {@code --control} into a folder. */
    public static void run(String option, Path deb, Path target) throws Exception {
        RUNNER.check(Command.of("dpkg-deb", option, deb.toString(), target.toString()).quietly());
    }

    /** One control field's value. */
    public static String field(Path deb, String name) throws Exception {
        return String.join("\n", RUNNER.check(Command.of("dpkg-deb", "--field", deb.toString(), name).quietly())
                .output());
    }

    /** The paths the package installs, as {@code ./usr/...}. */
    public static List<String> paths(Path deb) throws Exception {
        return run("--contents", deb).stream().map(line -> line.substring(line.indexOf(" ./") + 1))
                .map(path -> path.replaceFirst(" -> .*", "")).toList();
    }
}
