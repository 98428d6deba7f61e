package io.github.djdd.core.publish;

import io.github.djdd.core.Console;
import io.github.djdd.core.deb.Architecture;
import io.github.djdd.core.deb.DebFile;
import io.github.djdd.core.deb.DebianVersion;
import io.github.djdd.core.deb.Stanza;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.Names;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildLock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * An APT repository in a folder that djdd keeps itself, for any web server to serve:
 * {@code pool/{suite}/{package}/} holds the packages, {@code dists/{suite}/} the signed
 * indices, with {@code Acquire-By-Hash} so that a client never reads an index that changed
 * under it. Several suites live side by side, each with a pool of its own (the same src
 * package built for two suites may differ in its bytes).
 *
 * <p>A publish is atomic for readers: it writes the packages, then the indices under their
 * hashes, then {@code Packages}, {@code Release} and {@code Release.gpg}, and {@code InRelease}
 * last, each by rename; files the previous state named stay one publish longer, for clients
 * that read it just before. Publishes run one at a time (a lock file); one killed at any point
 * leaves the previous state valid, and the next completes the work.
 *
 * <p>Every publish signs the suite anew, also one that adds nothing: its {@code Release} carries
 * a {@code Valid-Until} of {@link ValidFor} after its {@code Date}, which apt enforces, so a
 * mirror cannot hold servers on an old state for longer, and a nightly publish keeps a
 * repository without new packages valid.
 */
public final class FolderRepository implements PackageRepository {
    static final String COMPONENT = "main";
    private static final String MARKER = "djdd APT repository 1\n";

    private final Path folder;
    private final String origin;
    private final ReleaseSigner signer;
    private final ValidFor validFor;
    private final Console console;
    private final Clock clock;
    private final Interruption interruption;

    /** Where a publish can stop: before each file it puts in place. Tests stop it there, as a kill would. */
    @FunctionalInterface
    interface Interruption {
        void before(Path target) throws IOException;
    }

    /**
     * @param origin the {@code Origin} and {@code Label} of the indices, and the name of the
     *     exported key file ({@code {origin}-archive-keyring.gpg}): the software's name
     * @param validFor how long each publish's Release stays valid ({@code Valid-Until})
     */
    public FolderRepository(Path folder, String origin, ReleaseSigner signer, ValidFor validFor, Console console,
            Clock clock) {
        this(folder, origin, signer, validFor, console, clock, target -> { });
    }

    FolderRepository(Path folder, String origin, ReleaseSigner signer, ValidFor validFor, Console console,
            Clock clock, Interruption interruption) {
        this.folder = folder.toAbsolutePath().normalize();
        this.origin = origin;
        this.signer = signer;
        this.validFor = validFor;
        this.console = console;
        this.clock = clock;
        this.interruption = interruption;
    }

    public Path keyring() {
        return folder.resolve(origin + "-archive-keyring.gpg");
    }

    @Override
    public String describe() {
        return folder + ", signed by " + signer.fingerprint();
    }

    @Override
    public String howServersUseIt(String suite) {
        return "Servers use it with " + keyring().getFileName() + " in /usr/share/keyrings and: deb [signed-by="
                + "/usr/share/keyrings/" + keyring().getFileName() + "] URL-OF-" + folder.getFileName() + " " + suite
                + " main";
    }

    /**
     * Adds {@code debs} to {@code suite}, keeps the {@code keep} newest versions of each package
     * nothing else depends on (the sites) and of what those depend on (their env and src), and
     * signs the new state, valid for {@link ValidFor} from now.
     *
     * @throws DjddException when a package is in the repository already with other bytes; the
     *     repository is then left as it was
     */
    @Override
    public Published publish(String suite, List<Path> debs, int keep) throws DjddException {
        PackageRepository.requireKeep(keep);
        return locked(() -> publishLocked(suite, debs, keep));
    }

    /**
     * Puts a site version of distribution {@code from} (a channel such as {@code trixie-staging})
     * into {@code to} ({@code trixie}) with the env and src packages it depends on, as
     * {@link #publish} puts built packages there: the same files, signed anew, atomic for readers.
     *
     * @param version the site version; empty: {@code from}'s newest
     * @throws DjddException when {@code from} has no such version, or {@code to} has a newer one
     */
    public Published promote(String from, String to, String site, Optional<String> version, int keep)
            throws DjddException {
        PackageRepository.requireKeep(keep);
        return locked(() -> {
            Map<String, Stanza> index = readIndex(from);
            List<Stanza> versions = versions(index, site);
            if (versions.isEmpty()) {
                throw new DjddException(from + " of " + folder + " has no " + site + ": publish it there first.");
            }
            Stanza chosen = version.isEmpty() ? versions.get(versions.size() - 1) : versions.stream()
                    .filter(entry -> entry.require("Version").equals(version.get())).findFirst()
                    .orElseThrow(() -> new DjddException(from + " of " + folder + " has no " + site + " "
                            + version.get() + ": name one of " + String.join(", ", versions.stream()
                                    .map(entry -> entry.require("Version")).toList()) + "."));
            String newest = versions(readIndex(to), site).stream().map(entry -> entry.require("Version"))
                    .reduce((first, second) -> second).orElse(null);
            if (newest != null && DebianVersion.compare(chosen.require("Version"), newest) < 0) {
                throw new DjddException(site + " " + chosen.require("Version") + " is older than " + newest + ", the"
                        + " newest in " + to + ": servers would not go back to it. To go back, roll " + to
                        + " back (djdd:rollback), which drops its newest version.");
            }
            List<Path> debs = new ArrayList<>(List.of(folder.resolve(chosen.require("Filename"))));
            Set<String> needs = dependencies(chosen);
            index.values().stream().filter(entry -> needs.contains(entry.require("Package")))
                    .forEach(entry -> debs.add(folder.resolve(entry.require("Filename"))));
            return publishLocked(to, debs, keep);
        });
    }

    /**
     * Drops the newest version of {@code site} from {@code distribution}, and the env and src
     * packages only it needed there, so that the version before it is the newest again. Servers
     * that take the distribution's newest even when it is older (an APT pin above 1000) go back to it.
     *
     * @return the dropped entries' keys
     * @throws DjddException when the distribution has fewer than two versions of the site
     */
    public List<String> rollback(String distribution, String site) throws DjddException {
        return locked(() -> {
            Map<String, Stanza> index = readIndex(distribution);
            List<Stanza> versions = versions(index, site);
            if (versions.size() < 2) {
                throw new DjddException(distribution + " of " + folder + " has " + (versions.isEmpty() ? "no " + site
                        : "only " + site + " " + versions.get(0).require("Version")) + ", so there is no version to"
                        + " roll back to: publish or promote the version that should serve instead.");
            }
            Set<String> previousPool = referencedPool(index);
            List<String> dropped = dropWithUnneededDependencies(index,
                    Set.of(DebFile.key(versions.get(versions.size() - 1))));
            writeIndices(distribution, index);
            removeUnreferenced(distribution, index, previousPool);
            return dropped;
        });
    }

    /** What one writer does while it holds the repository's lock. */
    @FunctionalInterface
    private interface Work<T> {
        T run() throws DjddException, IOException;
    }

    private <T> T locked(Work<T> work) throws DjddException {
        Path state = prepare();
        try (BuildLock lock = BuildLock.acquire(state.resolve("lock"), "the repository " + folder, console)) {
            BuildDir.deleteTree(state.resolve("tmp"));
            Files.createDirectories(state.resolve("tmp"));
            return work.run();
        } catch (IOException e) {
            throw new DjddException("Cannot publish to " + folder + " (" + e.getMessage() + "): check its space and"
                    + " permissions; the repository still serves its previous state.", e);
        }
    }

    private Published publishLocked(String suite, List<Path> debs, int keep) throws DjddException, IOException {
        Map<String, Stanza> index = readIndex(suite);
        List<DebFile> incoming = new ArrayList<>();
        for (Path deb : debs) {
            incoming.add(DebFile.read(deb));
        }
        Incoming sorted = Incoming.sort(index, incoming, folder + " has for " + suite);
        for (DebFile deb : incoming) {
            String pool = poolPath(suite, deb);
            copyIntoPool(deb, folder.resolve(pool));
            index.putIfAbsent(deb.key(), entry(deb, pool));
        }
        List<String> dropped = retain(index, keep);
        Set<String> previousPool = referencedPool(readIndex(suite));
        writeIndices(suite, index);
        Files.write(tmp(keyring()), signer.publicKeyring());
        move(tmp(keyring()), keyring());
        removeUnreferenced(suite, index, previousPool);
        return new Published(sorted.addedKeys(), sorted.present(), dropped);
    }

    /** The entries of {@code name} in an index, oldest version first. */
    private static List<Stanza> versions(Map<String, Stanza> index, String name) {
        return index.values().stream().filter(entry -> entry.require("Package").equals(name))
                .sorted(Comparator.comparing((Stanza entry) -> entry.require("Version"), DebianVersion.ORDER)).toList();
    }

    /** Makes the folder a repository, or checks that it is one; returns its state folder. */
    private Path prepare() throws DjddException {
        Path state = folder.resolve(".djdd");
        Path marker = state.resolve("repository");
        try {
            if (Files.isRegularFile(marker) && Files.readString(marker).equals(MARKER)) {
                if (!Files.isWritable(folder) || !Files.isWritable(state)) {
                    throw notWritable(null);
                }
                return state;
            }
            if (Files.exists(folder) && !Files.isDirectory(folder)) {
                throw new InvalidConfigurationException("folder", "The repository folder " + quoted() + " is a"
                        + " file: set <folder> (-Ddjdd.publish.folder) to a folder.");
            }
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    if (files.findAny().isPresent()) {
                        throw new InvalidConfigurationException("folder", "The folder " + quoted() + " is not a djdd"
                                + " repository (it has files but no .djdd/repository): name an empty or new folder,"
                                + " or the folder djdd:publish made.");
                    }
                }
            }
            Files.createDirectories(state);
            Files.writeString(marker, MARKER);
            return state;
        } catch (IOException e) {
            throw notWritable(e);
        }
    }

    private InvalidConfigurationException notWritable(IOException e) {
        return new InvalidConfigurationException("folder", "Cannot write to the repository folder " + quoted()
                + (e == null ? "" : " (" + e.getMessage() + ")") + ": let the build user write it, or set <folder>"
                + " (-Ddjdd.publish.folder) to another folder.");
    }

    private String quoted() {
        return Names.quote(folder.toString());
    }

    private Path dists(String suite) {
        return folder.resolve("dists").resolve(suite);
    }

    /** The suite's entries by {@link DebFile#key()}, from its {@code Packages} files. */
    private Map<String, Stanza> readIndex(String suite) throws IOException {
        Map<String, Stanza> index = new LinkedHashMap<>();
        Path component = dists(suite).resolve(COMPONENT);
        if (!Files.isDirectory(component)) {
            return index;
        }
        try (Stream<Path> arches = Files.list(component)) {
            for (Path packages : arches.map(arch -> arch.resolve("Packages")).filter(Files::isRegularFile).toList()) {
                for (Stanza entry : Stanza.parseAll(Files.readString(packages))) {
                    index.putIfAbsent(DebFile.key(entry), entry);
                }
            }
        }
        return index;
    }

    private static String poolPath(String suite, DebFile deb) {
        return "pool/" + suite + "/" + deb.name() + "/" + deb.name() + "_" + deb.version().replace(':', '%') + "_"
                + deb.architecture() + ".deb";
    }

    private static Stanza entry(DebFile deb, String pool) {
        return deb.control().copy().put("Filename", pool).put("Size", Long.toString(deb.size()))
                .put("MD5sum", deb.md5()).put("SHA256", deb.sha256());
    }

    /** Copies a package into the pool; one there already with the same bytes stays. */
    private void copyIntoPool(DebFile deb, Path target) throws IOException {
        if (Files.isRegularFile(target) && PackageChecksum.sha256(target).equals(deb.sha256())) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path partial = tmp(target);
        Files.copy(deb.file(), partial, StandardCopyOption.REPLACE_EXISTING);
        sync(partial);
        // A file under this name that no index names was left by a killed publish: replacing it is safe.
        move(partial, target);
    }

    /**
     * Drops all but the {@code keep} newest versions of each package that no other package of the
     * suite depends on, then every package that only dropped versions depended on.
     *
     * @return the dropped entries' keys
     */
    static List<String> retain(Map<String, Stanza> index, int keep) {
        Set<String> dependedOn = new HashSet<>();
        index.values().forEach(entry -> dependedOn.addAll(dependencies(entry)));
        Map<String, List<String>> topLevel = new TreeMap<>();
        index.forEach((key, entry) -> {
            if (!dependedOn.contains(entry.require("Package"))) {
                topLevel.computeIfAbsent(entry.require("Package") + " " + entry.require("Architecture"),
                        name -> new ArrayList<>()).add(key);
            }
        });
        Set<String> dropped = new TreeSet<>();
        for (List<String> versions : topLevel.values()) {
            versions.sort(Comparator.comparing((String key) -> index.get(key).require("Version"), DebianVersion.ORDER)
                    .reversed());
            dropped.addAll(versions.subList(Math.min(keep, versions.size()), versions.size()));
        }
        return dropWithUnneededDependencies(index, dropped);
    }

    /**
     * Drops the entries {@code keys} from {@code index}, then every package they depended on that no
     * entry left needs.
     *
     * @return the dropped entries' keys
     */
    private static List<String> dropWithUnneededDependencies(Map<String, Stanza> index, Set<String> keys) {
        Set<String> dependedOn = new HashSet<>();
        index.values().forEach(entry -> dependedOn.addAll(dependencies(entry)));
        Set<String> dropped = new TreeSet<>(keys);
        Set<String> needed = new HashSet<>();
        index.forEach((key, entry) -> {
            if (!dropped.contains(key)) {
                needed.addAll(dependencies(entry));
            }
        });
        index.forEach((key, entry) -> {
            if (dependedOn.contains(entry.require("Package")) && !needed.contains(entry.require("Package"))) {
                dropped.add(key);
            }
        });
        dropped.forEach(index::remove);
        return List.copyOf(dropped);
    }

    /** The package names an entry's {@code Depends} and {@code Pre-Depends} name. */
    private static Set<String> dependencies(Stanza entry) {
        Set<String> names = new HashSet<>();
        for (String field : List.of("Depends", "Pre-Depends")) {
            entry.get(field).ifPresent(value -> {
                for (String alternative : value.split("[,|]")) {
                    String name = alternative.strip().split("[\\s(:\\[]", 2)[0];
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
            });
        }
        return names;
    }

    private static Set<String> referencedPool(Map<String, Stanza> index) {
        Set<String> files = new HashSet<>();
        index.values().forEach(entry -> files.add(entry.require("Filename")));
        return files;
    }

    /**
     * Writes the suite's {@code Packages} (and {@code .xz}) per architecture, under their hashes
     * first, then {@code Release}, {@code Release.gpg} and, last, {@code InRelease}.
     */
    private void writeIndices(String suite, Map<String, Stanza> index) throws IOException {
        Set<String> arches = new TreeSet<>();
        index.values().forEach(entry -> arches.add(entry.require("Architecture")));
        arches.remove("all");
        if (arches.isEmpty()) {
            arches.add(Architecture.host());
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String arch : arches) {
            StringBuilder packages = new StringBuilder();
            index.values().stream()
                    .filter(entry -> entry.require("Architecture").equals(arch)
                            || entry.require("Architecture").equals("all"))
                    .sorted(Comparator.comparing((Stanza entry) -> entry.require("Package"))
                            .thenComparing(entry -> entry.require("Version"), DebianVersion.ORDER))
                    .forEach(entry -> packages.append(packages.isEmpty() ? "" : "\n").append(entry.render()));
            byte[] plain = packages.toString().getBytes(StandardCharsets.UTF_8);
            String base = COMPONENT + "/binary-" + arch + "/Packages";
            files.put(base, plain);
            files.put(base + ".xz", xz(plain));
        }
        Path dists = dists(suite);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = dists.resolve(file.getKey());
            Path byHash = target.resolveSibling("by-hash/SHA256/" + sha256(file.getValue()));
            if (!Files.isRegularFile(byHash)) {
                write(byHash, file.getValue());
            }
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            write(dists.resolve(file.getKey()), file.getValue());
        }
        String release = release(suite, arches, files);
        write(dists.resolve("Release"), release.getBytes(StandardCharsets.UTF_8));
        write(dists.resolve("Release.gpg"), signer.detachedSignature(release).getBytes(StandardCharsets.UTF_8));
        write(dists.resolve("InRelease"), signer.clearSign(release).getBytes(StandardCharsets.UTF_8));
    }

    private String release(String suite, Set<String> arches, Map<String, byte[]> files) {
        StringBuilder md5 = new StringBuilder();
        StringBuilder sha256 = new StringBuilder();
        files.forEach((name, content) -> {
            md5.append(String.format(Locale.ROOT, " %s %8d %s%n", hex(DebFile.digest("MD5").digest(content)),
                    content.length, name));
            sha256.append(String.format(Locale.ROOT, " %s %8d %s%n", sha256(content), content.length, name));
        });
        Instant now = clock.instant();
        return "Origin: " + origin + "\nLabel: " + origin + "\nSuite: " + suite + "\nCodename: " + suite
                + "\nDate: " + Release.time(now) + "\nValid-Until: " + Release.time(now.plus(validFor.duration()))
                + "\nArchitectures: " + String.join(" ", arches)
                + "\nComponents: " + COMPONENT + "\nAcquire-By-Hash: yes\nDescription: " + origin + " packages for "
                + suite + ", published by djdd\nMD5Sum:\n" + md5 + "SHA256:\n" + sha256;
    }

    /**
     * Deletes the pool files and by-hash indices that neither this state nor the one before it
     * names: a client that read the previous {@code InRelease} can still fetch what it lists.
     */
    private void removeUnreferenced(String suite, Map<String, Stanza> index, Set<String> previousPool)
            throws IOException {
        Path state = folder.resolve(".djdd");
        Path previousHashes = state.resolve(suite + ".by-hash");
        Set<String> current = new HashSet<>();
        new Release(Files.readString(dists(suite).resolve("Release"))).indices().values()
                .forEach(listed -> current.add(listed.sha256()));
        Set<String> keptHashes = new HashSet<>(current);
        if (Files.isRegularFile(previousHashes)) {
            keptHashes.addAll(Files.readAllLines(previousHashes));
        }
        try (Stream<Path> files = Files.walk(dists(suite))) {
            for (Path file : files.filter(Files::isRegularFile).filter(path -> path.getParent().endsWith(
                    Path.of("by-hash", "SHA256"))).toList()) {
                if (!keptHashes.contains(file.getFileName().toString())) {
                    Files.delete(file);
                }
            }
        }
        write(previousHashes, String.join("\n", current).getBytes(StandardCharsets.UTF_8));
        Set<String> keptPool = referencedPool(index);
        keptPool.addAll(previousPool);
        Path pool = folder.resolve("pool").resolve(suite);
        if (Files.isDirectory(pool)) {
            try (Stream<Path> files = Files.walk(pool)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    if (!keptPool.contains(folder.relativize(file).toString())) {
                        Files.delete(file);
                    }
                }
            }
        }
    }

    private Path tmp(Path target) {
        return folder.resolve(".djdd/tmp").resolve(target.getFileName() + ".partial");
    }

    /** Writes {@code target} in full under another name, then renames it. */
    private void write(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path partial = tmp(target);
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(content));
            channel.force(true);
        }
        move(partial, target);
    }

    private void move(Path partial, Path target) throws IOException {
        interruption.before(target);
        Files.setPosixFilePermissions(partial, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    private static byte[] xz(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream xz = new XZOutputStream(out, new LZMA2Options())) {
            xz.write(plain);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] content) {
        return hex(DebFile.digest("SHA-256").digest(content));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
