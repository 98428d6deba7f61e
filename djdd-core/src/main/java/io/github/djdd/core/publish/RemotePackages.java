package io.github.djdd.core.publish;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.deb.Architecture;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.tukaani.xz.XZInputStream;

/**
 * An APT repository that {@code djdd:publish} keeps, read as a package cache shared by build
 * agents: a build looks there for an env or src package it lacks and downloads it instead of
 * building it. Only what the repository's key signed is taken: {@code InRelease} is checked with
 * gpgv against the key, the index against the sum {@code InRelease} gives, the package against
 * the sum in the index.
 */
public final class RemotePackages implements PackageSource {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

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
        List<Stanza> entries = index();
        Optional<Stanza> newest = entries.stream().filter(entry -> entry.require("Package").equals(name))
                .max(Comparator.comparing(entry -> entry.require("Version"), DebianVersion.ORDER));
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        Stanza entry = newest.get();
        Path target = packages.resolve(name + "_" + entry.require("Version").replace(':', '%') + "_"
                + entry.require("Architecture") + ".deb");
        Path partial = packages.resolve("." + target.getFileName() + ".partial");
        try {
            Files.createDirectories(packages);
            download(entry.require("Filename"), partial);
            String sha256 = PackageChecksum.sha256(partial);
            if (!sha256.equals(entry.require("SHA256"))) {
                Files.deleteIfExists(partial);
                throw new DjddException(url.resolve(entry.require("Filename")) + " does not match the SHA-256 its"
                        + " signed index gives (" + sha256 + " instead of " + entry.require("SHA256") + "): the"
                        + " repository was altered after publishing; nothing was taken from it.");
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
            download("dists/" + suite + "/InRelease", inRelease);
            String release = verified(inRelease, scratch.resolve("Release"));
            // djdd's own repositories have Packages.xz; aptly's publications, Packages (and .gz, .bz2).
            Map<String, String> sums = FolderRepository.sha256Sums(release);
            String name = Stream.of("Packages.xz", "Packages").map(file -> "main/binary-" + Architecture.host() + "/"
                    + file).filter(sums::containsKey).findFirst().orElse(null);
            if (name == null) {
                return index;
            }
            String sum = sums.get(name);
            Path packages = scratch.resolve("Packages");
            download("dists/" + suite + "/" + (release.contains("\nAcquire-By-Hash: yes")
                    ? name.substring(0, name.lastIndexOf('/') + 1) + "by-hash/SHA256/" + sum : name), packages);
            if (!PackageChecksum.sha256(packages).equals(sum)) {
                throw new DjddException("The index " + name + " of " + url + " does not match the SHA-256 its signed"
                        + " InRelease gives: the repository was altered after publishing; nothing was taken from it.");
            }
            try (InputStream in = name.endsWith(".xz") ? new XZInputStream(Files.newInputStream(packages))
                    : Files.newInputStream(packages)) {
                index = Stanza.parseAll(new String(in.readAllBytes(), StandardCharsets.UTF_8));
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

    /** The text {@code inRelease} signs, when the repository's key signed it. */
    private String verified(Path inRelease, Path text) throws DjddException {
        CommandResult result;
        try {
            result = new ProcessRunner(Console.NULL).run(Command.of("gpgv", "--keyring", keyring.toString(), "--output",
                    text.toString(), inRelease.toString()).quietly());
            if (result.succeeded()) {
                return Files.readString(text, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new DjddException("Cannot read what gpgv checked (" + e.getMessage() + ")", e);
        }
        throw new DjddException("The InRelease of " + url + " is not signed by the key in " + keyring + " ("
                + result.tail(3).replace('\n', ' ') + "): check <aptRepositoryKey>; nothing was taken from the"
                + " repository.");
    }

    private synchronized void download(String path, Path target) throws IOException, InterruptedException {
        URI file = url.resolve(path);
        if (file.getScheme().equals("file")) {
            Files.copy(Path.of(file), target, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        HttpResponse<Path> response = client.send(HttpRequest.newBuilder(file).timeout(Duration.ofMinutes(10)).build(),
                HttpResponse.BodyHandlers.ofFile(target));
        if (response.statusCode() != 200) {
            Files.deleteIfExists(target);
            throw new IOException(file + " answered HTTP " + response.statusCode());
        }
    }
}
