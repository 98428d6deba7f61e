package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build SIGKILLed with its whole process tree (as Jenkins kills an aborted job) in each phase
 * of {@code djdd:build}: no mount is left, no lock blocks the next build, no {@code .deb} in
 * {@code packages/} is partial or corrupt, and the next build succeeds and makes correct packages.
 * The bootstrap phase is {@link InterruptedInitIT}'s. Each test deletes the packages whose
 * building it interrupts and keeps the others (an env left by an earlier test saves a minute); the
 * killed build makes whatever else is missing.
 */
class KilledBuildIT {
    private static final String SOFTWARE = "djddkill";
    /** Not in the build root, and big enough that dpkg takes a while to unpack it. */
    private static final String DEBIAN_PACKAGE = "libicu-dev";
    private static final ProcessRunner HOST = new ProcessRunner(Console.NULL);

    @TempDir
    static Path dir;

    private static BuildDir buildDir;
    private static BuildRoot root;
    private static Path upstream;

    @BeforeAll
    static void buildRootAndUpstream() throws Exception {
        buildDir = ItSupport.buildDir();
        root = ItSupport.cachedRoot();
        // A static file of 4 MB that xz cannot shrink much keeps src and site assembly with xz busy for seconds.
        StringBuilder noise = new StringBuilder();
        Random random = new Random(6);
        while (noise.length() < 4 << 20) {
            noise.append(Long.toString(random.nextLong(), 36));
        }
        upstream = SampleProject.create(dir, Map.of("big", Map.of(
                "notes/static/notes/noise.txt", noise.toString(),
                "src-debian-requirements.txt", DEBIAN_PACKAGE + "\n")));
        deletePackages(name -> true);
    }

    private static void deletePackages(Predicate<String> which) throws Exception {
        ItSupport.deletePackages(SOFTWARE, which);
    }

    /** A build in its own JVM, its output collected line by line. */
    private static final class Build {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        /** When each line was read, in System.nanoTime. */
        final Map<String, Long> seen = new ConcurrentHashMap<>();
        private final Thread reader;

        /**
         * @param compression xz for the assembly kills: its single thread keeps src and site
         *     assembly busy long enough to be killed; the env, built first by any test, is reused
         */
        /** The build JVM's java.io.tmpdir, outside the build dir: a killed build must leave nothing there. */
        final Path tmp;

        Build(Compression compression) throws Exception {
            tmp = Files.createTempDirectory(dir, "java-tmp");
            List<String> command = new java.util.ArrayList<>(BuildProcess.command(compression, "build",
                    buildDir.path().toString(), SOFTWARE, upstream.toString(), "big", "blue"));
            command.add(1, "-Djava.io.tmpdir=" + tmp);
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        System.out.println("  | " + line);
                        lines.add(line);
                        seen.putIfAbsent(line, System.nanoTime());
                    }
                } catch (IOException e) {
                    lines.add("(output lost: " + e + ")");
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        String output() {
            return String.join("\n", lines);
        }

        /**
         * Waits until {@code phase} is under way, kills the build and everything it started, and
         * checks that the phase had not ended: no line ends with {@code phaseDone}.
         */
        void killDuring(Predicate<Build> phase, String phaseDone) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (!phase.test(this)) {
                assertThat(process.isAlive()).as("the build ended before the phase: %s", output()).isTrue();
                assertThat(System.nanoTime()).as("the phase never came").isLessThan(deadline);
                Thread.sleep(20);
            }
            ProcessTree.kill(ProcessTree.freeze(process.toHandle()));
            reader.join(TimeUnit.SECONDS.toMillis(30));
            System.out.println("Killed the build: " + lines.get(lines.size() - 1));
            assertThat(lines).as("the kill came during the phase").noneMatch(line -> line.contains(phaseDone));
        }

        /** Whether a line containing {@code text} was printed at least {@code millis} ago. */
        boolean printedAgo(String text, long millis) {
            return seen.entrySet().stream().anyMatch(entry -> entry.getKey().contains(text)
                    && System.nanoTime() - entry.getValue() > TimeUnit.MILLISECONDS.toNanos(millis));
        }

        boolean runs(String... words) {
            return process.descendants().anyMatch(child -> {
                String commandLine = ProcessTree.commandLine(child);
                return Stream.of(words).allMatch(commandLine::contains);
            });
        }
    }

    private static void killAndRecover(Predicate<Build> phase, String phaseDone) throws Exception {
        killAndRecover(Compression.DEFAULT, phase, phaseDone);
    }

    private static void killAndRecover(Compression compression, Predicate<Build> phase, String phaseDone)
            throws Exception {
        Build killed = new Build(compression);
        killed.killDuring(phase, phaseDone);

        assertThat(BuildRootIT.hostMountsUnder(buildDir.path())).isEmpty();
        assertEveryPackageIntact();
        try (Stream<Path> files = Files.list(killed.tmp)) {
            assertThat(files).as("what the killed build left outside the build dir").isEmpty();
        }

        long start = System.nanoTime();
        Build next = new Build(compression);
        assertThat(next.process.waitFor(15, TimeUnit.MINUTES)).isTrue();
        System.out.printf("The build after the kill took %.1f s%n", (System.nanoTime() - start) / 1e9);
        assertThat(next.process.exitValue()).as(next.output()).isZero();
        assertThat(next.output()).doesNotContain("Waiting for another build");
        assertThat(next.lines).contains("built " + SOFTWARE + "-site-blue");
        assertEveryPackageIntact();
        try (Stream<Path> files = Files.list(buildDir.packages())) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.startsWith("." + SOFTWARE));
        }
        try (Stream<Path> folders = Files.list(buildDir.work())) {
            assertThat(folders.map(f -> f.getFileName().toString()))
                    .noneMatch(f -> f.startsWith(killed.process.pid() + "-"));
        }
        assertThat(BuildRootIT.hostMountsUnder(buildDir.path())).isEmpty();
    }

    /** Every .deb of this software in packages/ matches its checksum and dpkg reads it whole. */
    private static void assertEveryPackageIntact() throws Exception {
        try (Stream<Path> files = Files.list(buildDir.packages())) {
            for (Path deb : files.filter(f -> f.getFileName().toString().startsWith(SOFTWARE)
                    && f.getFileName().toString().endsWith(".deb")).toList()) {
                assertThat(PackageChecksum.matches(deb)).as(deb.toString()).isTrue();
                HOST.check(Command.of("dpkg-deb", "--fsys-tarfile", deb.toString()).quietly());
            }
        }
    }

    @Test
    void killedDuringPip() throws Exception {
        deletePackages(name -> true);

        // pip runs a few seconds: kill it once it is at work on the requirements (it has printed a
        // distribution it processes or collects), well before it installs them.
        killAndRecover(build -> build.runs("pip", "install")
                && (build.printedAgo("Processing ", 200) || build.printedAgo("Collecting ", 200)),
                "Env package done");
    }

    @Test
    void killedWhileAptUnpacksInTheRoot() throws Exception {
        deletePackages(name -> !name.startsWith(SOFTWARE + "-env-"));
        root.check(RootCommand.of("apt-get", "purge", "--yes", DEBIAN_PACKAGE).quietly());

        killAndRecover(build -> build.runs("dpkg", "--unpack"), "Build root packages done");

        assertThat(root.check(RootCommand.of("dpkg", "--audit").quietly()).output()).isEmpty();
        assertThat(root.missingPackages(List.of(DEBIAN_PACKAGE))).isEmpty();
    }

    @Test
    void killedDuringSrcAssembly() throws Exception {
        deletePackages(name -> !name.startsWith(SOFTWARE + "-env-"));

        killAndRecover(Compression.XZ, build -> build.printedAgo("--- Src package ---", 1000), "Src package done");
    }

    @Test
    void killedDuringCollectstatic() throws Exception {
        deletePackages(name -> name.startsWith(SOFTWARE + "-site-"));
        BuildDir.deleteTree(buildDir.cache().resolve("static"));

        killAndRecover(build -> build.runs("collectstatic"), "Collectstatic " + SOFTWARE + "-site-blue done");
    }

    @Test
    void killedDuringSiteAssembly() throws Exception {
        deletePackages(name -> name.startsWith(SOFTWARE + "-site-"));

        killAndRecover(Compression.XZ, build -> build.printedAgo("--- Site package " + SOFTWARE + "-site-blue ---",
                1000),
                "Site package " + SOFTWARE + "-site-blue done");
    }

    @Test
    void packagesDamagedByHandAreRebuiltWithAWarning() throws Exception {
        // Only this build's site package (others may have been built with xz, under other versions).
        deletePackages(name -> name.startsWith(SOFTWARE + "-site-"));
        Build first = new Build(Compression.DEFAULT);
        assertThat(first.process.waitFor(15, TimeUnit.MINUTES)).isTrue();
        assertThat(first.process.exitValue()).as(first.output()).isZero();
        Path src = find(SOFTWARE + "-src-");
        Path site = find(SOFTWARE + "-site-blue_");
        byte[] truncated = Files.readAllBytes(site);
        Files.write(site, Arrays.copyOf(truncated, truncated.length / 2));
        byte[] flipped = Files.readAllBytes(src);
        flipped[flipped.length - 100] ^= 0x01;
        Files.write(src, flipped);

        Build next = new Build(Compression.DEFAULT);
        assertThat(next.process.waitFor(15, TimeUnit.MINUTES)).isTrue();

        assertThat(next.process.exitValue()).as(next.output()).isZero();
        assertThat(next.lines).contains("built " + SOFTWARE + "-site-blue")
                .anyMatch(line -> line.startsWith("built " + SOFTWARE + "-src-"))
                .anyMatch(line -> line.contains(src.getFileName() + " does not match the checksum djdd recorded"))
                .anyMatch(line -> line.contains(site.getFileName() + " does not match the checksum djdd recorded"));
        assertEveryPackageIntact();
    }

    private static Path find(String prefix) throws Exception {
        try (Stream<Path> files = Files.list(buildDir.packages())) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)
                    && f.getFileName().toString().endsWith(".deb")).findFirst().orElseThrow();
        }
    }
}
