package io.github.djdd.core.site;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.DjddVersion;
import io.github.djdd.core.env.EnvPackage;
import io.github.djdd.core.naming.Names;
import io.github.djdd.core.source.SourceLayout;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildUser;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * collectstatic's output of one site package, kept under {@code {buildDir}/cache/static/{package}/}
 * by a key of everything that decides it: the env package, collectstatic's whole environment (the
 * settings module and the variant's variables among it), djdd's version, and the files of the src
 * that collectstatic read and the folders it listed (its imports, templates and static files; the
 * step records them). A change elsewhere in the src, such as a view's code, leaves the output as it
 * was. An entry is a folder {@code KEY/} and, written last, {@code KEY.properties} with the settings'
 * URLs and the inputs; the {@value #KEEP} most recently used are kept.
 */
final class StaticFilesCache {
    static final int KEEP = 3;
    /** An input the step could not name (a path with a line break): such output is not kept. */
    static final String UNKNOWN = "unknown";

    private final Path folder;

    StaticFilesCache(BuildDir buildDir, String sitePackage) {
        this.folder = buildDir.cache().resolve("static").resolve(sitePackage);
    }

    /** The part of the key that does not depend on the src's files. */
    static String key(SourceLayout src, EnvPackage env, Map<String, String> environment) throws DjddException {
        List<String> lines;
        try {
            // "entry 2": entries record gunicorn's version; older ones do not count.
            lines = new ArrayList<>(List.of("djdd " + DjddVersion.get(), "entry 2", "project " + src.projectDir(),
                    "env " + env.deb().name() + " " + PackageChecksum.recorded(env.deb().file())));
        } catch (IOException e) {
            throw new DjddException("Cannot read the checksum of " + env.deb().file() + " (" + e.getMessage() + ")", e);
        }
        new TreeMap<>(environment).forEach((name, value) -> lines.add("env " + name + "=" + value));
        return sha256(lines);
    }

    /**
     * The entry whose inputs in {@code checkout} are what they were when it was collected, marked as
     * just used; empty when there is none.
     */
    Optional<CollectStaticStep.Result> find(String key, Path checkout) throws DjddException {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try {
            // Entries of one settings module usually list the same inputs: hash those files once.
            Map<List<String>, String> names = new HashMap<>();
            for (Path urls : entries()) {
                Properties properties = new Properties();
                try (InputStream in = Files.newInputStream(urls)) {
                    properties.load(in);
                }
                String name = entryOf(urls);
                Path tree = folder.resolve(name);
                List<String> inputs = properties.getProperty("inputs", "").lines().toList();
                if (key.equals(properties.getProperty("key")) && Files.isDirectory(tree)) {
                    String current = names.get(inputs);
                    if (current == null) {
                        current = entryName(key, inputs, checkout);
                        names.put(inputs, current);
                    }
                    if (!name.equals(current)) {
                        continue;
                    }
                    Files.setLastModifiedTime(urls, FileTime.from(Instant.now()));
                    return Optional.of(new CollectStaticStep.Result(tree, properties.getProperty("static", ""),
                            properties.getProperty("media", ""), properties.getProperty("gunicorn", "")));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new DjddException("Cannot read " + folder + " (" + e.getMessage() + "): delete it and build again.",
                    e);
        }
    }

    /** The name of an entry: the key and the content of the inputs as {@code checkout} has them. */
    private static String entryName(String key, List<String> inputs, Path checkout) throws IOException {
        List<String> lines = new ArrayList<>(List.of(key));
        for (String input : inputs) {
            int space = input.indexOf(' ');
            Path path = checkout.resolve(input.substring(space + 1));
            lines.add(input);
            if (Files.isDirectory(path)) {
                try (Stream<Path> listed = Files.list(path)) {
                    listed.map(child -> child.getFileName().toString()).sorted(Names::compareCodePoints)
                            .forEach(lines::add);
                }
            } else if (Files.isRegularFile(path)) {
                lines.add(PackageChecksum.sha256(path));
            } else {
                lines.add("missing");
            }
        }
        return sha256(lines);
    }

    /**
     * Moves a fresh collectstatic output in as the entry of {@code key}, owned like the build dir
     * (root's collectstatic ran as nobody; a build user's wrote its own files), and drops the least recently used entries beyond {@value #KEEP}.
     */
    CollectStaticStep.Result store(String key, List<String> inputs, Path checkout, CollectStaticStep.Result collected,
            Path buildDirPath) throws DjddException {
        if (inputs.contains(UNKNOWN)) {
            return collected;
        }
        try {
            String name = entryName(key, inputs, checkout);
            Path tree = folder.resolve(name);
            Path urls = folder.resolve(name + ".properties");
            Files.createDirectories(folder);
            if (BuildUser.isRoot()) {
                Object uid = Files.getAttribute(buildDirPath, "unix:uid");
                Object gid = Files.getAttribute(buildDirPath, "unix:gid");
                try (Stream<Path> paths = Files.walk(collected.folder())) {
                    for (Path path : paths.toList()) {
                        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
            if (Files.isDirectory(tree)) {
                // Another build of the same key got there first (moves are atomic): same inputs, same files.
                BuildDir.deleteTree(collected.folder());
            } else {
                try {
                    Files.move(collected.folder(), tree, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    BuildDir.deleteTree(collected.folder());
                }
            }
            Properties properties = new Properties();
            properties.setProperty("static", collected.staticUrl());
            properties.setProperty("media", collected.mediaUrl());
            properties.setProperty("gunicorn", collected.gunicornVersion());
            properties.setProperty("key", key);
            properties.setProperty("inputs", String.join("\n", inputs));
            Path partial = folder.resolve("." + name + ".properties.partial");
            try (OutputStream out = Files.newOutputStream(partial)) {
                properties.store(out, null);
            }
            Files.move(partial, urls, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            prune(name);
            return new CollectStaticStep.Result(tree, collected.staticUrl(), collected.mediaUrl(),
                    collected.gunicornVersion());
        } catch (IOException e) {
            throw new DjddException("Cannot keep the static files in " + folder + " (" + e.getMessage() + "): check"
                    + " the build dir.", e);
        }
    }

    /** The name of the entry whose URL file is {@code urls}. */
    private static String entryOf(Path urls) {
        return urls.getFileName().toString().replaceFirst("\\.properties$", "");
    }

    /** The entries' URL files, most recently used first. */
    private List<Path> entries() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.properties")) {
            stream.forEach(entries::add);
        }
        entries.sort(Comparator.comparing(StaticFilesCache::lastUsed).reversed());
        return entries;
    }

    private void prune(String current) throws IOException {
        List<Path> entries = entries();
        for (Path old : entries.subList(Math.min(KEEP, entries.size()), entries.size())) {
            String name = entryOf(old);
            if (!name.equals(current)) {
                Files.deleteIfExists(old);
                BuildDir.deleteTree(folder.resolve(name));
            }
        }
    }

    private static String sha256(List<String> lines) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        for (String line : lines) {
            digest.update(line.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    }


    private static FileTime lastUsed(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
