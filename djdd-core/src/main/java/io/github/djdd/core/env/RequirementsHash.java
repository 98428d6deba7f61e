package io.github.djdd.core.env;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.naming.Names;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The name-giving hash of an env package (SPEC §4): the first 12 hex digits of SHA-256 over the
 * normalized requirements, the lines of {@code venv-debian-requirements.txt}, the python version
 * and the suite. Normalizing makes reordering, comments, blank lines and line continuations
 * irrelevant, and expands {@code -r}/{@code -c} includes so that a change in an included file
 * changes the hash. For a lock file the lines are the distributions it installs for the root's
 * Python, {@code name==version} with the hashes of their files, so that a reformatted lock or a
 * change to a group the env leaves out keeps the name.
 */
public final class RequirementsHash {
    private static final Pattern COMMENT = Pattern.compile("(^|\\s)#.*$");
    private static final Pattern INCLUDE = Pattern.compile(
            "^(?:-r|-c|--requirement|--constraint)(?:\\s*=\\s*|\\s+)(\\S.*)$|^-[rc](\\S.*)$");

    private RequirementsHash() {}

    /**
     * The hash of a requirements file.
     *
     * @param requirements the project's {@code requirements.txt}
     * @param boundary includes may not reach outside this folder (the checkout)
     * @param debian the normalized lines of {@code venv-debian-requirements.txt} (empty when it names no
     *     package), so that a changed runtime library list never reuses an env whose {@code Depends} lacks it
     * @param python the build root's python3 version, {@code X.Y}
     * @param suite the build root's Debian codename
     */
    public static String of(Path requirements, Path boundary, List<String> debian, String python, String suite)
            throws BuildFailedException {
        return hash(normalize(requirements, boundary), debian, python, suite);
    }

    static String hash(List<String> normalized, List<String> debian, String python, String suite) {
        String text = String.join("\n", normalized) + (debian.isEmpty() ? "" : "\n# debian " + String.join(" ", debian))
                + "\n# python " + python + "\n# suite " + suite + "\n";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * A digest of a folder's tree: each file's path, kind and content (a link's target), in path
     * order, without following links; for an env that installs the project itself, whose every
     * change must give another env.
     */
    static String treeDigest(Path folder) throws DjddException {
        try (Stream<Path> files = Files.walk(folder)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : files.sorted(Comparator.comparing(path -> folder.relativize(path).toString(),
                    Names::compareCodePoints)).toList()) {
                digest.update((folder.relativize(file) + "\0").getBytes(StandardCharsets.UTF_8));
                if (Files.isSymbolicLink(file)) {
                    digest.update(("link " + Files.readSymbolicLink(file) + "\0").getBytes(StandardCharsets.UTF_8));
                } else if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    digest.update((Files.isExecutable(file) ? "x\0" : "f\0").getBytes(StandardCharsets.UTF_8));
                    digest.update(Files.readAllBytes(file));
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new DjddException("Cannot read the project folder " + folder + " (" + e.getMessage() + "): check"
                    + " the build dir.", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The normalized lines: includes expanded, comments and blanks dropped, sorted by code point. */
    public static List<String> normalize(Path requirements, Path boundary) throws BuildFailedException {
        List<String> lines = new ArrayList<>();
        expand(requirements.toAbsolutePath().normalize(), boundary.toAbsolutePath().normalize(), new ArrayDeque<>(),
                lines);
        lines.sort(Names::compareCodePoints);
        return lines;
    }

    private static void expand(Path file, Path boundary, Deque<Path> including, List<String> out)
            throws BuildFailedException {
        if (including.contains(file)) {
            List<Path> loop = new ArrayList<>(including);
            Collections.reverse(loop);
            loop = loop.subList(loop.indexOf(file), loop.size());
            throw new BuildFailedException("The requirements include themselves: "
                    + loop.stream().map(p -> boundary.relativize(p).toString()).collect(Collectors.joining(" -> "))
                    + " -> " + boundary.relativize(file) + ": remove one of these -r/-c lines.");
        }
        including.push(file);
        for (String line : logicalLines(file, boundary, including)) {
            String content = COMMENT.matcher(line).replaceFirst("").strip();
            if (content.isEmpty()) {
                continue;
            }
            Matcher include = INCLUDE.matcher(content);
            if (include.matches()) {
                String target = (include.group(1) != null ? include.group(1) : include.group(2)).strip();
                Path included = file.getParent().resolve(target).normalize();
                if (!included.startsWith(boundary)) {
                    throw new BuildFailedException(describe(file, boundary) + " includes " + target
                            + ", which is outside the checkout: keep included requirement files in the repository.");
                }
                expand(included, boundary, including, out);
            } else {
                out.add(content);
            }
        }
        including.pop();
    }

    /** Physical lines with backslash continuations joined, decoded strictly as UTF-8. */
    private static List<String> logicalLines(Path file, Path boundary, Deque<Path> including)
            throws BuildFailedException {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new BuildFailedException(including.size() > 1
                    ? describe(including.toArray(Path[]::new)[1], boundary) + " includes "
                            + boundary.relativize(file) + ", which does not exist: fix the -r/-c line or add the file."
                    : "There is no " + boundary.relativize(file) + " in the checkout: the project must list its Python"
                            + " dependencies there (or set <projectDir> to the folder that holds it).");
        } catch (CharacterCodingException e) {
            throw new BuildFailedException(describe(file, boundary) + " is not UTF-8 text: save it as a plain"
                    + " requirements file.");
        } catch (IOException e) {
            throw new BuildFailedException("Cannot read " + describe(file, boundary) + " (" + reason(e) + "): make it a"
                    + " plain requirements file committed in the repository.", e);
        }
        requireInside(file, boundary);
        if (text.indexOf('\0') >= 0) {
            throw new BuildFailedException(describe(file, boundary) + " is not a text file (it holds NUL bytes):"
                    + " save it as a plain requirements file.");
        }
        List<String> lines = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String physical : text.split("\r?\n", -1)) {
            if (physical.endsWith("\\")) {
                pending.append(physical, 0, physical.length() - 1);
            } else {
                lines.add(pending.append(physical).toString());
                pending.setLength(0);
            }
        }
        if (pending.length() > 0) {
            lines.add(pending.toString());
        }
        return lines;
    }

    /** A symbolic link could otherwise make the hash, and pip, read a file of the build machine. */
    private static void requireInside(Path file, Path boundary) throws BuildFailedException {
        try {
            if (!file.toRealPath().startsWith(boundary.toRealPath())) {
                throw new BuildFailedException(describe(file, boundary) + " is a link to " + file.toRealPath()
                        + ", outside the checkout: commit the requirements file itself, not a link.");
            }
        } catch (IOException e) {
            throw new BuildFailedException("Cannot read " + describe(file, boundary) + " (" + reason(e) + "): make it"
                    + " a plain requirements file committed in the repository.", e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String describe(Path file, Path boundary) {
        return boundary.relativize(file).toString();
    }
}
