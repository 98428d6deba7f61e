package io.github.djdd.core.deb;

import io.github.djdd.core.Console;
import com.github.luben.zstd.util.Native;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.Progress;
import io.github.djdd.core.store.PackageChecksum;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a .deb, reproducibly: entries in sorted order, all owned by root, modes normalized
 * (0755 for folders and executables, 0644 for the rest and for shared libraries), every timestamp
 * the given one. The package is written under a temporary name in the output folder and renamed
 * when complete, so a finished-looking .deb is always a complete one; its {@link PackageChecksum}
 * is written just before the rename.
 *
 * <p>The archive is streamed straight into that file: the control member (with the md5sums of a
 * first pass over the files) goes first, then the data archive flows through tar and the
 * compressor into the file, and the data member's size is filled into its header afterwards. So
 * no package is ever held in memory and no work file exists outside the output folder.
 */
public final class DebWriter {
    private static final int DIRECTORY = 0755;
    private static final int EXECUTABLE = 0755;
    private static final int REGULAR = 0644;
    private static final Set<String> SCRIPTS = Set.of("preinst", "postinst", "prerm", "postrm");
    private static final String TRIGGERS = "triggers";
    /** Shared libraries are mapped, not executed: Debian ships them 0644. */
    private static final Pattern SHARED_LIBRARY = Pattern.compile(".*\\.so(\\.[0-9]+)*");

    private final Console console;

    public DebWriter(Console console) {
        this.console = console;
    }

    /**
     * Writes {@code packages/{control.fileName()}}.
     *
     * @param scripts maintainer scripts by name ({@code postinst}, {@code prerm}, ...), and the
     *     {@code triggers} control file
     * @param timestamp the time every entry carries (the commit time, or SOURCE_DATE_EPOCH)
     * @return the finished package
     */
    public Path write(DebControl control, Map<String, String> scripts, List<DebContent> contents, Instant timestamp,
            Compression compression, Path packages) throws DjddException {
        for (String script : scripts.keySet()) {
            if (!SCRIPTS.contains(script) && !script.equals(TRIGGERS)) {
                throw new IllegalArgumentException("Not a maintainer script: " + script);
            }
        }
        Path target = packages.resolve(control.fileName());
        Path partial = packages.resolve("." + control.fileName() + ".partial");
        Path nativeDir = packages.resolve("." + control.fileName() + ".native");
        long start = System.nanoTime();
        try {
            Files.createDirectories(packages);
            if (compression == Compression.ZSTD) {
                try {
                    loadZstd(nativeDir);
                } catch (UnsatisfiedLinkError e) {
                    throw new DjddException("Cannot load zstd's native library for this machine (" + e.getMessage()
                            + "): check that " + packages + " is not mounted noexec, or set <compression> to xz.", e);
                }
            }
            SortedMap<String, Entry> entries = entries(contents);
            if (compression == Compression.ZSTD) {
                overrideZstdTag(control.name(), entries);
            }
            long bytes = entries.values().stream().filter(entry -> entry.type() == 'f').mapToLong(Entry::size).sum();
            byte[] controlArchive = controlArchive(control, scripts, entries, timestamp,
                    new Progress(console, "Checksumming the files of " + target.getFileName(), bytes));
            try (FileChannel file = FileChannel.open(partial, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ArWriter ar = new ArWriter(file, timestamp.getEpochSecond());
                ar.add("debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
                ar.add("control.tar.gz", controlArchive);
                try (OutputStream data = compression.compress(ar.stream(compression.dataMember()))) {
                    writeTar(entries, timestamp, data, new Progress(console, "Compressing " + target.getFileName()
                            + " (" + compression.value() + ")", bytes));
                }
                file.force(false);
            }
            PackageChecksum.write(partial, target);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            console.info(String.format(Locale.ROOT, "Assembled %s (%d bytes, %s) in %.2f s",
                    target.getFileName(), Files.size(target), compression.value(), (System.nanoTime() - start) / 1e9));
            return target;
        } catch (IOException e) {
            throw new DjddException("Cannot write " + target + " (" + rootMessage(e) + "): check the space and"
                    + " permissions of " + packages + ".", e);
        } finally {
            try {
                Files.deleteIfExists(partial);
                deleteFolder(nativeDir);
            } catch (IOException e) {
                console.warn("Cannot clean up after writing " + target + ": " + e.getMessage());
            }
        }
    }

    /**
     * zstd-jni unpacks its native library into a file it deletes once loaded; by default that file
     * is in java.io.tmpdir, where a build killed at that moment would leave it. Here it is a hidden
     * work folder beside the partial package, which the next build sweeps up like the partial.
     */
    private static void loadZstd(Path nativeDir) throws IOException {
        if (!Native.isLoaded()) {
            Files.createDirectories(nativeDir);
            Native.load(nativeDir.toFile());
        }
    }

    private static void deleteFolder(Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path file : files) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    /**
     * {@code control.tar.gz}: the control file with its {@code Installed-Size}, the maintainer
     * scripts, {@code conffiles} and {@code md5sums}. Small (metadata only), so built in memory.
     */
    private static byte[] controlArchive(DebControl control, Map<String, String> scripts,
            SortedMap<String, Entry> entries, Instant timestamp, Progress checksums) throws IOException {
        SortedMap<String, byte[]> files = new TreeMap<>();
        SortedMap<String, Integer> modes = new TreeMap<>();
        files.put("control", control.render(installedSize(entries)).getBytes(StandardCharsets.UTF_8));
        String conffiles = conffiles(entries);
        if (!conffiles.isEmpty()) {
            files.put("conffiles", conffiles.getBytes(StandardCharsets.UTF_8));
        }
        files.put("md5sums", md5sums(entries, checksums).getBytes(StandardCharsets.UTF_8));
        scripts.forEach((name, script) -> {
            files.put(name, script.getBytes(StandardCharsets.UTF_8));
            if (SCRIPTS.contains(name)) {
                modes.put(name, EXECUTABLE);
            }
        });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = tar(new GZIPOutputStream(bytes))) {
            tar.putArchiveEntry(tarEntry("./", timestamp, DIRECTORY, true));
            tar.closeArchiveEntry();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = tarEntry("./" + file.getKey(), timestamp,
                        modes.getOrDefault(file.getKey(), REGULAR), false);
                entry.setSize(file.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** In KiB, as dpkg-gencontrol counts: each file rounded up, one for every other entry. */
    private static long installedSize(SortedMap<String, Entry> entries) {
        long size = 0;
        for (Entry entry : entries.values()) {
            size += entry.type() == 'f' ? (entry.size() + 1023) / 1024 : 1;
        }
        return size;
    }

    /** The first pass over the files: {@code md5sums} belongs to the control member, which comes first. */
    private static String md5sums(SortedMap<String, Entry> entries, Progress progress) throws IOException {
        StringBuilder out = new StringBuilder();
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has MD5", e);
        }
        byte[] buffer = new byte[1 << 16];
        for (Map.Entry<String, Entry> item : entries.entrySet()) {
            if (item.getValue().type() == 'f') {
                try (InputStream in = item.getValue().open()) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        md5.update(buffer, 0, n);
                        progress.advance(n);
                    }
                }
                out.append(HexFormat.of().formatHex(md5.digest())).append("  ").append(item.getKey().substring(2))
                        .append('\n');
            }
        }
        return out.toString();
    }

    /**
     * The data archive: every entry once, in sorted order, streamed from its file. Finishes the
     * tar without closing {@code out}, which the caller closes to end the compressed stream.
     */
    private static void writeTar(SortedMap<String, Entry> entries, Instant timestamp, OutputStream out,
            Progress progress) throws IOException {
        TarArchiveOutputStream tar = tar(out);
        // One buffer for every file (transferTo would allocate one per file): a big virtualenv's
        // garbage would otherwise grow the heap of the Maven process.
        byte[] buffer = new byte[1 << 16];
        for (Map.Entry<String, Entry> item : entries.entrySet()) {
            Entry entry = item.getValue();
            switch (entry.type()) {
                case 'd' -> {
                    tar.putArchiveEntry(tarEntry(item.getKey(), timestamp, entry.mode(), true));
                    tar.closeArchiveEntry();
                }
                case 'l' -> {
                    TarArchiveEntry link = new TarArchiveEntry(item.getKey(), TarArchiveEntry.LF_SYMLINK, true);
                    owner(link, timestamp);
                    link.setLinkName(entry.link());
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                }
                default -> {
                    TarArchiveEntry file = tarEntry(item.getKey(), timestamp, entry.mode(), false);
                    file.setSize(entry.size());
                    tar.putArchiveEntry(file);
                    long copied = 0;
                    try (InputStream in = entry.open()) {
                        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                            tar.write(buffer, 0, n);
                            copied += n;
                            progress.advance(n);
                        }
                    }
                    if (copied != entry.size()) {
                        throw new IOException(item.getKey() + " changed while it was packaged");
                    }
                    tar.closeArchiveEntry();
                }
            }
        }
        tar.finish();
    }

    private static TarArchiveOutputStream tar(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        // dpkg reads GNU long names and base-256 numbers but refuses PAX headers.
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
        return tar;
    }

    private static TarArchiveEntry tarEntry(String name, Instant timestamp, int mode, boolean directory) {
        TarArchiveEntry entry = new TarArchiveEntry(name, true);
        owner(entry, timestamp);
        entry.setMode((directory ? TarArchiveEntry.DEFAULT_DIR_MODE : TarArchiveEntry.DEFAULT_FILE_MODE) & ~0777 | mode);
        return entry;
    }

    private static void owner(TarArchiveEntry entry, Instant timestamp) {
        entry.setUserId(0);
        entry.setUserName("root");
        entry.setGroupId(0);
        entry.setGroupName("root");
        entry.setModTime(timestamp.toEpochMilli());
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

    /**
     * lintian (2.116 in bookworm, 2.122 in trixie) calls any data member but
     * {@code data.tar.(gz|xz|bz2|lzma)} a malformed archive: its check follows what Debian's own
     * archive accepts and predates dpkg's zstd support (1.21.18). Every dpkg djdd targets reads
     * {@code data.tar.zst}, so a zstd package says so in its lintian overrides; the other errors
     * stay errors.
     */
    private static void overrideZstdTag(String packageName, SortedMap<String, Entry> entries) throws IOException {
        String path = "./usr/share/lintian/overrides/" + packageName;
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Entry existing = entries.get(path);
        if (existing != null) {
            try (InputStream in = existing.open()) {
                in.transferTo(text);
            }
        } else {
            addParents(entries, path);
        }
        text.write(("# dpkg reads zstd data since 1.21.18 (Debian 12 and 13); only Debian's own archive wants gz or xz\n"
                + packageName + ": malformed-deb-archive third (official) member data.tar.zst not"
                + " data.tar.(gz|xz|bz2|lzma)\n").getBytes(StandardCharsets.UTF_8));
        entries.put(path, Entry.data(text.toByteArray(), REGULAR));
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
}
