package io.github.djdd.core.deb;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.store.PackageChecksum;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.vafer.jdeb.DataConsumer;
import org.vafer.jdeb.DataProducer;
import org.vafer.jdeb.DebMaker;
import org.vafer.jdeb.PackagingException;
import org.vafer.jdeb.shaded.commons.compress.archivers.tar.TarArchiveEntry;
import org.vafer.jdeb.utils.MapVariableResolver;

/**
 * Assembles a .deb with jdeb's Java API, reproducibly: entries in sorted order, all owned by
 * root, modes normalized (0755 for folders and executables, 0644 for the rest and for shared
 * libraries), every timestamp the given one. The package is written under a
 * temporary name in the output folder and renamed when complete, so a finished-looking .deb is
 * always a complete one; its {@link PackageChecksum} is written just before the rename.
 */
public final class DebWriter {
    private static final int DIRECTORY = 0755;
    private static final int EXECUTABLE = 0755;
    private static final int REGULAR = 0644;
    private static final Set<String> SCRIPTS = Set.of("preinst", "postinst", "prerm", "postrm");
    /** Shared libraries are mapped, not executed: Debian ships them 0644. */
    private static final Pattern SHARED_LIBRARY = Pattern.compile(".*\\.so(\\.[0-9]+)*");

    private final Console console;

    public DebWriter(Console console) {
        this.console = console;
    }

    /**
     * Writes {@code packages/{control.fileName()}}.
     *
     * @param scripts maintainer scripts by name ({@code postinst}, {@code prerm}, ...)
     * @param timestamp the time every entry carries (the commit time, or SOURCE_DATE_EPOCH)
     * @return the finished package
     */
    public Path write(DebControl control, Map<String, String> scripts, List<DebContent> contents, Instant timestamp,
            Compression compression, Path packages) throws DjddException {
        for (String script : scripts.keySet()) {
            if (!SCRIPTS.contains(script)) {
                throw new IllegalArgumentException("Not a maintainer script: " + script);
            }
        }
        Path target = packages.resolve(control.fileName());
        Path partial = packages.resolve("." + control.fileName() + ".partial");
        Path controlDir = packages.resolve("." + control.fileName() + ".control");
        long start = System.nanoTime();
        try {
            Files.createDirectories(packages);
            deleteControlDir(controlDir);
            Files.createDirectories(controlDir);
            SortedMap<String, Entry> entries = entries(contents);
            writeControlFile(controlDir.resolve("control"), control.render(), REGULAR);
            for (Map.Entry<String, String> script : new TreeMap<>(scripts).entrySet()) {
                writeControlFile(controlDir.resolve(script.getKey()), script.getValue(), EXECUTABLE);
            }
            String conffiles = conffiles(entries);
            if (!conffiles.isEmpty()) {
                writeControlFile(controlDir.resolve("conffiles"), conffiles, REGULAR);
            }
            DebMaker maker = new DebMaker(new JdebConsole(console), List.of(new Producer(entries, timestamp)),
                    List.of());
            maker.setControl(controlDir.toFile());
            maker.setDeb(partial.toFile());
            maker.setCompression(compression.jdebName());
            maker.setOutputTimestampMs(timestamp.toEpochMilli());
            maker.setResolver(new MapVariableResolver(Map.of()));
            // dpkg reads GNU long names but refuses PAX headers.
            maker.setTarLongFileMode("gnu");
            maker.setTarBigNumberMode("gnu");
            maker.validate();
            maker.makeDeb();
            PackageChecksum.write(partial, target);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            console.info(String.format(Locale.ROOT, "Assembled %s (%d bytes, %s) in %.2f s",
                    target.getFileName(), Files.size(target), compression.jdebName(), (System.nanoTime() - start) / 1e9));
            return target;
        } catch (IOException | PackagingException e) {
            throw new DjddException("Cannot write " + target + " (" + rootMessage(e) + "): check the space and"
                    + " permissions of " + packages + ".", e);
        } finally {
            try {
                Files.deleteIfExists(partial);
                deleteControlDir(controlDir);
            } catch (IOException e) {
                console.warn("Cannot clean up after writing " + target + ": " + e.getMessage());
            }
        }
    }

    /**
     * Every file under /etc is a conffile (Debian policy): dpkg keeps an operator's edits on
     * upgrade and removes the files only on purge.
     */
    private static String conffiles(SortedMap<String, Entry> entries) {
        StringBuilder out = new StringBuilder();
        entries.forEach((path, entry) -> {
            if (entry.type() == 'f' && path.startsWith("./etc/")) {
                out.append(path.substring(1)).append('\n');
            }
        });
        return out.toString();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static void writeControlFile(Path file, String content, int mode) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, permissions(mode));
    }

    private static void deleteControlDir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        return mode == EXECUTABLE ? PosixFilePermissions.fromString("rwxr-xr-x")
                : PosixFilePermissions.fromString("rw-r--r--");
    }

    /** Every entry of the data archive by its path, so that the archive is in sorted order. */
    private SortedMap<String, Entry> entries(List<DebContent> contents) throws IOException {
        SortedMap<String, Entry> entries = new TreeMap<>();
        for (DebContent content : contents) {
            if (content instanceof DebContent.Tree tree) {
                String target = normalize(tree.target());
                addParents(entries, target);
                entries.put(target + "/", Entry.directory());
                walk(tree.source(), target, entries);
            } else if (content instanceof DebContent.Data data) {
                String target = normalize(data.target());
                addParents(entries, target);
                entries.put(target, Entry.data(data.content(), data.mode()));
            }
        }
        return entries;
    }

    private static String normalize(String target) {
        String path = target.replaceAll("/+$", "");
        if (!path.startsWith("/") || path.contains("/../") || path.contains("/./")) {
            throw new IllegalArgumentException("A package path must be absolute and plain: " + target);
        }
        return "." + path;
    }

    private static void addParents(SortedMap<String, Entry> entries, String path) {
        int slash = path.indexOf('/', 2);
        while (slash > 0) {
            entries.putIfAbsent(path.substring(0, slash + 1), Entry.directory());
            slash = path.indexOf('/', slash + 1);
        }
    }

    private void walk(Path dir, String target, SortedMap<String, Entry> entries) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        for (Path child : children) {
            String name = target + "/" + child.getFileName();
            if (Files.isSymbolicLink(child)) {
                entries.put(name, Entry.link(Files.readSymbolicLink(child).toString()));
            } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                entries.put(name + "/", Entry.directory());
                walk(child, name, entries);
            } else if (Files.isRegularFile(child, LinkOption.NOFOLLOW_LINKS)) {
                boolean executable = !SHARED_LIBRARY.matcher(child.getFileName().toString()).matches()
                        && Files.getPosixFilePermissions(child, LinkOption.NOFOLLOW_LINKS).stream()
                                .anyMatch(p -> p.name().endsWith("_EXECUTE"));
                entries.put(name, Entry.file(child, Files.size(child), executable ? EXECUTABLE : REGULAR));
            } else {
                console.warn("Leaving out " + child + ": not a file, folder or symlink.");
            }
        }
    }

    private record Entry(char type, Path file, byte[] content, long size, int mode, String link) {
        static Entry directory() {
            return new Entry('d', null, null, 0, DIRECTORY, null);
        }

        static Entry file(Path file, long size, int mode) {
            return new Entry('f', file, null, size, mode, null);
        }

        static Entry data(byte[] content, int mode) {
            return new Entry('f', null, content, content.length, mode, null);
        }

        static Entry link(String target) {
            return new Entry('l', null, null, 0, 0777, target);
        }

        InputStream open() throws IOException {
            return content != null ? new ByteArrayInputStream(content) : Files.newInputStream(file);
        }
    }

    private static final class Producer implements DataProducer {
        private final SortedMap<String, Entry> entries;
        private final long modTime;

        Producer(SortedMap<String, Entry> entries, Instant timestamp) {
            this.entries = entries;
            this.modTime = timestamp.toEpochMilli();
        }

        @Override
        public void produce(DataConsumer receiver) throws IOException {
            for (Map.Entry<String, Entry> item : entries.entrySet()) {
                Entry entry = item.getValue();
                TarArchiveEntry tar = entry.type() == 'l'
                        ? new TarArchiveEntry(item.getKey(), TarArchiveEntry.LF_SYMLINK, true)
                        : new TarArchiveEntry(item.getKey(), true);
                tar.setUserId(0);
                tar.setUserName("root");
                tar.setGroupId(0);
                tar.setGroupName("root");
                tar.setModTime(modTime);
                switch (entry.type()) {
                    case 'd' -> {
                        tar.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | entry.mode());
                        receiver.onEachDir(tar);
                    }
                    case 'l' -> {
                        tar.setLinkName(entry.link());
                        receiver.onEachLink(tar);
                    }
                    default -> {
                        tar.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | entry.mode());
                        tar.setSize(entry.size());
                        try (InputStream in = entry.open()) {
                            receiver.onEachFile(in, tar);
                        }
                    }
                }
            }
        }
    }

    /** jdeb's chatter goes to debug; its warnings stay warnings. */
    private record JdebConsole(Console console) implements org.vafer.jdeb.Console {
        @Override
        public void debug(String message) {
            console.debug(message);
        }

        @Override
        public void info(String message) {
            console.debug(message);
        }

        @Override
        public void warn(String message) {
            console.warn(message);
        }
    }
}
