package io.github.djdd.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.deb.DebFile;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** The package cache a second build agent reads: a repository made by FolderRepository, signed by a gpg key. */
class RemotePackagesTest {
    private static final ValidFor FORTNIGHT = new ValidFor(14);
    /** The fields of a Release that another tool (or aptly) writes: no Acquire-By-Hash. */
    private static final String FIELDS = "Origin: mysoftware\nSuite: trixie\nCodename: trixie\nArchitectures: amd64\n"
            + "Components: main\n";

    @TempDir
    Path dir;

    private Path folder;
    private ReleaseSigner signer;
    private Path keyring;
    private BuildDir agent;
    private Path env;
    private final List<String> warnings = new ArrayList<>();
    private final Console console = new Console() {
        @Override
        public void debug(String message) {}

        @Override
        public void info(String message) {}

        @Override
        public void warn(String message) {
            warnings.add(message);
        }
    };

    @BeforeEach
    void aPublishedRepository() throws Exception {
        signer = ReleaseSigner.load(TestDebs.gpgKey(dir, "ops", ""), new char[0], Instant.now());
        folder = dir.resolve("repo");
        env = deb("mysoftware-env-aaaa", "amd64");
        new FolderRepository(folder, "mysoftware", signer, FORTNIGHT, Console.NULL, Clock.systemUTC())
                .publish("trixie", List.of(env, deb("mysoftware-src-1111", "all")), 5);
        keyring = folder.resolve("mysoftware-archive-keyring.gpg");
        agent = BuildDir.prepare(dir.resolve("agent2"));
    }

    private Path deb(String name, String arch) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree-" + name).resolve("DEBIAN"));
        Files.writeString(tree.resolve("control"), "Package: " + name + "\nVersion: 1\nArchitecture: " + arch
                + "\nMaintainer: ops <ops@example.org>\nDescription: test\n");
        Path deb = dir.resolve(name + ".deb");
        TestDebs.run(List.of("dpkg-deb", "--root-owner-group", "--build", tree.getParent().toString(),
                deb.toString()));
        return deb;
    }

    @Test
    void aPackageTheRepositoryHasIsDownloadedCheckedAndRecordedAsDjddRecordsItsOwn() throws Exception {
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);

        Path fetched = remote.fetch("mysoftware-env-aaaa").orElseThrow();
        assertThat(fetched).isEqualTo(agent.packages().resolve("mysoftware-env-aaaa_1_amd64.deb"))
                .hasSameBinaryContentAs(env);
        assertThat(PackageChecksum.matches(fetched)).isTrue();
        assertThat(remote.fetch("mysoftware-src-1111")).isPresent();
        assertThat(remote.fetch("mysoftware-env-bbbb")).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void overHttpToo() throws Exception {
        try (HostileMirror server = HostileMirror.serving(folder)) {
            RemotePackages remote = RemotePackages.of(server.url(), keyring, "trixie", agent, console);
            assertThat(remote.fetch("mysoftware-env-aaaa").orElseThrow()).hasSameBinaryContentAs(env);
        }
    }

    @Test
    void aPackageAlteredInThePoolIsRefused() throws Exception {
        Path pooled = folder.resolve("pool/trixie/mysoftware-env-aaaa/mysoftware-env-aaaa_1_amd64.deb");
        // Same size, other bytes: what the sum in the index alone tells apart.
        byte[] content = Files.readAllBytes(pooled);
        System.arraycopy("tampered".getBytes(StandardCharsets.US_ASCII), 0, content, content.length - 8, 8);
        Files.write(pooled, content);
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessageStartingWith(folder.toUri().resolve("pool/trixie/mysoftware-env-aaaa/mysoftware-env-aaaa_1_amd64.deb")
                        + " does not match the SHA-256 its signed index gives (")
                .hasMessageEndingWith("): the repository was altered after publishing; nothing was taken from it.");
        assertNothingTaken();
    }

    @Test
    void anIndexSignedByAnotherKeyIsRefused() throws Exception {
        ReleaseSigner other = ReleaseSigner.load(TestDebs.gpgKey(dir, "other", ""), new char[0], Instant.now());
        Path otherKeyring = Files.write(dir.resolve("other.gpg"), other.publicKeyring());
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), otherKeyring, "trixie", agent, console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessageStartingWith("The InRelease of " + folder.toUri() + " is not signed by the key in "
                        + otherKeyring + " (")
                .hasMessageEndingWith("): check <aptRepositoryKey>; nothing was taken from the repository.");
    }

    @Test
    void anUnreachableRepositoryIsAWarningAndTheBuildGoesOn() throws Exception {
        RemotePackages remote = RemotePackages.of("http://127.0.0.1:9/", keyring, "trixie", agent, console);

        assertThat(remote.fetch("mysoftware-env-aaaa")).isEmpty();
        assertThat(warnings).singleElement().asString().startsWith("Cannot read the package index of"
                + " http://127.0.0.1:9/ (").endsWith("): building every package here.");
    }

    @Test
    void aBadUrlOrAMissingKeyIsNamed() {
        assertThatThrownBy(() -> RemotePackages.of("ftp://example.org/", keyring, "trixie", agent, console))
                .isInstanceOf(InvalidConfigurationException.class).hasMessage("Invalid <aptRepository>"
                        + " 'ftp://example.org/': use the http, https or file URL of a repository that djdd:publish"
                        + " made.");
        assertThatThrownBy(() -> RemotePackages.of("http://example.org/", null, "trixie", agent, console))
                .isInstanceOf(InvalidConfigurationException.class).hasMessage("<aptRepository> needs its public"
                        + " key: set <aptRepositoryKey> (-Ddjdd.aptRepositoryKey) to the repository's"
                        + " {software}-archive-keyring.gpg.");
    }

    private void assertNothingTaken() {
        assertThat(agent.packages().toFile().list()).as("the agent's packages").isNullOrEmpty();
    }

    /** The repository's Packages and .xz for this machine, as djdd:publish wrote them. */
    private Path index(String name) {
        return folder.resolve("dists/trixie/main/binary-amd64/" + name);
    }

    /**
     * Replaces the suite's state with a Release of {@code fields} that lists {@code indices}
     * (path under the suite to content), signed by the repository's key: what a repository that
     * its key signs can hold (another tool's, or aptly's with packages someone else uploaded).
     */
    private void signedState(String fields, Map<String, byte[]> indices) throws Exception {
        StringBuilder release = new StringBuilder(fields).append("SHA256:\n");
        for (Map.Entry<String, byte[]> index : indices.entrySet()) {
            Path file = folder.resolve("dists/trixie").resolve(index.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, index.getValue());
            release.append(' ').append(HexFormat.of().formatHex(DebFile.digest("SHA-256").digest(index.getValue())))
                    .append(' ').append(index.getValue().length).append(' ').append(index.getKey()).append('\n');
        }
        Files.writeString(folder.resolve("dists/trixie/Release"), release);
        Files.writeString(folder.resolve("dists/trixie/InRelease"), signer.clearSign(release.toString()));
    }

    private static byte[] xz(byte[] plain) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (XZOutputStream xz = new XZOutputStream(out, new LZMA2Options(0))) {
            xz.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void anInReleaseLargerThanOneMebibyteIsRefusedWhileItDownloads() throws Exception {
        try (HostileMirror mirror = HostileMirror.serving(folder)) {
            mirror.answer("dists/trixie/InRelease", mirror.endless(64L << 20, (byte) 'A'));
            RemotePackages remote = RemotePackages.of(mirror.url(), keyring, "trixie", agent, console);

            assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                    .hasMessage(mirror.url() + "dists/trixie/InRelease is larger than 1048576 bytes, the most djdd"
                            + " reads of an InRelease before gpgv checks it: the server or a mirror on the way does"
                            + " not serve what the repository's key signed; nothing was taken from the repository.");
            assertThat(mirror.sent()).as("bytes the mirror got onto the wire").isLessThan(32L << 20);
        }
        assertNothingTaken();
    }

    @Test
    void anIndexLargerThanItsSignedSizeIsRefusedWhileItDownloads() throws Exception {
        long signed = Files.size(index("Packages.xz"));
        try (HostileMirror mirror = HostileMirror.serving(folder)) {
            mirror.answer("dists/trixie/main/", mirror.endless(64L << 20, (byte) 0));
            RemotePackages remote = RemotePackages.of(mirror.url(), keyring, "trixie", agent, console);

            assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                    .hasMessageStartingWith(mirror.url() + "dists/trixie/main/binary-amd64/by-hash/SHA256/")
                    .hasMessageEndingWith(" is larger than " + signed + " bytes, the size the signed InRelease"
                            + " gives for main/binary-amd64/Packages.xz: the server or a mirror on the way does not"
                            + " serve what the repository's key signed; nothing was taken from the repository.");
            assertThat(mirror.sent()).as("bytes the mirror got onto the wire").isLessThan(32L << 20);
        }
        assertNothingTaken();
    }

    /**
     * An index whose sum the key signed, but which unpacks to far more than any index djdd reads
     * (an xz bomb): the unpacking stops at the cap.
     */
    @Test
    void anXzIndexThatUnpacksBeyondTheCapIsRefused() throws Exception {
        byte[] bomb = (Files.readString(index("Packages")) + "\n" + " ".repeat(40 << 20) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        signedState(FIELDS, Map.of("main/binary-amd64/Packages.xz", xz(bomb)));
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessage("The index main/binary-amd64/Packages.xz of " + folder.toUri() + " unpacks to more than"
                        + " 33554432 bytes, the most djdd unpacks of an index its Release gives no size for: the"
                        + " repository holds an index djdd:publish did not make; nothing was taken from it.");
        assertNothingTaken();
    }

    /** With the size of the plain index signed too, the xz form may unpack to exactly that. */
    @Test
    void anXzIndexThatUnpacksBeyondItsSignedPlainSizeIsRefused() throws Exception {
        byte[] plain = Files.readAllBytes(index("Packages"));
        byte[] longer = (Files.readString(index("Packages")) + "\n" + " ".repeat(4096) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> indices = new java.util.LinkedHashMap<>();
        indices.put("main/binary-amd64/Packages", plain);
        indices.put("main/binary-amd64/Packages.xz", xz(longer));
        signedState(FIELDS, indices);
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessage("The index main/binary-amd64/Packages.xz of " + folder.toUri() + " unpacks to more than "
                        + plain.length + " bytes, the size the signed InRelease gives for main/binary-amd64/Packages:"
                        + " the repository holds an index djdd:publish did not make; nothing was taken from it.");

        // As long, other bytes: the sum of the plain index tells them apart.
        indices.put("main/binary-amd64/Packages.xz", xz(Files.readString(index("Packages"))
                .replace("Version: 1\n", "Version: 2\n").getBytes(StandardCharsets.UTF_8)));
        signedState(FIELDS, indices);
        RemotePackages again = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);
        assertThatThrownBy(() -> again.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessage("The index main/binary-amd64/Packages.xz of " + folder.toUri() + " does not unpack to the"
                        + " main/binary-amd64/Packages its signed InRelease gives: the repository was altered after"
                        + " publishing; nothing was taken from it.");
        assertNothingTaken();
    }

    @Test
    void anIndexThatIsNoPackagesFileIsRefused() throws Exception {
        signedState(FIELDS, Map.of("main/binary-amd64/Packages", "<html>Not found</html>\n"
                .getBytes(StandardCharsets.UTF_8)));
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessage("The index main/binary-amd64/Packages of " + folder.toUri() + " is no Packages file (Not"
                        + " a deb822 field: <html>Not found</html>): the repository holds an index djdd:publish did"
                        + " not make; nothing was taken from it.");
    }

    @Test
    void aPackageLargerThanItsSignedSizeIsRefusedWhileItDownloads() throws Exception {
        try (HostileMirror mirror = HostileMirror.serving(folder)) {
            mirror.answer("pool/", mirror.endless(64L << 20, (byte) 0));
            RemotePackages remote = RemotePackages.of(mirror.url(), keyring, "trixie", agent, console);

            assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                    .hasMessage(mirror.url() + "pool/trixie/mysoftware-env-aaaa/mysoftware-env-aaaa_1_amd64.deb is"
                            + " larger than " + Files.size(env) + " bytes, the Size its signed index gives: the server"
                            + " or a mirror on the way does not serve what the repository's key signed; nothing was"
                            + " taken from the repository.");
            assertThat(mirror.sent()).as("bytes the mirror got onto the wire").isLessThan(32L << 20);
        }
        // Said in advance: refused before the body is read.
        try (HostileMirror mirror = HostileMirror.serving(folder)) {
            mirror.answer("pool/", mirror.announced(64L << 20, (byte) 0));
            RemotePackages remote = RemotePackages.of(mirror.url(), keyring, "trixie", agent, console);

            assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                    .hasMessageContaining("mysoftware-env-aaaa_1_amd64.deb is larger than " + Files.size(env)
                            + " bytes, the Size its signed index gives: ");
            assertThat(mirror.sent()).as("bytes the mirror got onto the wire").isLessThan(32L << 20);
        }
        assertNothingTaken();
    }

    @Test
    void anEntryWithoutASizeIsRefused() throws Exception {
        String packages = Files.readString(index("Packages")).replaceAll("(?m)^Size: \\d+$", "Size: big");
        signedState(FIELDS, Map.of("main/binary-amd64/Packages", packages.getBytes(StandardCharsets.UTF_8)));
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessage("The index of " + folder.toUri() + " gives mysoftware-env-aaaa no Size: the repository"
                        + " holds an index djdd:publish did not make; nothing was taken from it.");
        assertNothingTaken();
    }

    @Test
    void aPackageShorterThanItsSignedSizeIsRefused() throws Exception {
        byte[] shorter = java.util.Arrays.copyOf(Files.readAllBytes(env), (int) Files.size(env) - 100);
        try (HostileMirror mirror = HostileMirror.serving(folder)) {
            mirror.answer("pool/", mirror.bytes(shorter));
            RemotePackages remote = RemotePackages.of(mirror.url(), keyring, "trixie", agent, console);

            assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                    .hasMessage(mirror.url() + "pool/trixie/mysoftware-env-aaaa/mysoftware-env-aaaa_1_amd64.deb has "
                            + shorter.length + " bytes instead of " + Files.size(env) + ", the Size its signed index"
                            + " gives: the server or a mirror on the way does not serve what the repository's key"
                            + " signed; nothing was taken from the repository.");
        }
        assertNothingTaken();
    }

    /**
     * Entries whose fields would name a file outside {@code packages/} (or fetch from elsewhere),
     * in an index the repository's key signed: aptly signs whatever anyone with access to its API
     * uploaded, and a key may sign an index that djdd did not write.
     */
    @Test
    void anEntryWhoseFieldsWouldNameAFileElsewhereIsRefused() throws Exception {
        String packages = Files.readString(index("Packages"));
        String entry = "(?m)^(Package: mysoftware-env-aaaa\n(?:[^\n]+\n)*?)";
        String refusal = ": the repository holds a package djdd:publish did not make; nothing was taken from it.";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put(packages.replaceFirst(entry + "Version: 1$", "$1Version: ../../../evil"), "gives"
                + " mysoftware-env-aaaa the Version '../../../evil', which is no Debian version ([epoch:]upstream"
                + "[-revision] of letters, digits and . + ~ -, starting with a digit)" + refusal);
        cases.put(packages.replaceFirst(entry + "Version: 1$", "$1Version: 1/../../../evil"), "gives"
                + " mysoftware-env-aaaa the Version '1/../../../evil', which is no Debian version ([epoch:]upstream"
                + "[-revision] of letters, digits and . + ~ -, starting with a digit)" + refusal);
        cases.put(packages.replaceFirst(entry + "Architecture: amd64$", "$1Architecture: amd64/../../../evil"),
                "gives mysoftware-env-aaaa the Architecture 'amd64/../../../evil', neither this machine's (amd64) nor"
                + " all" + refusal);
        for (String filename : List.of("../../../../../etc/passwd", "/etc/passwd", "http://127.0.0.1:9/evil.deb",
                "//127.0.0.1:9/evil.deb", "pool/./x.deb", "pool//x.deb")) {
            cases.put(packages.replaceFirst(entry + "Filename: \\S+$", "$1Filename: " + filename), "gives"
                    + " mysoftware-env-aaaa the Filename '" + filename + "', which is no path inside the repository"
                    + " (relative; letters, digits and . _ + ~ % - between single slashes; no . or .. part)"
                    + refusal);
        }
        for (Map.Entry<String, String> attack : cases.entrySet()) {
            assertThat(attack.getKey()).as("the altered index").isNotEqualTo(packages);
            signedState(FIELDS, Map.of("main/binary-amd64/Packages", attack.getKey().getBytes(StandardCharsets.UTF_8)));
            RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);

            assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                    .hasMessage("The index of " + folder.toUri() + " " + attack.getValue());
        }
        assertNothingTaken();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).noneMatch(name -> name.contains("evil"));
        }
    }

    @Test
    void aNameThatIsNoPackageNameIsRefused() throws Exception {
        String packages = Files.readString(index("Packages")).replace("Package: mysoftware-env-aaaa\n",
                "Package: ../evil\n");
        signedState(FIELDS, Map.of("main/binary-amd64/Packages", packages.getBytes(StandardCharsets.UTF_8)));
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);

        assertThatThrownBy(() -> remote.fetch("../evil")).isInstanceOf(DjddException.class)
                .hasMessage("The index of " + folder.toUri() + " has an entry named '../evil', which is no Debian"
                        + " package name: the repository holds a package djdd:publish did not make; nothing was taken"
                        + " from it.");
        assertNothingTaken();
    }

    /** The public part of the gpg key {@code name} that {@link TestDebs#gpgKey} made, as a keyring file. */
    private Path publicKey(String name) throws Exception {
        Path file = dir.resolve(name + ".gpg");
        TestDebs.run(List.of("gpg", "--homedir", dir.resolve("gnupg-" + name).toString(), "--batch", "--yes",
                "--output", file.toString(), "--export", name + "@example.org"));
        return file;
    }

    /** gpg's time option for {@code instant}. */
    private static String fakedTime(Instant instant) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'!'").withZone(java.time.ZoneOffset.UTC)
                .format(instant);
    }

    /**
     * The mirror keeps serving an InRelease signed while the key was valid, long after the key
     * expired; gpgv says EXPKEYSIG and still exits with 0.
     */
    @Test
    void anInReleaseSignedByAnExpiredKeyIsRefused() throws Exception {
        Path key = TestDebs.gpgKey(dir, "old", "", "--faked-system-time", "20200101T000000!");
        String fingerprint = ReleaseSigner.load(key, new char[0], Instant.parse("2020-06-01T00:00:00Z")).fingerprint();
        Path inRelease = folder.resolve("dists/trixie/InRelease");
        TestDebs.run(List.of("gpg", "--homedir", dir.resolve("gnupg-old").toString(), "--batch", "--yes",
                "--faked-system-time", "20200601T000000!", "--clearsign", "--output", inRelease.toString(),
                folder.resolve("dists/trixie/Release").toString()));
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), publicKey("old"), "trixie", agent,
                console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessage("The InRelease of " + folder.toUri() + " is signed by the key " + fingerprint + ", which"
                        + " expired on 2020-12-31: renew it ('gpg --quick-set-expire " + fingerprint + " 2y'), export"
                        + " it again for <keyFile> and publish again, then give the build agents its renewed public"
                        + " key (<aptRepositoryKey>); nothing was taken from the repository.");
        assertNothingTaken();
    }

    /** The key's owner revoked it (lost, or stolen), but the mirror serves what it signed before. */
    @Test
    void anInReleaseSignedByARevokedKeyIsRefused() throws Exception {
        ReleaseSigner gone = ReleaseSigner.load(TestDebs.gpgKey(dir, "gone", ""), new char[0], Instant.now());
        Files.writeString(folder.resolve("dists/trixie/InRelease"), gone.clearSign(Files.readString(
                folder.resolve("dists/trixie/Release"))));
        // The revocation certificate gpg made with the key, imported as its owner imports it.
        Path home = dir.resolve("gnupg-gone");
        Path certificate;
        try (java.util.stream.Stream<Path> files = Files.list(home.resolve("openpgp-revocs.d"))) {
            certificate = files.findFirst().orElseThrow();
        }
        Path revocation = Files.writeString(dir.resolve("revocation.asc"), Files.readString(certificate)
                .replace(":-----BEGIN PGP PUBLIC KEY BLOCK-----", "-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        TestDebs.run(List.of("gpg", "--homedir", home.toString(), "--batch", "--import", revocation.toString()));
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), publicKey("gone"), "trixie", agent,
                console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessage("The InRelease of " + folder.toUri() + " is signed by the key " + gone.fingerprint()
                        + ", which its owner revoked: sign the repository with a new key (<keyFile>), publish again"
                        + " and give the build agents its public key (<aptRepositoryKey>); nothing was taken from the"
                        + " repository.");
        assertNothingTaken();
    }

    @Test
    void anInReleaseWhoseSignatureExpiredIsRefused() throws Exception {
        Instant created = Instant.now().minus(java.time.Duration.ofDays(10));
        TestDebs.gpgKey(dir, "brief", "", "--faked-system-time", fakedTime(created));
        Instant signed = created.plus(java.time.Duration.ofDays(5));
        TestDebs.run(List.of("gpg", "--homedir", dir.resolve("gnupg-brief").toString(), "--batch", "--yes",
                "--faked-system-time", fakedTime(signed), "--default-sig-expire", "1d", "--clearsign", "--output",
                folder.resolve("dists/trixie/InRelease").toString(), folder.resolve("dists/trixie/Release")
                        .toString()));
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), publicKey("brief"), "trixie", agent,
                console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessage("The signature of the InRelease of " + folder.toUri() + " expired on "
                        + java.time.LocalDate.ofInstant(signed.plus(java.time.Duration.ofDays(1)),
                                java.time.ZoneOffset.UTC)
                        + ": publish again, so that it is signed anew; nothing was taken from the repository.");
    }

    @Test
    void anInReleaseAlteredAfterSigningOrNotSignedIsRefused() throws Exception {
        Path inRelease = folder.resolve("dists/trixie/InRelease");
        String signed = Files.readString(inRelease);
        Files.writeString(inRelease, signed.replace("Components: main", "Components: main contrib"));
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);
        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessage("The InRelease of " + folder.toUri() + " does not match its signature by the key "
                        + signer.fingerprint().substring(24) + ": the server or a mirror on the way altered it;"
                        + " nothing was taken from the repository.");

        Files.copy(folder.resolve("dists/trixie/Release"), inRelease,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        RemotePackages unsigned = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);
        assertThatThrownBy(() -> unsigned.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessageStartingWith("The InRelease of " + folder.toUri() + " is not signed by the key in "
                        + keyring + " (")
                .hasMessageEndingWith("): check <aptRepositoryKey>; nothing was taken from the repository.");
        assertNothingTaken();
    }

    /**
     * A mirror that froze the repository a month ago keeps serving that state, signed by the
     * current key: its Valid-Until has passed.
     */
    @Test
    void aReleaseWhoseValidUntilHasPassedIsRefused() throws Exception {
        java.time.format.DateTimeFormatter format = java.time.format.DateTimeFormatter.ofPattern(
                "EEE, dd MMM yyyy HH:mm:ss 'UTC'", java.util.Locale.ROOT).withZone(java.time.ZoneOffset.UTC);
        Instant published = Instant.now().minus(java.time.Duration.ofDays(30));
        String date = format.format(published);
        String validUntil = format.format(published.plus(java.time.Duration.ofDays(14)));
        byte[] packages = Files.readAllBytes(index("Packages"));
        signedState(FIELDS + "Date: " + date + "\nValid-Until: " + validUntil + "\n",
                Map.of("main/binary-amd64/Packages", packages));
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessage("The repository " + folder.toUri() + " was not published since " + date + " (its Release"
                        + " was valid until " + validUntil + "): publish again, e.g. from a nightly job, or look for"
                        + " a mirror on the way that serves an old state; nothing was taken from it.");
        assertNothingTaken();

        signedState(FIELDS + "Date: " + date + "\nValid-Until: soon\n", Map.of("main/binary-amd64/Packages",
                packages));
        RemotePackages unreadable = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);
        assertThatThrownBy(() -> unreadable.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessage("The Release of " + folder.toUri() + " has a Valid-Until that is no date ('soon'): the"
                        + " repository holds a Release djdd:publish did not make; nothing was taken from it.");
        assertNothingTaken();
    }

    /**
     * The repository has trixie and bookworm, signed by the same key; a mirror answers for trixie
     * with bookworm's state, whose src package of the same name differs in its bytes.
     */
    @Test
    void anotherSuitesStateServedForThisSuiteIsRefused() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree-bookworm-src/DEBIAN"));
        Files.writeString(tree.resolve("control"), "Package: mysoftware-src-1111\nVersion: 1\nArchitecture: all\n"
                + "Maintainer: ops <ops@example.org>\nDescription: test, built for bookworm\n");
        Path bookwormSrc = dir.resolve("bookworm-src.deb");
        TestDebs.run(List.of("dpkg-deb", "--root-owner-group", "--build", tree.getParent().toString(),
                bookwormSrc.toString()));
        new FolderRepository(folder, "mysoftware", signer, FORTNIGHT, Console.NULL, Clock.systemUTC())
                .publish("bookworm", List.of(bookwormSrc), 5);
        try (HostileMirror mirror = HostileMirror.serving(folder)) {
            mirror.answer("dists/trixie/", exchange -> {
                Path file = folder.resolve(exchange.getRequestURI().getPath().substring(1)
                        .replace("dists/trixie/", "dists/bookworm/"));
                exchange.sendResponseHeaders(200, Files.size(file));
                Files.copy(file, exchange.getResponseBody());
            });
            RemotePackages remote = RemotePackages.of(mirror.url(), keyring, "trixie", agent, console);

            assertThatThrownBy(() -> remote.fetch("mysoftware-src-1111")).isInstanceOf(DjddException.class)
                    .hasMessage("The InRelease of " + mirror.url() + " for trixie is bookworm's (Suite and Codename"
                            + " bookworm): the server or a mirror on the way serves another suite's state; nothing was"
                            + " taken from the repository.");
        }
        assertNothingTaken();
    }
}
