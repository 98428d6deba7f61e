package io.github.djdd.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.Console;
import io.github.djdd.core.deb.DebFile;
import io.github.djdd.core.deb.Stanza;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.XZInputStream;

/** Packages made by dpkg-deb; signatures checked by gpgv. */
class FolderRepositoryTest {
    private static final ValidFor FORTNIGHT = new ValidFor(14);

    @TempDir
    Path dir;

    private Path folder;
    private Path key;
    private ReleaseSigner signer;
    private FolderRepository repository;

    @BeforeEach
    void signer() throws Exception {
        key = TestDebs.gpgKey(dir, "ops", "");
        signer = ReleaseSigner.load(key, new char[0], Instant.now());
        folder = dir.resolve("repo");
        repository = new FolderRepository(folder, "mysoftware", signer, FORTNIGHT, Console.NULL,
                Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC));
    }

    private Path deb(String name, String version, String arch, String fields) throws Exception {
        return TestDebs.deb(dir, name, version, arch, fields);
    }

    private List<Path> release(String site, String version, String env, String src) throws Exception {
        return TestDebs.release(dir, site, version, env, src);
    }

    private String packages(String suite) throws Exception {
        return Files.readString(folder.resolve("dists/" + suite + "/main/binary-amd64/Packages"));
    }

    private int gpgv(Path... files) throws Exception {
        List<String> argv = new ArrayList<>(List.of("gpgv", "--keyring", repository.keyring().toString()));
        Stream.of(files).forEach(file -> argv.add(file.toString()));
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }

    @Test
    void aPublishMakesASignedIndexWhoseSumsMatchTheFiles() throws Exception {
        Published result = repository.publish("trixie",
                release("mysoftware-site-berlin", "20261129.1", "mysoftware-env-aaaa", "mysoftware-src-1111"), 5);

        assertThat(result.added()).hasSize(3);
        Path dists = folder.resolve("dists/trixie");
        assertThat(gpgv(dists.resolve("InRelease"))).isZero();
        String release = Files.readString(dists.resolve("Release"));
        assertThat(release).contains("Suite: trixie\n", "Codename: trixie\n", "Architectures: amd64\n",
                "Components: main\n", "Acquire-By-Hash: yes\n", "Date: Sun, 29 Nov 2026 10:00:00 UTC\n",
                "Valid-Until: Sun, 13 Dec 2026 10:00:00 UTC\n");
        for (String index : List.of("main/binary-amd64/Packages", "main/binary-amd64/Packages.xz")) {
            byte[] content = Files.readAllBytes(dists.resolve(index));
            String sha = HexFormat.of().formatHex(DebFile.digest("SHA-256").digest(content));
            assertThat(release).containsPattern(" " + sha + " +" + content.length + " " + index + "\n");
            assertThat(dists.resolve(index).resolveSibling("by-hash/SHA256/" + sha)).hasBinaryContent(content);
        }
        try (XZInputStream xz = new XZInputStream(Files.newInputStream(dists.resolve("main/binary-amd64/Packages.xz")))) {
            assertThat(new String(xz.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(packages("trixie"));
        }
        List<Stanza> entries = Stanza.parseAll(packages("trixie"));
        assertThat(entries).extracting(entry -> entry.require("Package")).containsExactly("mysoftware-env-aaaa",
                "mysoftware-site-berlin", "mysoftware-src-1111");
        for (Stanza entry : entries) {
            Path pooled = folder.resolve(entry.require("Filename"));
            assertThat(HexFormat.of().formatHex(DebFile.digest("SHA-256").digest(Files.readAllBytes(pooled))))
                    .isEqualTo(entry.require("SHA256"));
            assertThat(Files.size(pooled)).isEqualTo(Long.parseLong(entry.require("Size")));
        }
        assertThat(entries.get(1).require("Description")).isEqualTo("test package\n a longer description");
        assertThat(Files.readAllBytes(repository.keyring())).isEqualTo(signer.publicKeyring());
    }

    @Test
    void twoSuitesLiveSideBySideWithPoolsOfTheirOwn() throws Exception {
        repository.publish("bookworm", release("mysoftware-site-berlin", "1.deb12", "mysoftware-env-b", "mysoftware-src-1"), 5);
        repository.publish("trixie", release("mysoftware-site-berlin", "1.deb13", "mysoftware-env-t", "mysoftware-src-1"), 5);

        assertThat(packages("bookworm")).contains("Package: mysoftware-env-b\n").doesNotContain("mysoftware-env-t")
                .contains("Filename: pool/bookworm/mysoftware-src-1/mysoftware-src-1_1_all.deb\n");
        assertThat(packages("trixie")).contains("Package: mysoftware-env-t\n").doesNotContain("mysoftware-env-b")
                .contains("Filename: pool/trixie/mysoftware-src-1/mysoftware-src-1_1_all.deb\n");
        assertThat(gpgv(folder.resolve("dists/bookworm/InRelease"))).isZero();
        assertThat(gpgv(folder.resolve("dists/trixie/InRelease"))).isZero();
    }

    @Test
    void theSamePackageAgainIsFineAndOtherBytesUnderItsVersionAreRefusedLeavingTheRepositoryAsItWas()
            throws Exception {
        List<Path> first = release("mysoftware-site-berlin", "1", "mysoftware-env-aaaa", "mysoftware-src-1111");
        repository.publish("trixie", first, 5);
        assertThat(repository.publish("trixie", first, 5).present()).hasSize(3);
        Map<Path, byte[]> before = snapshot();

        Path rebuilt = deb("mysoftware-env-aaaa", "1", "amd64", "Depends: python3, libpq5\n");
        assertThatThrownBy(() -> repository.publish("trixie", List.of(rebuilt), 5))
                .isInstanceOf(DjddException.class)
                .hasMessage(rebuilt.getFileName() + " is mysoftware-env-aaaa 1, which " + folder + " has for trixie"
                        + " already with other content: a published package is never replaced. Give the new one"
                        + " another version, or build with -Ddjdd.aptRepository so that the published one is used.");
        assertThat(snapshot()).containsOnlyKeys(before.keySet());
        before.forEach((file, content) -> assertThat(file).hasBinaryContent(content));
    }

    /**
     * A Jenkins build number as the site version ({@code 42+deb13}) after djdd's date-based ones:
     * apt would never upgrade to it and retention would drop it first, so it is refused; the very
     * same package published again is not.
     */
    @Test
    void aSiteVersionThatSortsAtOrBelowTheNewestIsRefusedAndTheSamePackageAgainIsFine() throws Exception {
        List<Path> dated = release("mysoftware-site-berlin", "20261207.093000.deb13+g0123456789ab.01234567",
                "mysoftware-env-aaaa", "mysoftware-src-1111");
        repository.publish("trixie", dated, 5);
        Map<Path, byte[]> before = snapshot();
        List<Path> numbered = release("mysoftware-site-berlin", "42+deb13", "mysoftware-env-aaaa",
                "mysoftware-src-1111");

        assertThatThrownBy(() -> repository.publish("trixie", numbered, 5))
                .isInstanceOf(DjddException.class)
                .hasMessage(numbered.get(2).getFileName() + " is mysoftware-site-berlin 42+deb13, which does not sort"
                        + " above 20261207.093000.deb13+g0123456789ab.01234567, the newest mysoftware-site-berlin "
                        + folder + " has for trixie: servers would never upgrade to it, and <keep> would drop it"
                        + " first; nothing was published. Give it a version that sorts higher: build a newer commit,"
                        + " or set <siteVersion> (-Ddjdd.siteVersion) to one that grows with every build and starts"
                        + " with the build's UTC time, such as YYYYMMDD.HHMMSS.N with the build number N"
                        + " (-Ddjdd.siteVersion=$(date -u +%Y%m%d.%H%M%S).$BUILD_NUMBER).");
        assertThat(snapshot()).containsOnlyKeys(before.keySet());
        before.forEach((file, content) -> assertThat(file).hasBinaryContent(content));

        // One that sorts higher is published; then the older one again, the same bytes, is no change.
        repository.publish("trixie", release("mysoftware-site-berlin", "20261207.143000.42+deb13",
                "mysoftware-env-aaaa", "mysoftware-src-1111"), 5);
        Published again = repository.publish("trixie", dated, 5);
        assertThat(again.added()).isEmpty();
        assertThat(again.present()).contains("mysoftware-site-berlin 20261207.093000.deb13+g0123456789ab.01234567 all");
        // Another site's versions are its own.
        assertThat(repository.publish("trixie", release("mysoftware-site-blue", "42+deb13", "mysoftware-env-aaaa",
                "mysoftware-src-1111"), 5).added()).containsExactly("mysoftware-site-blue 42+deb13 all");
    }

    private Map<Path, byte[]> snapshot() throws Exception {
        return snapshot(folder);
    }

    private static Map<Path, byte[]> snapshot(Path folder) throws Exception {
        Map<Path, byte[]> files = new java.util.TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path file : walk.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/.djdd/")).toList()) {
                files.put(file, Files.readAllBytes(file));
            }
        }
        return files;
    }

    @Test
    void retentionKeepsTheNewestSiteVersionsAndWhatTheyNeed() throws Exception {
        for (int i = 1; i <= 4; i++) {
            repository.publish("trixie", release("mysoftware-site-berlin", "2026112" + i + ".1", "mysoftware-env-" + i,
                    "mysoftware-src-" + i), 2);
        }
        String index = packages("trixie");
        assertThat(Stanza.parseAll(index)).extracting(entry -> entry.require("Package") + " " + entry.require("Version"))
                .containsExactly("mysoftware-env-3 1", "mysoftware-env-4 1", "mysoftware-site-berlin 20261123.1",
                        "mysoftware-site-berlin 20261124.1", "mysoftware-src-3 1", "mysoftware-src-4 1");
        // The previous state's files stay one publish longer, for clients that read it just before.
        assertThat(folder.resolve("pool/trixie/mysoftware-env-2/mysoftware-env-2_1_amd64.deb")).exists();
        assertThat(folder.resolve("pool/trixie/mysoftware-env-1/mysoftware-env-1_1_amd64.deb")).doesNotExist();
        assertThat(folder.resolve("pool/trixie/mysoftware-site-berlin")).isDirectoryContaining(
                path -> path.getFileName().toString().startsWith("mysoftware-site-berlin_20261122.1"));
    }

    private List<String> entries(String suite) throws Exception {
        return Stanza.parseAll(packages(suite)).stream()
                .map(entry -> entry.require("Package") + " " + entry.require("Version")).toList();
    }

    @Test
    void promoteCopiesAStagedSiteVersionWithItsEnvAndSrcIntoProductionSigned() throws Exception {
        repository.publish("trixie-staging", release("mysoftware-site-berlin", "20261121.1", "mysoftware-env-1",
                "mysoftware-src-1"), 5);
        repository.publish("trixie-staging", release("mysoftware-site-berlin", "20261122.1", "mysoftware-env-1",
                "mysoftware-src-2"), 5);

        Published first = repository.promote("trixie-staging", "trixie", "mysoftware-site-berlin",
                Optional.of("20261121.1"), 5);
        assertThat(first.added()).hasSize(3);
        assertThat(entries("trixie")).containsExactly("mysoftware-env-1 1", "mysoftware-site-berlin 20261121.1",
                "mysoftware-src-1 1");
        Published newest = repository.promote("trixie-staging", "trixie", "mysoftware-site-berlin", Optional.empty(), 5);
        assertThat(newest.added()).extracting(key -> key.split(" ")[0])
                .containsExactly("mysoftware-site-berlin", "mysoftware-src-2");
        assertThat(newest.present()).extracting(key -> key.split(" ")[0]).containsExactly("mysoftware-env-1");
        assertThat(entries("trixie")).contains("mysoftware-site-berlin 20261122.1", "mysoftware-src-2 1");
        assertThat(gpgv(folder.resolve("dists/trixie/InRelease"))).isZero();
        assertThat(Files.readString(folder.resolve("dists/trixie/Release"))).contains("Suite: trixie\n");
        assertThat(Files.readString(folder.resolve("dists/trixie-staging/Release"))).contains("Suite: trixie-staging\n");
        assertThat(folder.resolve("pool/trixie/mysoftware-src-2/mysoftware-src-2_1_all.deb")).exists();
        // Promoting the same version again changes nothing; staging is as it was.
        assertThat(repository.promote("trixie-staging", "trixie", "mysoftware-site-berlin", Optional.empty(), 5)
                .added()).isEmpty();
        assertThat(entries("trixie-staging")).hasSize(5);
    }

    @Test
    void promoteNamesWhatStagingHasAndRefusesAVersionOlderThanProductions() throws Exception {
        assertThatThrownBy(() -> repository.promote("trixie-staging", "trixie", "mysoftware-site-berlin",
                Optional.empty(), 5)).isInstanceOf(DjddException.class)
                .hasMessage("trixie-staging of " + folder + " has no mysoftware-site-berlin: publish it there first.");
        repository.publish("trixie-staging", release("mysoftware-site-berlin", "20261121.1", "mysoftware-env-1",
                "mysoftware-src-1"), 5);
        assertThatThrownBy(() -> repository.promote("trixie-staging", "trixie", "mysoftware-site-berlin",
                Optional.of("20261199.1"), 5))
                .hasMessage("trixie-staging of " + folder + " has no mysoftware-site-berlin 20261199.1: name one of"
                        + " 20261121.1.");
        repository.publish("trixie", release("mysoftware-site-berlin", "20261122.1", "mysoftware-env-1",
                "mysoftware-src-2"), 5);
        Map<Path, byte[]> before = snapshot(folder);
        assertThatThrownBy(() -> repository.promote("trixie-staging", "trixie", "mysoftware-site-berlin",
                Optional.empty(), 5))
                .hasMessage("mysoftware-site-berlin 20261121.1 is older than 20261122.1, the newest in trixie: servers"
                        + " would not go back to it. To go back, roll trixie back (djdd:rollback), which drops its"
                        + " newest version.");
        assertThat(snapshot(folder)).containsOnlyKeys(before.keySet());
    }

    @Test
    void rollbackDropsTheNewestVersionAndWhatOnlyItNeeded() throws Exception {
        repository.publish("trixie", release("mysoftware-site-berlin", "20261121.1", "mysoftware-env-1",
                "mysoftware-src-1"), 5);
        repository.publish("trixie", release("mysoftware-site-berlin", "20261122.1", "mysoftware-env-2",
                "mysoftware-src-2"), 5);

        assertThat(repository.rollback("trixie", "mysoftware-site-berlin")).extracting(key -> key.split(" ")[0])
                .containsExactlyInAnyOrder("mysoftware-site-berlin", "mysoftware-env-2", "mysoftware-src-2");
        assertThat(entries("trixie")).containsExactly("mysoftware-env-1 1", "mysoftware-site-berlin 20261121.1",
                "mysoftware-src-1 1");
        assertThat(gpgv(folder.resolve("dists/trixie/InRelease"))).isZero();
        assertThatThrownBy(() -> repository.rollback("trixie", "mysoftware-site-berlin"))
                .isInstanceOf(DjddException.class)
                .hasMessage("trixie of " + folder + " has only mysoftware-site-berlin 20261121.1, so there is no"
                        + " version to roll back to: publish or promote the version that should serve instead.");
        // A later version is published and promoted as before.
        repository.publish("trixie", release("mysoftware-site-berlin", "20261123.1", "mysoftware-env-2",
                "mysoftware-src-3"), 5);
        assertThat(entries("trixie")).contains("mysoftware-site-berlin 20261123.1");
    }

    @Test
    void channelsNameTheirDistributions() throws Exception {
        assertThat(Channel.of(" Staging ").distribution("trixie")).isEqualTo("trixie-staging");
        assertThat(Channel.of("production").distribution("bookworm")).isEqualTo("bookworm");
        assertThatThrownBy(() -> Channel.of("canary")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("<channel> is 'canary': use staging (the distribution {suite}-staging, which canary"
                        + " servers follow) or production (the suite itself, which the other servers follow).");
    }

    @Test
    void retentionKeepsAnEnvThatAKeptSiteOfAnotherVariantNeeds() {
        Map<String, Stanza> index = new java.util.LinkedHashMap<>();
        index.put("a", stanza("mysoftware-site-berlin", "1", "mysoftware-env-shared, mysoftware-src-1"));
        index.put("b", stanza("mysoftware-site-berlin", "2", "mysoftware-env-new, mysoftware-src-2"));
        index.put("c", stanza("mysoftware-site-paris", "1", "mysoftware-env-shared | python3, mysoftware-src-1"));
        index.put("d", stanza("mysoftware-env-shared", "1", "python3 (>= 3.13)"));
        index.put("e", stanza("mysoftware-env-new", "1", "python3"));
        index.put("f", stanza("mysoftware-src-1", "1", ""));
        index.put("g", stanza("mysoftware-src-2", "1", ""));

        assertThat(FolderRepository.retain(index, 1)).containsExactly("a");
        assertThat(index).containsOnlyKeys("b", "c", "d", "e", "f", "g");
    }

    private static Stanza stanza(String name, String version, String depends) {
        Stanza stanza = new Stanza().put("Package", name).put("Version", version).put("Architecture", "all");
        return depends.isEmpty() ? stanza : stanza.put("Depends", depends);
    }

    @Test
    void aPublishKilledHalfWayLeavesTheOldStateAndTheNextOneCompletes() throws Exception {
        repository.publish("trixie", release("mysoftware-site-berlin", "1", "mysoftware-env-aaaa", "mysoftware-src-1"), 5);
        String inRelease = Files.readString(folder.resolve("dists/trixie/InRelease"));
        // What a publish killed after copying a package and writing an index under its hash leaves.
        Path orphan = folder.resolve("pool/trixie/mysoftware-site-berlin/mysoftware-site-berlin_2_all.deb");
        Files.writeString(orphan, "half a package");
        Files.writeString(folder.resolve(".djdd/tmp/Packages.partial"), "Package: half");
        assertThat(Files.readString(folder.resolve("dists/trixie/InRelease"))).isEqualTo(inRelease);

        repository.publish("trixie", release("mysoftware-site-berlin", "2", "mysoftware-env-aaaa", "mysoftware-src-1"), 5);
        assertThat(gpgv(folder.resolve("dists/trixie/InRelease"))).isZero();
        assertThat(Files.size(orphan)).isGreaterThan(100);
        assertThat(folder.resolve(".djdd/tmp")).isEmptyDirectory();
    }

    /**
     * A publish stopped before each of the files it puts in place, in turn, as a kill would stop
     * it: every time, apt's view (InRelease, the indices it names, the packages they name) is
     * whole and signed, and the next publish completes the work.
     */
    @Test
    void aPublishStoppedBeforeAnyFileLeavesAValidRepositoryAndTheNextCompletesIt() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC);
        List<Path> v1 = release("mysoftware-site-berlin", "1", "mysoftware-env-aaaa", "mysoftware-src-1");
        List<Path> v2 = release("mysoftware-site-berlin", "2", "mysoftware-env-bbbb", "mysoftware-src-2");
        int steps = 0;
        for (int stop = 1; ; stop++) {
            Path repo = dir.resolve("stopped-" + stop);
            new FolderRepository(repo, "mysoftware", signer, FORTNIGHT, Console.NULL, clock).publish("trixie", v1, 5);
            int[] count = {0};
            int at = stop;
            FolderRepository stopping = new FolderRepository(repo, "mysoftware", signer, FORTNIGHT, Console.NULL,
                    clock, target -> {
                        if (++count[0] == at) {
                            throw new java.io.IOException("stopped before " + target.getFileName());
                        }
                    });
            boolean stopped;
            try {
                stopping.publish("trixie", v2, 5);
                stopped = false;
            } catch (DjddException e) {
                stopped = true;
            }
            assertValid(repo);
            if (!stopped) {
                steps = stop - 1;
                break;
            }
            new FolderRepository(repo, "mysoftware", signer, FORTNIGHT, Console.NULL, clock).publish("trixie", v2, 5);
            assertValid(repo);
            assertThat(Files.readString(repo.resolve("dists/trixie/main/binary-amd64/Packages")))
                    .contains("Package: mysoftware-env-bbbb\n", "Package: mysoftware-env-aaaa\n");
        }
        assertThat(steps).as("files a publish puts in place").isGreaterThan(8);
    }

    /**
     * A publish in a JVM of its own killed with SIGKILL before each of the files it puts in place,
     * in turn: every time, apt-get update accepts the repository and every entry's package is there
     * with its hash, and the next publish completes the work.
     */
    @Test
    void aPublishKilledWithSigkillAtEachStepLeavesAValidRepositoryAndTheNextCompletesIt() throws Exception {
        List<Path> v1 = release("mysoftware-site-berlin", "1", "mysoftware-env-aaaa", "mysoftware-src-1");
        List<Path> v2 = release("mysoftware-site-berlin", "2", "mysoftware-env-bbbb", "mysoftware-src-2");
        int killed = 0;
        for (int step = 1; ; step++) {
            Path repo = dir.resolve("killed-" + step);
            new FolderRepository(repo, "mysoftware", signer, FORTNIGHT, Console.NULL, Clock.systemUTC())
                    .publish("trixie", v1, 5);
            List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-cp", System.getProperty("java.class.path"), PublishUntilStep.class.getName(),
                    repo.toString(), key.toString(), Integer.toString(step)));
            v2.forEach(deb -> argv.add(deb.toString()));
            Process publish = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String said = new java.io.BufferedReader(new java.io.InputStreamReader(publish.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            if ("done".equals(said)) {
                assertThat(publish.waitFor()).isZero();
                break;
            }
            assertThat(said).as("the publish's output").startsWith("at ");
            publish.destroyForcibly().waitFor();
            killed++;
            assertValid(repo);
            assertAptUpdates(repo);

            new FolderRepository(repo, "mysoftware", signer, FORTNIGHT, Console.NULL, Clock.systemUTC())
                    .publish("trixie", v2, 5);
            assertValid(repo);
            assertAptUpdates(repo);
            assertThat(Files.readString(repo.resolve("dists/trixie/main/binary-amd64/Packages")))
                    .as("after the kill before " + said).contains("Package: mysoftware-env-bbbb\n");
        }
        System.out.println("[measure] publishes killed with SIGKILL, one before each file it puts in place: " + killed);
        assertThat(killed).as("files a publish puts in place").isGreaterThan(8);
    }

    /** apt-get update of the host's apt, with lists of its own, accepts the repository without a warning. */
    private void assertAptUpdates(Path repo) throws Exception {
        String output = aptUpdate(repo);
        assertThat(output.lines()).as(output).noneMatch(line -> line.startsWith("E:") || line.startsWith("W:"));
    }

    /** What apt-get update of the host's apt, with lists of its own, says of the repository. */
    private String aptUpdate(Path repo) throws Exception {
        Path apt = Files.createDirectories(dir.resolve("apt-" + repo.getFileName()));
        Files.createDirectories(apt.resolve("lists/partial"));
        Files.createDirectories(apt.resolve("cache/archives/partial"));
        Path sources = Files.writeString(apt.resolve("sources.list"), "deb [signed-by="
                + repo.resolve("mysoftware-archive-keyring.gpg") + "] file:" + repo + " trixie main\n");
        // Check-Date and Check-Valid-Until are apt's defaults, which a build machine's apt.conf.d may turn off.
        Process update = new ProcessBuilder("apt-get", "-q", "-o", "Acquire::Check-Date=true", "-o",
                "Acquire::Check-Valid-Until=true", "-o", "Dir::Etc::SourceList=" + sources,
                "-o", "Dir::Etc::SourceParts=" + apt.resolve("none"), "-o", "Dir::State::Lists=" + apt.resolve("lists"),
                "-o", "Dir::Cache=" + apt.resolve("cache"), "-o", "Debug::NoLocking=1", "-o",
                "APT::Sandbox::User=root", "update").redirectErrorStream(true).start();
        String output = new String(update.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        update.waitFor();
        return output;
    }

    /** Each publish signs the suite anew, also one that adds nothing: what a nightly publish relies on. */
    @Test
    void aPublishThatAddsNothingSignsAnewWithALaterValidUntil() throws Exception {
        List<Path> debs = release("mysoftware-site-berlin", "1", "mysoftware-env-aaaa", "mysoftware-src-1");
        repository.publish("trixie", debs, 5);
        String before = Files.readString(folder.resolve("dists/trixie/InRelease"));

        Published again = new FolderRepository(folder, "mysoftware", signer, new ValidFor(3), Console.NULL,
                Clock.fixed(Instant.parse("2026-12-09T22:30:00Z"), ZoneOffset.UTC)).publish("trixie", debs, 5);

        assertThat(again.added()).isEmpty();
        assertThat(again.present()).hasSize(3);
        String release = Files.readString(folder.resolve("dists/trixie/Release"));
        assertThat(release).contains("Date: Wed, 09 Dec 2026 22:30:00 UTC\nValid-Until: Sat, 12 Dec 2026 22:30:00 UTC\n")
                .isEqualTo(before.substring(before.indexOf("\n\n") + 2, before.indexOf("-----BEGIN PGP SIGNATURE"))
                        .replace("Date: Sun, 29 Nov 2026 10:00:00 UTC\nValid-Until: Sun, 13 Dec 2026 10:00:00 UTC\n",
                                "Date: Wed, 09 Dec 2026 22:30:00 UTC\nValid-Until: Sat, 12 Dec 2026 22:30:00 UTC\n"));
        assertThat(gpgv(folder.resolve("dists/trixie/InRelease"))).isZero();
        assertThat(gpgv(folder.resolve("dists/trixie/Release.gpg"), folder.resolve("dists/trixie/Release"))).isZero();
        assertThat(Files.readString(folder.resolve("dists/trixie/InRelease"))).contains(release);
    }

    /** What servers see when nothing renewed the repository in time: apt refuses it, and says why. */
    @Test
    void aptRefusesARepositoryWhoseValidUntilHasPassed() throws Exception {
        Path repo = dir.resolve("lapsed");
        new FolderRepository(repo, "mysoftware", signer, new ValidFor(7), Console.NULL,
                Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(-8))).publish("trixie",
                release("mysoftware-site-berlin", "1", "mysoftware-env-aaaa", "mysoftware-src-1"), 5);

        assertThat(aptUpdate(repo)).contains("E: Release file for file:" + repo + "/dists/trixie/InRelease is expired"
                + " (invalid since ").contains("). Updates for this repository will not be applied.");

        new FolderRepository(repo, "mysoftware", signer, new ValidFor(7), Console.NULL, Clock.systemUTC())
                .publish("trixie", List.of(), 5);
        assertAptUpdates(repo);
    }

    /** What apt checks: the signature, each index's size and hash, each package's. */
    private void assertValid(Path repo) throws Exception {
        Path dists = repo.resolve("dists/trixie");
        assertThat(new ProcessBuilder("gpgv", "--keyring", repo.resolve("mysoftware-archive-keyring.gpg").toString(),
                dists.resolve("InRelease").toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor()).isZero();
        String release = Files.readString(dists.resolve("InRelease"));
        java.util.regex.Matcher sums = java.util.regex.Pattern.compile("(?m)^ ([0-9a-f]{64}) +(\\d+) (\\S+)$")
                .matcher(release.substring(release.indexOf("SHA256:")));
        int indices = 0;
        while (sums.find()) {
            Path byHash = dists.resolve(sums.group(3)).resolveSibling("by-hash/SHA256/" + sums.group(1));
            assertThat(byHash).exists();
            assertThat(Files.size(byHash)).isEqualTo(Long.parseLong(sums.group(2)));
            if (sums.group(3).endsWith("/Packages")) {
                for (Stanza entry : Stanza.parseAll(Files.readString(byHash))) {
                    Path pooled = repo.resolve(entry.require("Filename"));
                    assertThat(HexFormat.of().formatHex(DebFile.digest("SHA-256").digest(Files.readAllBytes(pooled))))
                            .as(entry.require("Filename")).isEqualTo(entry.require("SHA256"));
                }
            }
            indices++;
        }
        assertThat(indices).isEqualTo(2);
    }

    @Test
    void aFolderWithOtherFilesIsNotTakenOver() throws Exception {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("index.html"), "<p>hello</p>");
        List<Path> debs = List.of(deb("mysoftware-src-1", "1", "all", ""));
        assertThatThrownBy(() -> repository.publish("trixie", debs, 5))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("The folder '" + folder + "' is not a djdd repository (it has files but no"
                        + " .djdd/repository): name an empty or new folder, or the folder djdd:publish made.");
        assertThat(folder.resolve(".djdd")).doesNotExist();
    }

    /** A read-only file system (root writes anywhere else): a new folder on it, then a repository made read-only. */
    @Test
    void aFolderThatCannotBeWrittenIsNamedAndTheRepositoryStaysAsItWas() throws Exception {
        Path mount = Files.createDirectories(dir.resolve("read-only"));
        TestDebs.run(List.of("mount", "-t", "tmpfs", "-o", "size=64m", "djdd-test", mount.toString()));
        try {
            FolderRepository onMount = new FolderRepository(mount.resolve("repo"), "mysoftware", signer, FORTNIGHT,
                    Console.NULL, Clock.systemUTC());
            List<Path> v1 = release("mysoftware-site-berlin", "1", "mysoftware-env-aaaa", "mysoftware-src-1");
            onMount.publish("trixie", v1, 5);
            Map<Path, byte[]> before = snapshot(mount.resolve("repo"));
            TestDebs.run(List.of("mount", "-o", "remount,ro", mount.toString()));

            assertThatThrownBy(() -> onMount.publish("trixie", release("mysoftware-site-berlin", "2",
                    "mysoftware-env-aaaa", "mysoftware-src-1"), 5))
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessage("Cannot write to the repository folder '" + mount.resolve("repo") + "': let the build"
                            + " user write it, or set <folder> (-Ddjdd.publish.folder) to another folder.");
            assertThat(snapshot(mount.resolve("repo"))).containsOnlyKeys(before.keySet());
            before.forEach((file, content) -> assertThat(file).hasBinaryContent(content));
            FolderRepository newFolder = new FolderRepository(mount.resolve("new"), "mysoftware", signer, FORTNIGHT,
                    Console.NULL, Clock.systemUTC());
            assertThatThrownBy(() -> newFolder.publish("trixie", v1, 5))
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageStartingWith("Cannot write to the repository folder '" + mount.resolve("new") + "' (");
        } finally {
            TestDebs.run(List.of("umount", mount.toString()));
        }
    }

    @Test
    void keepBelowOneIsRefused() {
        assertThatThrownBy(() -> repository.publish("trixie", new ArrayList<>(), 0))
                .hasMessage("<keep> is 0: keep at least 1 version of each site.");
    }
}
