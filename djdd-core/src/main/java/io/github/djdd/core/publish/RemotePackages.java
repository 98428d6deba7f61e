package io.github.djdd.core.publish;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.deb.Architecture;
import io.github.djdd.core.deb.DebFile;
import io.github.djdd.core.deb.DebianVersion;
import io.github.djdd.core.deb.Stanza;
import io.github.djdd.core.naming.Names;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.store.PackageSource;
import io.github.djdd.core.workspace.BuildDir;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tukaani.xz.XZInputStream;

/**
 * An APT repository that {@code djdd:publish} keeps, read as a package cache shared by build
 * agents: a build looks there for an env or src package it lacks and downloads it instead of
 * building it. The server, and any mirror on the way, is trusted with nothing but bytes the
 * repository's key signed: {@code InRelease} is checked by gpgv's status (a good, valid signature
 * by a key of the keyring that has neither expired nor been revoked), must be of this suite and
 * within its {@code Valid-Until}; the index must match the sum and size {@code InRelease} gives,
 * the package the sum and size in the index. Every download stops at its limit
 * ({@code InRelease}, not yet checked, at a fixed cap), so no server can fill the build's disk or
 * memory, and an entry's fields are checked before they name a file or a URL.
 */
public final class RemotePackages implements PackageSource {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The most djdd reads of an InRelease before gpgv checks it: djdd's and aptly's have a few kilobytes. */
    private static final Cap IN_RELEASE_CAP = new Cap(1 << 20,
            "the most djdd reads of an InRelease before gpgv checks it");
    private static final String STATUS = "[GNUPG:] ";
    /** Debian's package names (policy 5.6.1). */
    private static final Pattern PACKAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static final Pattern FILENAME_PART = Pattern.compile("[A-Za-z0-9._+~%-]+");
    /** The most djdd unpacks of an index whose Release gives no size for it: some 30,000 entries. */
    private static final long INDEX_CAP = 32 << 20;

    private final URI url;
    private final Path keyring;
    private final String suite;
    private final BuildDir buildDir;
    private final Console console;
    private List<Stanza> index;
    /** One client for the index and every package of a build. */
    private HttpClient client;
    private String unavailable;

    private RemotePackages(URI url, Path keyring, String suite, BuildDir buildDir, Console console) {
        this.url = url;
        this.keyring = keyring;
        this.suite = suite;
        this.buildDir = buildDir;
        this.console = console;
    }

    /**
     * @param url the repository's URL, http(s) or file
     * @param keyring its public key, as {@code djdd:publish} exports it
     */
    public static RemotePackages of(String url, Path keyring, String suite, BuildDir buildDir, Console console)
            throws InvalidConfigurationException {
        URI uri;
        try {
            uri = new URI(url.strip().endsWith("/") ? url.strip() : url.strip() + "/");
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || !List.of("http", "https", "file").contains(uri.getScheme())) {
            throw new InvalidConfigurationException("aptRepository", "Invalid <aptRepository> " + Names.quote(url)
                    + ": use the http, https or file URL of a repository that djdd:publish made.");
        }
        if (keyring == null || !Files.isRegularFile(keyring)) {
            throw new InvalidConfigurationException("aptRepositoryKey", "<aptRepository> needs its public key: set"
                    + " <aptRepositoryKey> (-Ddjdd.aptRepositoryKey) to the repository's {software}-archive-keyring.gpg"
                    + (keyring == null ? "" : "; " + Names.quote(keyring.toString()) + " does not exist") + ".");
        }
        return new RemotePackages(uri, keyring, suite, buildDir, console);
    }

    @Override
    public URI url() {
        return url;
    }

    /**
     * Downloads the newest version of {@code name} that the repository has for this suite into
     * the build dir's {@code packages/} (with its checksum file, as djdd writes its own packages).
     *
     * @return the package file; empty when the repository does not have it or cannot be reached
     *     (a warning says so, and the build goes on by building the package)
     * @throws DjddException when what the repository serves does not match what its key signed
     */
    @Override
    public Optional<Path> fetch(String name) throws DjddException {
        Path packages = buildDir.packages();
        List<Stanza> candidates = index().stream().filter(entry -> entry.get("Package").filter(name::equals)
                .isPresent()).toList();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        if (!PACKAGE_NAME.matcher(name).matches()) {
            throw unsafe("has an entry named " + Names.quote(name) + ", which is no Debian package name");
        }
        for (Stanza candidate : candidates) {
            String version = candidate.get("Version").orElse("");
            if (!DebianVersion.isValid(version)) {
                throw unsafe("gives " + name + " the Version " + Names.quote(version) + ", which is no Debian"
                        + " version (" + DebianVersion.RULE_TEXT + ")");
            }
        }
        Stanza entry = candidates.stream().max(Comparator.comparing(candidate -> candidate.require("Version"),
                DebianVersion.ORDER)).orElseThrow();
        String architecture = entry.get("Architecture").orElse("");
        if (!architecture.equals(Architecture.host()) && !architecture.equals("all")) {
            throw unsafe("gives " + name + " the Architecture " + Names.quote(architecture) + ", neither this"
                    + " machine's (" + Architecture.host() + ") nor all");
        }
        URI file = poolFile(name, entry.get("Filename").orElse(""));
        long size = entry.get("Size").filter(value -> value.matches("\\d{1,18}")).map(Long::parseLong).orElse(-1L);
        if (size < 0) {
            throw new DjddException("The index of " + url + " gives " + name + " no Size: the repository holds an"
                    + " index djdd:publish did not make; nothing was taken from it.");
        }
        String signed = entry.get("SHA256").orElse("");
        Path target = packages.resolve(name + "_" + entry.require("Version").replace(':', '%') + "_" + architecture
                + ".deb");
        Path partial = packages.resolve("." + target.getFileName() + ".partial");
        try {
            Files.createDirectories(packages);
            Cap cap = new Cap(size, "the Size its signed index gives");
            cap.requireExactly(file, download(file, partial, cap));
            String sha256 = PackageChecksum.sha256(partial);
            if (!sha256.equals(signed)) {
                throw new DjddException(file + " does not match the SHA-256 its signed index gives (" + sha256
                        + " instead of " + signed + "): the repository was altered after publishing;"
                        + " nothing was taken from it.");
            }
            PackageChecksum.write(partial, target);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(target);
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            console.warn("Cannot download " + name + " from " + url + " (" + e.getMessage() + "): building it here.");
            return Optional.empty();
        } finally {
            deleteQuietly(partial);
        }
    }

    /** The suite's entries for this machine's architecture, read once per build; empty when unreachable. */
    private synchronized List<Stanza> index() throws DjddException {
        if (index != null) {
            return index;
        }
        index = List.of();
        Path scratch = null;
        try {
            scratch = Files.createDirectories(buildDir.workFolder("apt-index"));
            Path inRelease = scratch.resolve("InRelease");
            download(url.resolve("dists/" + suite + "/InRelease"), inRelease, IN_RELEASE_CAP);
            Release release = new Release(verified(inRelease, scratch.resolve("Release"), scratch.resolve("gnupg")));
            requireSuite(release);
            requireCurrent(release);
            // djdd's own repositories have Packages.xz; aptly's publications, Packages (and .gz, .bz2).
            Map<String, Release.Index> listed = release.indices();
            String directory = "main/binary-" + Architecture.host() + "/";
            Release.Index chosen = Stream.of("Packages.xz", "Packages").map(file -> listed.get(directory + file))
                    .filter(Objects::nonNull).findFirst().orElse(null);
            if (chosen == null) {
                return index;
            }
            Path packages = scratch.resolve("Packages");
            URI file = url.resolve("dists/" + suite + "/" + (release.acquireByHash()
                    ? directory + "by-hash/SHA256/" + chosen.sha256() : chosen.path()));
            Cap cap = new Cap(chosen.size(), "the size the signed InRelease gives for " + chosen.path());
            cap.requireExactly(file, download(file, packages, cap));
            if (!PackageChecksum.sha256(packages).equals(chosen.sha256())) {
                throw new DjddException("The index " + chosen.path() + " of " + url + " does not match the SHA-256"
                        + " its signed InRelease gives: the repository was altered after publishing; nothing was"
                        + " taken from it.");
            }
            String text = new String(unpacked(packages, chosen, listed.get(directory + "Packages")),
                    StandardCharsets.UTF_8);
            try {
                index = Stanza.parseAll(text);
            } catch (IllegalArgumentException e) {
                throw new DjddException("The index " + chosen.path() + " of " + url + " is no Packages file ("
                        + e.getMessage().lines().findFirst().orElse("") + "): the repository holds an index"
                        + " djdd:publish did not make; nothing was taken from it.", e);
            }
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            unavailable = e.getMessage();
            console.warn("Cannot read the package index of " + url + " (" + unavailable + "): building every package"
                    + " here.");
        } finally {
            BuildDir.deleteQuietly(scratch);
        }
        return index;
    }

    /**
     * The plain index of {@code file}, unpacked when it is {@code .xz}: at most as long as the
     * signed plain index {@code plain} (and the same bytes), or {@link #INDEX_CAP} without one,
     * so that a small file cannot unpack into all memory.
     */
    private byte[] unpacked(Path file, Release.Index chosen, Release.Index plain) throws IOException, DjddException {
        if (!chosen.path().endsWith(".xz")) {
            return Files.readAllBytes(file);
        }
        long cap = plain == null ? INDEX_CAP : plain.size();
        byte[] content;
        try (InputStream in = new XZInputStream(Files.newInputStream(file))) {
            content = in.readNBytes((int) Math.min(cap + 1, Integer.MAX_VALUE - 8));
        }
        if (content.length > cap) {
            throw new DjddException("The index " + chosen.path() + " of " + url + " unpacks to more than " + cap
                    + " bytes, " + (plain == null ? "the most djdd unpacks of an index its Release gives no size for"
                    : "the size the signed InRelease gives for " + plain.path()) + ": the repository holds an index"
                    + " djdd:publish did not make; nothing was taken from it.");
        }
        if (plain != null && !HexFormat.of().formatHex(DebFile.digest("SHA-256").digest(content))
                .equals(plain.sha256())) {
            throw new DjddException("The index " + chosen.path() + " of " + url + " does not unpack to the "
                    + plain.path() + " its signed InRelease gives: the repository was altered after publishing;"
                    + " nothing was taken from it.");
        }
        return content;
    }

    /**
     * The text {@code inRelease} signs, when a key of the keyring made the signature and is still
     * good. gpgv's exit status alone says too little: it exits with 0 for a good signature by a key
     * that expired or was revoked, so its status lines decide. The build user's GnuPG home plays no
     * part ({@code --homedir} is an empty scratch folder): only the keyring counts.
     */
    private String verified(Path inRelease, Path text, Path home) throws DjddException {
        CommandResult result;
        try {
            Files.createDirectories(home);
            Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            result = new ProcessRunner(Console.NULL).run(Command.of("gpgv", "--homedir", home.toString(),
                    "--status-fd", "1", "--keyring", keyring.toAbsolutePath().toString(), "--output", text.toString(),
                    inRelease.toString()).quietly());
        } catch (IOException e) {
            throw new DjddException("Cannot prepare gpgv in " + home + " (" + e.getMessage() + "): check the build"
                    + " dir's space and permissions.", e);
        }
        Map<String, List<String>> status = new LinkedHashMap<>();
        for (String line : result.output()) {
            if (line.startsWith(STATUS)) {
                List<String> words = List.of(line.substring(STATUS.length()).split(" "));
                status.putIfAbsent(words.get(0), words.subList(1, words.size()));
            }
        }
        // VALIDSIG ends with the primary key's fingerprint; the other keywords name the key by its ID.
        String key = Optional.ofNullable(status.get("VALIDSIG")).filter(words -> words.size() >= 10)
                .map(words -> words.get(9)).orElseGet(() -> Stream.of("REVKEYSIG", "EXPKEYSIG", "EXPSIG", "BADSIG")
                        .map(status::get).filter(words -> words != null && !words.isEmpty()).map(words -> words.get(0))
                        .findFirst().orElse(""));
        String theRepository = "; nothing was taken from the repository.";
        if (status.containsKey("REVKEYSIG")) {
            throw new DjddException("The InRelease of " + url + " is signed by the key " + key + ", which its owner"
                    + " revoked: sign the repository with a new key (<keyFile>), publish again and give the build"
                    + " agents its public key (<aptRepositoryKey>)" + theRepository);
        }
        if (status.containsKey("EXPKEYSIG")) {
            String when = Optional.ofNullable(status.get("KEYEXPIRED")).filter(words -> !words.isEmpty())
                    .map(words -> " on " + date(words.get(0))).orElse("");
            throw new DjddException("The InRelease of " + url + " is signed by the key " + key + ", which expired"
                    + when + ": renew it ('gpg --quick-set-expire " + key + " 2y'), export it again for <keyFile> and"
                    + " publish again, then give the build agents its renewed public key (<aptRepositoryKey>)"
                    + theRepository);
        }
        if (status.containsKey("EXPSIG")) {
            String when = Optional.ofNullable(status.get("VALIDSIG")).filter(words -> words.size() >= 4)
                    .map(words -> " on " + date(words.get(3))).orElse("");
            throw new DjddException("The signature of the InRelease of " + url + " expired" + when + ": publish"
                    + " again, so that it is signed anew" + theRepository);
        }
        if (status.containsKey("BADSIG")) {
            throw new DjddException("The InRelease of " + url + " does not match its signature by the key " + key
                    + ": the server or a mirror on the way altered it" + theRepository);
        }
        boolean good = result.succeeded() && status.containsKey("GOODSIG") && status.containsKey("VALIDSIG")
                && Stream.of("ERRSIG", "NO_PUBKEY").noneMatch(status::containsKey);
        if (!good) {
            throw new DjddException("The InRelease of " + url + " is not signed by the key in " + keyring + " ("
                    + result.output().stream().filter(line -> !line.startsWith(STATUS)).reduce((a, b) -> b)
                    .orElse("gpgv said nothing") + "): check <aptRepositoryKey>" + theRepository);
        }
        try {
            return Files.readString(text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DjddException("Cannot read what gpgv checked (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Refuses another suite's Release: one key signs every suite of a repository, so a server or
     * mirror could answer for trixie with bookworm's state, whose packages of the same name may
     * differ. apt takes a Release whose Suite or Codename is the one asked for; so does djdd.
     */
    private void requireSuite(Release release) throws DjddException {
        Optional<String> named = release.field("Suite");
        Optional<String> codename = release.field("Codename");
        if (named.filter(suite::equals).isPresent() || codename.filter(suite::equals).isPresent()) {
            return;
        }
        String fields = named.equals(codename) ? "Suite and Codename " + named.orElse("none")
                : "Suite " + named.orElse("none") + ", Codename " + codename.orElse("none");
        throw new DjddException("The InRelease of " + url + " for " + suite + " is " + codename.or(() -> named)
                .map(name -> name + "'s").orElse("no suite's") + " (" + fields + "): the server or a mirror on the way"
                + " serves another suite's state; nothing was taken from the repository.");
    }

    /**
     * Refuses a Release whose {@code Valid-Until} has passed: its key signed it, but a server or
     * mirror that serves it now holds the build on an old state. aptly writes no Valid-Until, so
     * one without is taken, as apt takes it.
     */
    private void requireCurrent(Release release) throws DjddException {
        Optional<String> validUntil = release.field("Valid-Until");
        if (validUntil.isEmpty()) {
            console.debug("The Release of " + url + " has no Valid-Until (aptly writes none): nothing tells an old"
                    + " state of it, served by a mirror, from the current one.");
            return;
        }
        Optional<Instant> until = Release.time(validUntil.get());
        if (until.isEmpty()) {
            throw new DjddException("The Release of " + url + " has a Valid-Until that is no date ("
                    + Names.quote(validUntil.get()) + "): the repository holds a Release djdd:publish did not make;"
                    + " nothing was taken from it.");
        }
        if (!until.get().isAfter(Instant.now())) {
            throw new DjddException("The repository " + url + " was not published since " + release.field("Date")
                    .orElse("before " + validUntil.get()) + " (its Release was valid until " + validUntil.get() + "): publish"
                    + " again, e.g. from a nightly job, or look for a mirror on the way that serves an old state;"
                    + " nothing was taken from it.");
        }
    }

    /** A status line's time (seconds since 1970) as a day. */
    private static String date(String seconds) {
        return seconds.matches("\\d{1,12}")
                ? LocalDate.ofInstant(Instant.ofEpochSecond(Long.parseLong(seconds)), ZoneOffset.UTC).toString()
                : seconds;
    }

    /**
     * The URL of an entry's {@code Filename}, which must be a plain path inside the repository: not
     * absolute, not another host's, not climbing out with {@code ..}.
     */
    private URI poolFile(String name, String filename) throws DjddException {
        boolean plain = !filename.isEmpty() && Stream.of(filename.split("/", -1)).allMatch(part ->
                FILENAME_PART.matcher(part).matches() && !part.equals(".") && !part.equals(".."));
        if (!plain) {
            throw unsafe("gives " + name + " the Filename " + Names.quote(filename) + ", which is no path inside the"
                    + " repository (relative; letters, digits and . _ + ~ % - between single slashes; no . or .."
                    + " part)");
        }
        try {
            // The path is literal (djdd's pool writes an epoch's colon as %): quoted, as apt quotes it.
            return url.resolve(new URI(null, null, filename, null));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("A checked Filename is a URI path: " + filename, e);
        }
    }

    /** An index entry whose fields would name a file elsewhere; the problem completes the sentence. */
    private DjddException unsafe(String problem) {
        return new DjddException("The index of " + url + " " + problem + ": the repository holds a package"
                + " djdd:publish did not make; nothing was taken from it.");
    }

    /**
     * The most bytes a download may have, and what sets that limit, as a refusal names it.
     *
     * @param bytes the limit
     * @param setBy what sets it, such as "the Size its signed index gives"
     */
    private record Cap(long bytes, String setBy) {
        private static final String NOT_SIGNED = ": the server or a mirror on the way does not serve what the"
                + " repository's key signed; nothing was taken from the repository.";

        DjddException exceeded(URI file) {
            return new DjddException(file + " is larger than " + bytes + " bytes, " + setBy + NOT_SIGNED);
        }

        /** Refuses a download whose size is not the limit itself: a signed size is exact. */
        void requireExactly(URI file, long size) throws DjddException {
            if (size != bytes) {
                throw new DjddException(file + " has " + size + " bytes instead of " + bytes + ", " + setBy
                        + NOT_SIGNED);
            }
        }
    }

    /**
     * Copies {@code file} into {@code target}, stopping at the first read that goes past the cap
     * (at most one buffer beyond it; a Content-Length above it is refused before the body): a
     * server cannot fill the disk or hand gpgv a file of any size. Nothing is left at
     * {@code target} when it is refused.
     *
     * @return the bytes copied
     * @throws DjddException when the file is larger than the cap
     * @throws IOException when the repository cannot be reached or does not have the file
     */
    private long download(URI file, Path target, Cap cap) throws IOException, InterruptedException,
            DjddException {
        InputStream body;
        if (file.getScheme().equals("file")) {
            body = Files.newInputStream(Path.of(file));
        } else {
            HttpResponse<InputStream> response = client().send(HttpRequest.newBuilder(file)
                    .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
            body = response.body();
            if (response.statusCode() != 200) {
                body.close();
                throw new IOException(file + " answered HTTP " + response.statusCode());
            }
            if (response.headers().firstValueAsLong("Content-Length").orElse(0) > cap.bytes()) {
                body.close();
                throw cap.exceeded(file);
            }
        }
        long copied = 0;
        try (InputStream in = body; OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                copied += read;
                if (copied > cap.bytes()) {
                    throw cap.exceeded(file);
                }
                out.write(buffer, 0, read);
            }
        } catch (IOException | DjddException e) {
            deleteQuietly(target);
            throw e;
        }
        return copied;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        return client;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a scratch file: the build dir's cleanup removes what is left
        }
    }
}
