package io.github.djdd.core.site;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.DjddVersion;
import io.github.djdd.core.env.EnvPackage;
import io.github.djdd.core.source.SourceLayout;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * collectstatic's output of one site package, kept under {@code {buildDir}/cache/static/{package}/}
 * by a key of everything that decides it: the commit, the env package, and collectstatic's whole
 * environment (the settings module and the variant's variables among it), plus djdd's version. A
 * build whose key is there skips collectstatic. An entry is a folder {@code KEY/} and, written last,
 * {@code KEY.properties} with the settings' URLs; the {@value #KEEP} most recently used are kept.
 */
final class StaticFilesCache {
    static final int KEEP = 3;

    private final Path folder;

    StaticFilesCache(BuildDir buildDir, String sitePackage) {
        this.folder = buildDir.cache().resolve("static").resolve(sitePackage);
    }

    static String key(SourceLayout src, EnvPackage env, Map<String, String> environment) throws DjddException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<String> lines = new ArrayList<>(List.of("djdd " + DjddVersion.get(), "src " + src.packageName() + " "
                    + src.projectDir(), "env " + env.deb().name() + " " + PackageChecksum.recorded(env.deb().file())));
            new TreeMap<>(environment).forEach((name, value) -> lines.add("env " + name + "=" + value));
            for (String line : lines) {
                digest.update(line.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        } catch (IOException e) {
            throw new DjddException("Cannot read the checksum of " + env.deb().file() + " (" + e.getMessage() + ")", e);
        }
    }

    /** The entry of {@code key}, marked as just used; empty when there is none. */
    Optional<CollectStaticStep.Result> find(String key) throws DjddException {
        Path tree = folder.resolve(key);
        Path urls = folder.resolve(key + ".properties");
        if (!Files.isRegularFile(urls) || !Files.isDirectory(tree)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(urls)) {
            Properties properties = new Properties();
            properties.load(in);
            Files.setLastModifiedTime(urls, FileTime.from(Instant.now()));
            return Optional.of(new CollectStaticStep.Result(tree, properties.getProperty("static", ""),
                    properties.getProperty("media", "")));
        } catch (IOException e) {
            throw new DjddException("Cannot read " + urls + " (" + e.getMessage() + "): delete " + folder
                    + " and build again.", e);
        }
    }

    /**
     * Moves a fresh collectstatic output in as the entry of {@code key}, owned like the build dir
     * (collectstatic ran as nobody), and drops the least recently used entries beyond {@value #KEEP}.
     */
    CollectStaticStep.Result store(String key, CollectStaticStep.Result collected, Path buildDirPath)
            throws DjddException {
        Path tree = folder.resolve(key);
        Path urls = folder.resolve(key + ".properties");
        try {
            Files.createDirectories(folder);
            Object uid = Files.getAttribute(buildDirPath, "unix:uid");
            Object gid = Files.getAttribute(buildDirPath, "unix:gid");
            try (Stream<Path> paths = Files.walk(collected.folder())) {
                for (Path path : paths.toList()) {
                    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
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
            Path partial = folder.resolve("." + key + ".properties.partial");
            try (OutputStream out = Files.newOutputStream(partial)) {
                properties.store(out, null);
            }
            Files.move(partial, urls, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            prune(key);
        } catch (IOException e) {
            throw new DjddException("Cannot keep the static files in " + folder + " (" + e.getMessage() + "): check"
                    + " the build dir.", e);
        }
        return new CollectStaticStep.Result(tree, collected.staticUrl(), collected.mediaUrl());
    }

    private void prune(String current) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, "*.properties")) {
            stream.forEach(entries::add);
        }
        entries.sort(Comparator.comparing(StaticFilesCache::lastUsed).reversed());
        for (Path old : entries.subList(Math.min(KEEP, entries.size()), entries.size())) {
            String key = old.getFileName().toString().replaceFirst("\\.properties$", "");
            if (!key.equals(current)) {
                Files.deleteIfExists(old);
                BuildDir.deleteTree(folder.resolve(key));
            }
        }
    }

    private static FileTime lastUsed(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
