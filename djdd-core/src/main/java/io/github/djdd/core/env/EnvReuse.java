package io.github.djdd.core.env;

import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.workspace.BuildDir;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An earlier env of the same software and suite whose wheels a new env takes instead of
 * unpacking them again: after a lock or requirements change that bumps one package, the new env
 * is made from the earlier one's files of every wheel that stays, and pip installs the rest.
 * Each file is taken only as its wheel's own RECORD names it, with that RECORD's hash (the wheel
 * was checked by its SHA-256), and the files pip writes itself are written anew
 * ({@code reuse-env.py}, in the sandbox); so the env is the one a cold build makes, and a file a
 * dependency's code planted in the earlier env stays there. djdd records each env's wheels beside
 * it ({@code .{envhash}.djdd-wheels}), once its package is written.
 *
 * @param hash the earlier env's hash
 * @param wheels the wheels the new env takes from it: normalized name, SHA-256 and file name
 */
record EnvReuse(String hash, List<Distribution> wheels) {
    private static final String SCRIPT = "reuse-env.py";
    private static final Pattern RECORD = Pattern.compile("\\.([0-9a-f]{12})\\.djdd-wheels");
    /** The wanted list and the script, in the downloads folder. */
    static final String WANTED = "djdd-reuse.txt";
    private static final String REST = "/tmp/djdd-rest.txt";

    /**
     * The earlier env that shares the most wheels with {@code distributions}, at least half of
     * them; none when the env installs a project folder, which is built anew anyway.
     */
    static Optional<EnvReuse> find(EnvLayout layout, BuildDir buildDir, String suite, List<Distribution> distributions) {
        List<Distribution> wheels = distributions.stream().filter(d -> !d.folder() && !d.sdist()).toList();
        if (wheels.isEmpty() || distributions.stream().anyMatch(Distribution::folder)) {
            return Optional.empty();
        }
        Path parent = layout.hostParentDir(buildDir, suite);
        EnvReuse best = null;
        try (Stream<Path> files = Files.isDirectory(parent) ? Files.list(parent) : Stream.empty()) {
            for (Path file : files.toList()) {
                Matcher name = RECORD.matcher(file.getFileName().toString());
                if (!name.matches() || name.group(1).equals(layout.hash())
                        || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        || !Files.isDirectory(parent.resolve(name.group(1)), LinkOption.NOFOLLOW_LINKS)
                        || !Files.isRegularFile(new EnvLayout(layout.software(), name.group(1))
                                .hostMarker(buildDir, suite), LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                Set<String> theirs = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .map(line -> line.split(" ")[0]).collect(Collectors.toSet());
                List<Distribution> shared = wheels.stream().filter(wheel -> theirs.contains(wheel.sha256())).toList();
                if (shared.size() * 2 >= wheels.size() && (best == null || shared.size() > best.wheels().size())) {
                    best = new EnvReuse(name.group(1), shared);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(best);
    }

    /** Records the wheels of a finished env beside it, for later envs to take from. */
    static void record(EnvLayout layout, BuildDir buildDir, String suite, List<Distribution> distributions)
            throws IOException {
        Path file = layout.hostParentDir(buildDir, suite).resolve("." + layout.hash() + ".djdd-wheels");
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.writeString(partial, distributions.stream().filter(d -> !d.folder() && !d.sdist())
                .map(d -> d.sha256() + " " + d.fileName() + "\n").sorted().collect(Collectors.joining()),
                StandardCharsets.UTF_8);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Puts the wanted list and the script into the downloads folder, which the install sees. */
    void prepare(Path downloads) throws IOException {
        Files.writeString(downloads.resolve(WANTED), wheels.stream().map(d -> d.normalizedName() + " " + d.sha256()
                + " " + d.fileName() + "\n").collect(Collectors.joining()), StandardCharsets.UTF_8);
        try (InputStream script = EnvReuse.class.getResourceAsStream(SCRIPT)) {
            Files.write(downloads.resolve(SCRIPT), script.readAllBytes());
        }
    }

    /** The earlier env, read-only at its own path in the root. */
    BindMount bind(EnvLayout layout, BuildDir buildDir, String suite) {
        EnvLayout base = new EnvLayout(layout.software(), hash);
        return new BindMount(base.hostDir(buildDir, suite), base.installDir(), true);
    }

    /**
     * The install's commands in place of pip's install of every pinned file: the wheels taken
     * from the earlier env, then pip's install of the rest, by hash.
     *
     * @param pip the offline {@code pip install} command line, to which the rest's requirements are added
     */
    String commands(EnvLayout layout, String pipWheel, List<String> pip) {
        String downloads = ResolveRequirements.DOWNLOADS_IN_ROOT;
        List<String> rest = new ArrayList<>(pip);
        rest.addAll(List.of("--require-hashes", "--requirement", REST));
        return Command.join(List.of(layout.python(), downloads + "/" + SCRIPT, pipWheel,
                new EnvLayout(layout.software(), hash).installDir(), layout.installDir(), downloads,
                downloads + "/" + WANTED, REST)) + "\n"
                + "if [ -s " + REST + " ]; then " + Command.join(rest) + "; fi\n";
    }

    /** How many wheels the script took, "N of M", from its line; empty when it did not say. */
    static Optional<String> taken(List<String> output) {
        return output.stream().filter(line -> line.startsWith("djdd-reused "))
                .map(line -> line.substring("djdd-reused ".length()).strip()).findFirst();
    }
}
