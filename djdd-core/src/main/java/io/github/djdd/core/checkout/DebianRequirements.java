package io.github.djdd.core.checkout;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.naming.Names;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The Debian packages a project names in {@code venv-debian-requirements.txt} or
 * {@code src-debian-requirements.txt}: one or more names per line, {@code #} comments. All of
 * them are installed in the build root. Those needed only to build are left out of the package's
 * {@code Depends}: names ending in {@code -dev}, the usual tool chain ({@link #TOOLCHAIN}), and
 * any name written as {@code build:NAME}.
 *
 * @param runtime packages the installed software needs
 * @param build packages only the build needs
 * @param lines the file's lines as the env hash reads them (SPEC §4): comments removed, trimmed,
 *     blank lines dropped, deduplicated, sorted by code point
 */
public record DebianRequirements(List<String> runtime, List<String> build, List<String> lines) {
    /** Build tools that never belong in a runtime dependency. */
    public static final Set<String> TOOLCHAIN = Set.of("build-essential", "gcc", "g++", "make", "cmake",
            "pkg-config", "pkgconf", "cargo", "rustc", "swig", "cython3");

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?");
    private static final String BUILD_PREFIX = "build:";

    public DebianRequirements {
        runtime = List.copyOf(runtime);
        build = List.copyOf(build);
        lines = List.copyOf(lines);
    }

    /** The project's file {@code name}; a missing file means "none". */
    public static DebianRequirements of(Checkout checkout, String name) throws BuildFailedException {
        return read(checkout.file(name), checkout.shown(name));
    }

    /** A missing file means "none". */
    public static DebianRequirements read(Path file, String shownAs) throws BuildFailedException {
        if (!Files.exists(file)) {
            return new DebianRequirements(List.of(), List.of(), List.of());
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BuildFailedException("Cannot read " + shownAs + " (" + e.getMessage() + "): it must be a"
                    + " UTF-8 text file of Debian package names.", e);
        }
        List<String> runtime = new ArrayList<>();
        List<String> build = new ArrayList<>();
        SortedSet<String> normalized = new TreeSet<>(Names::compareCodePoints);
        for (int number = 1; number <= lines.size(); number++) {
            String content = lines.get(number - 1).replaceFirst("#.*", "").strip();
            if (!content.isEmpty()) {
                normalized.add(content);
            }
            for (String word : content.isEmpty() ? new String[0] : content.split("\\s+")) {
                boolean buildOnly = word.startsWith(BUILD_PREFIX);
                String name = buildOnly ? word.substring(BUILD_PREFIX.length()) : word;
                if (!NAME.matcher(name).matches()) {
                    throw new BuildFailedException(shownAs + " line " + number + ": '" + word + "' is not a Debian"
                            + " package name: write one name per word, lowercase (build:NAME for build-only ones).");
                }
                (buildOnly || name.endsWith("-dev") || TOOLCHAIN.contains(name) ? build : runtime).add(name);
            }
        }
        return new DebianRequirements(runtime, build, List.copyOf(normalized));
    }

    /** Everything to install in the build root. */
    public List<String> all() {
        List<String> all = new ArrayList<>(runtime);
        all.addAll(build);
        return all;
    }
}
