package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.project.BuildRequest;
import io.github.djdd.core.project.ProjectBuild;
import io.github.djdd.core.site.SiteOptions;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Env and src packages of the example site, built in the real build root with the default
 * compression (zstd), inspected as archives, checked with lintian, installed into a fresh Debian 12
 * and unpacked by Debian 13's dpkg. Needs root and the build root of {@link BuildRootIT} (made here
 * if missing). The first build into an empty store is made once, by the first test that needs
 * packages ({@link #firstBuild()}); a test that deletes a package to see it rebuilt gets the store
 * back whole from {@link #blue()} in the next test.
 */
class EnvAndSourcePackagesIT {
    private static final SoftwareName SOFTWARE = new SoftwareName("djddit");
    private static final ProcessRunner HOST = new ProcessRunner(Console.NULL);

    @TempDir
    static Path dir;

    private static BuildDir buildDir;
    private static Path upstream;
    private static List<BuiltPackage> first;

    @BeforeAll
    static void buildRootAndUpstream() throws Exception {
        buildDir = ItSupport.buildDir();
        ItSupport.cachedRoot();
        upstream = SampleProject.create(dir, Map.of(
                "no-requirements", Map.of("requirements.txt", SampleProject.DELETED),
                "missing-pip-package", Map.of("requirements.txt", "Django>=5.2,<5.3\ndjdd-no-such-package==1.0\n"),
                "malformed", Map.of("requirements.txt", "Django(5.2\n"),
                "unknown-deb", Map.of("venv-debian-requirements.txt", "djdd-no-such-debian-package\n"),
                "with-debian-packages", Map.of(
                        "requirements.txt", "Django>=5.2,<5.3\ngunicorn\ncelery\npsycopg\ndj-database-url\nsqlparse\n",
                        "venv-debian-requirements.txt", "# psycopg from source would need these\nlibpq-dev libpq5\n",
                        "src-debian-requirements.txt", "gettext-base\n")));
    }

    /** The first build of the default ref, into a store without this software's packages: [env, src, site]. */
    private static synchronized List<BuiltPackage> firstBuild() throws Exception {
        if (first == null) {
            ItSupport.deletePackages(SOFTWARE.value(), name -> true);
            first = build(null, new ItSupport.RecordingConsole());
        }
        return first;
    }

    /** The packages of the default ref, all in the store (built again if a test deleted one). */
    private static List<BuiltPackage> blue() throws Exception {
        List<BuiltPackage> built = firstBuild();
        if (!built.stream().allMatch(p -> Files.isRegularFile(p.file()))) {
            built = build(null, new ItSupport.RecordingConsole());
        }
        return built;
    }

    private static List<BuiltPackage> build(String ref, ItSupport.RecordingConsole console) throws DjddException {
        return new ProjectBuild(new BuildRequest(buildDir, ItSupport.SUITE, SOFTWARE, upstream.toString(),
                new SiteVariants(List.of(SiteVariant.defaults(VariantName.of("blue"))), true), ref, "", SampleProject.pip(),
                new PackageSettings(DebControl.DEFAULT_MAINTAINER, Compression.DEFAULT, Optional.empty()),
                SiteOptions.DEFAULTS), console).run();
    }

    private static Path find(String kind) throws Exception {
        try (Stream<Path> files = Files.list(buildDir.packages())) {
            return files.filter(f -> f.getFileName().toString().startsWith(SOFTWARE + "-" + kind + "-")
                    && f.getFileName().toString().endsWith(".deb")).findFirst().orElseThrow();
        }
    }

    private static List<String> ourFiles() throws Exception {
        try (Stream<Path> files = Files.list(buildDir.packages())) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith(SOFTWARE + "-")).sorted()
                    .toList();
        }
    }

    private static String field(Path deb, String name) throws Exception {
        return HOST.check(Command.of("dpkg-deb", "--field", deb.toString(), name).quietly()).output().get(0);
    }

    private static List<String> contents(Path deb) throws Exception {
        return HOST.check(Command.of("dpkg-deb", "--contents", deb.toString()).quietly()).output();
    }

    @Test
    void firstBuildMakesAllThreePackages() throws Exception {
        List<BuiltPackage> built = firstBuild();

        assertThat(built).extracting(BuiltPackage::reused).containsExactly(false, false, false);
        assertThat(built.get(0).file().getFileName().toString()).matches("djddit-env-[0-9a-f]{12}_1_amd64\\.deb");
        assertThat(built.get(1).file().getFileName().toString()).matches("djddit-src-[0-9a-f]{12}_1_all\\.deb");
        assertThat(built.get(2).file().getFileName().toString())
                .matches("djddit-site-blue_20261101\\.120000\\.deb" + ItSupport.RELEASE + "\\+g[0-9a-f]{12}\\.[0-9a-f]{8}_all\\.deb");
        assertThat(ourFiles()).containsExactlyInAnyOrder(built.get(0).file().getFileName().toString(),
                built.get(0).file().getFileName() + ".sha256", built.get(1).file().getFileName().toString(),
                built.get(1).file().getFileName() + ".sha256", built.get(2).file().getFileName().toString(),
                built.get(2).file().getFileName() + ".sha256");
    }

    @Test
    void envPackageHoldsTheVirtualenvAndDependsOnItsPython() throws Exception {
        Path env = blue().get(0).file();
        String hash = field(env, "Package").substring("djddit-env-".length());
        BuildRoot root = BuildRoot.open(buildDir, ItSupport.SUITE, HOST, Console.NULL);
        String python = root.pythonVersion();
        List<String> contents = contents(env);

        assertThat(field(env, "Architecture")).isEqualTo(root.architecture());
        assertThat(field(env, "Depends")).startsWith("python3 (>= " + python + "), python3 (<< 3."
                + (Integer.parseInt(python.split("\\.")[1]) + 1) + "), libc6 (>= ");
        assertThat(contents).allMatch(line -> line.contains(" root/root "));
        assertThat(contents).anyMatch(line -> line.endsWith("./usr/lib/djddit-env/" + hash + "/bin/gunicorn"))
                .anyMatch(line -> line.contains("./usr/lib/djddit-env/" + hash + "/lib/python" + python
                        + "/site-packages/django/__init__.py"))
                .anyMatch(line -> line.endsWith("./usr/share/djddit-env/" + hash + "/requirements.txt"))
                .noneMatch(line -> line.contains("__pycache__") || line.endsWith(".pyc"));
        assertThat(contents).filteredOn(line -> line.endsWith("/bin/gunicorn")).allMatch(l -> l.startsWith("-rwxr-xr-x"));
        List<String> pyvenv = HOST.check(Command.of("sh", "-c", "dpkg-deb --fsys-tarfile " + env
                + " | tar -xOf - ./usr/lib/djddit-env/" + hash + "/pyvenv.cfg").quietly()).output();
        assertThat(pyvenv).contains("home = /usr/bin");
        assertThat(String.join("\n", contents)).doesNotContain(buildDir.path().toString());
    }

    @Test
    void srcPackageHoldsTheCommitAndNothingElse() throws Exception {
        Path src = blue().get(1).file();
        String hash = field(src, "Package").substring("djddit-src-".length());
        List<String> contents = contents(src);

        assertThat(field(src, "Architecture")).isEqualTo("all");
        assertThat(field(src, "Depends")).isEqualTo("python3");
        assertThat(contents).anyMatch(line -> line.startsWith("-rwxr-xr-x") && line.endsWith("/" + hash + "/manage.py"))
                .anyMatch(line -> line.endsWith("/" + hash + "/notes/static/notes/style.css"))
                .anyMatch(line -> line.endsWith("/" + hash + "/notes/tasks.py"))
                .noneMatch(line -> line.contains("/.git"));
        assertThat(contents).allMatch(line -> line.contains(" root/root ") && line.contains(" 2026-11-01 12:00 "));
    }

    @Test
    void lintianOfTheTargetSuiteFindsNoErrors(@TempDir Path scratch) throws Exception {
        Lintian.assertNoErrors(ItSupport.SUITE, scratch, blue().stream().map(BuiltPackage::file).toList());
    }

    @Test
    void everyPackageHasADataTarZstMember() throws Exception {
        for (BuiltPackage deb : blue()) {
            assertThat(HOST.check(Command.of("ar", "t", deb.file().toString()).quietly()).output()).as(deb.name())
                    .containsExactly("debian-binary", "control.tar.gz", "data.tar.zst");
        }
    }

    @Test
    void theOtherSuitesDpkgUnpacksEveryPackage(@TempDir Path target) throws Exception {
        List<BuiltPackage> blue = blue();
        String other = ItSupport.SUITE.equals("trixie") ? "bookworm" : "trixie";
        try {
            BuildRoot otherRoot = TargetRoot.unpack(target, other);
            Path env = blue.get(0).file();
            Path src = blue.get(1).file();
            Path site = blue.get(2).file();
            List<BindMount> packages = List.of(new BindMount(buildDir.packages(), "/run/packages", true));
            // The env is built for the build root's Python, so only unpacked here: this proves
            // that the other Debian's dpkg reads the packages, not that the env runs there.
            otherRoot.check(RootCommand.of("dpkg", "--unpack", "--force-depends", "/run/packages/" + env.getFileName(),
                    "/run/packages/" + src.getFileName(), "/run/packages/" + site.getFileName()).withBinds(packages)
                    .withTimeout(Duration.ofMinutes(5)));
            String envHash = field(env, "Package").substring("djddit-env-".length());
            String srcHash = field(src, "Package").substring("djddit-src-".length());

            assertThat(otherRoot.path().resolve("usr/lib/djddit-env/" + envHash + "/bin/gunicorn")).isRegularFile();
            assertThat(otherRoot.path().resolve("usr/lib/djddit-src/" + srcHash + "/manage.py")).isRegularFile();
            // Unpacked, not configured: dpkg keeps each conffile as .dpkg-new until configure.
            List<String> verify = otherRoot.check(RootCommand.of("dpkg", "--verify", "djddit-env-" + envHash,
                    "djddit-src-" + srcHash, "djddit-site-blue")).output();
            for (String line : verify) {
                java.util.regex.Matcher conffile = java.util.regex.Pattern.compile("missing +c (/\\S+)").matcher(line);
                assertThat(conffile.matches()).as("md5sums match the unpacked files: " + line).isTrue();
                assertThat(otherRoot.path().resolve(conffile.group(1).substring(1) + ".dpkg-new")).isRegularFile();
            }
        } finally {
            TargetRoot.remove(target);
        }
    }

    @Test
    void secondBuildReusesEveryPackage() throws Exception {
        byte[] site = Files.readAllBytes(blue().get(2).file());
        long start = System.nanoTime();
        List<BuiltPackage> built = build(null, new ItSupport.RecordingConsole());
        System.out.printf("[measure] second build of the same inputs: %.2f s%n", (System.nanoTime() - start) / 1e9);

        assertThat(built).extracting(BuiltPackage::reused).containsExactly(true, true, true);
        assertThat(Files.readAllBytes(built.get(2).file())).as("same inputs, same site package").isEqualTo(site);
        assertThat(built.get(2).file()).isEqualTo(find("site"));
    }

    @Test
    void srcPackageIsByteIdenticalWhenBuiltAgain() throws Exception {
        Path src = blue().get(1).file();
        byte[] first = Files.readAllBytes(src);
        Files.delete(src);

        build(null, new ItSupport.RecordingConsole());

        assertThat(Files.readAllBytes(find("src"))).isEqualTo(first);
    }

    @Test
    void twoBuildsAtOnceBuildTheEnvOnce() throws Exception {
        Files.delete(blue().get(0).file());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<BuiltPackage>>> results = pool.invokeAll(List.of(
                    () -> build(null, new ItSupport.RecordingConsole()),
                    () -> build(null, new ItSupport.RecordingConsole())));
            List<Boolean> envReused = List.of(results.get(0).get().get(0).reused(), results.get(1).get().get(0).reused());

            assertThat(envReused).containsExactlyInAnyOrder(true, false);
            assertThat(ourFiles()).filteredOn(name -> name.endsWith(".deb")).hasSize(3);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void twoProcessesAtOnceBuildEachPackageOnce() throws Exception {
        List<BuiltPackage> blue = blue();
        Files.delete(blue.get(0).file());
        Files.delete(blue.get(1).file());

        String output = buildAtOnce("blue", "blue");

        assertThat(output).contains("Waiting for another build that holds the lock");
        assertThat(ourFiles()).filteredOn(name -> name.endsWith(".deb")).hasSize(3);
    }

    @Test
    void twoProcessesWithDifferentVariantsAtOnceShareEnvAndSrc() throws Exception {
        List<BuiltPackage> blue = blue();
        Files.delete(blue.get(0).file());
        Files.delete(blue.get(1).file());

        try {
            String output = buildAtOnce("blue", "green");

            assertThat(output).contains("built " + SOFTWARE + "-site-green");
            assertThat(ourFiles()).filteredOn(name -> name.endsWith(".deb")).hasSize(4)
                    .anyMatch(name -> name.startsWith(SOFTWARE + "-site-green_"));
        } finally {
            // The other tests count this software's packages: blue's three.
            for (String name : ourFiles()) {
                if (name.startsWith(SOFTWARE + "-site-green_")) {
                    Files.delete(buildDir.packages().resolve(name));
                }
            }
        }
    }

    /**
     * Runs two builds of one variant each in JVMs of their own at once, asserts that both succeed
     * and that the env and src were built by one and reused by the other, and returns their output.
     */
    private static String buildAtOnce(String firstVariant, String secondVariant) throws Exception {
        Process first = new ProcessBuilder(BuildProcess.command("build", buildDir.path().toString(), SOFTWARE.value(),
                upstream.toString(), "-", firstVariant)).redirectErrorStream(true).start();
        Process second = new ProcessBuilder(BuildProcess.command("build", buildDir.path().toString(),
                SOFTWARE.value(), upstream.toString(), "-", secondVariant)).redirectErrorStream(true).start();
        String firstOutput = new String(first.getInputStream().readAllBytes());
        String secondOutput = new String(second.getInputStream().readAllBytes());

        assertThat(first.waitFor()).as(firstOutput).isZero();
        assertThat(second.waitFor()).as(secondOutput).isZero();
        List<String> results = Stream.concat(firstOutput.lines(), secondOutput.lines())
                .filter(line -> line.matches("(built|reused) djddit-(env|src)-[0-9a-f]{12}")).sorted().toList();
        assertThat(results).hasSize(4);
        assertThat(results).filteredOn(line -> line.startsWith("built ")).hasSize(2)
                .anyMatch(line -> line.contains("-env-")).anyMatch(line -> line.contains("-src-"));
        return firstOutput + secondOutput;
    }

    @Test
    void packagesInstallOnAFreshDebianAndImportTheProject(@TempDir Path target) throws Exception {
        try {
            installAndImport(TargetRoot.unpack(target));
        } finally {
            TargetRoot.remove(target);
        }
    }

    private static void installAndImport(BuildRoot server) throws Exception {
        List<BuiltPackage> blue = blue();
        Path env = blue.get(0).file();
        Path src = blue.get(1).file();
        String envDir = "/usr/lib/djddit-env/" + field(env, "Package").substring("djddit-env-".length());
        String srcDir = "/usr/lib/djddit-src/" + field(src, "Package").substring("djddit-src-".length());
        List<BindMount> packages = List.of(new BindMount(buildDir.packages(), "/run/packages", true));

        // The env depends on Debian's libpq5 (the example's venv-debian-requirements.txt).
        server.check(RootCommand.of("apt-get", "update").withTimeout(Duration.ofMinutes(5)));
        server.check(RootCommand.of("apt-get", "install", "--yes", "/run/packages/" + env.getFileName(),
                "/run/packages/" + src.getFileName()).withBinds(packages).withTimeout(Duration.ofMinutes(5))
                .withEnvironment(Map.of("DEBIAN_FRONTEND", "noninteractive")));
        CommandResult imported = server.check(RootCommand.of(envDir + "/bin/python", "-c",
                "import django; django.setup(); from notes.models import Note; from notes.tasks import process_note;"
                        + " import celery; print(django.get_version(), Note._meta.db_table, celery.__version__)")
                .withEnvironment(Map.of("PYTHONPATH", srcDir, "DJANGO_SETTINGS_MODULE", "mysite.settings",
                        "SECRET_KEY", "test")));

        assertThat(imported.output().get(imported.output().size() - 1)).matches("5\\.2\\.\\d+ notes_note \\d+\\.\\d+.*");
        assertThat(server.path().resolve(envDir.substring(1) + "/lib")).isDirectory();
        assertThat(server.run(RootCommand.of("sh", "-c", "find " + envDir + " " + srcDir
                + " -name __pycache__ | grep -q .")).exitCode()).as("postinst byte-compiled").isZero();

        server.check(RootCommand.of("dpkg", "--purge", "djddit-env-" + envDir.substring(envDir.lastIndexOf('/') + 1),
                "djddit-src-" + srcDir.substring(srcDir.lastIndexOf('/') + 1)));
        assertThat(server.path().resolve(envDir.substring(1))).doesNotExist();
        assertThat(server.path().resolve(srcDir.substring(1))).doesNotExist();
    }

    @Test
    void projectDebianPackagesReachTheRootAndTheRuntimeOnesTheDepends(@TempDir Path target) throws Exception {
        List<BuiltPackage> built = build("with-debian-packages", new ItSupport.RecordingConsole());
        BuildRoot root = BuildRoot.open(buildDir, ItSupport.SUITE, HOST, Console.NULL);
        try {
            assertThat(root.missingPackages(List.of("libpq-dev", "libpq5", "gettext-base"))).isEmpty();
            assertThat(field(built.get(0).file(), "Depends")).endsWith(", libpq5").doesNotContain("libpq-dev");
            assertThat(field(built.get(1).file(), "Depends")).isEqualTo("python3, gettext-base");
            theFirstAptRunRegistersTheEnvsLibrariesBeforeItsDependentsAreConfigured(built.get(0).file(), target);
        } finally {
            for (BuiltPackage extra : built) {
                Files.delete(extra.file());
                Files.delete(PackageChecksum.fileFor(extra.file()));
            }
        }
    }

    /**
     * On a fresh system one apt run brings the env and libpq5, and a package that depends on the
     * env loads libpq in its postinst, as the site's {@code manage.py check} does through psycopg:
     * libc-bin's deferred ldconfig trigger must have run by then.
     */
    private static void theFirstAptRunRegistersTheEnvsLibrariesBeforeItsDependentsAreConfigured(Path env, Path target)
            throws Exception {
        String envName = field(env, "Package");
        String python = "/usr/lib/djddit-env/" + envName.substring("djddit-env-".length()) + "/bin/python";
        Path probe = Files.createDirectories(target.resolve("probe/DEBIAN"));
        Files.writeString(probe.resolve("control"), "Package: djddit-probe\nVersion: 1\nArchitecture: all\n"
                + "Maintainer: djdd <djdd@example.org>\nDepends: " + envName + "\nDescription: loads libpq\n");
        Files.writeString(probe.resolve("postinst"), "#!/bin/sh\nset -e\n" + python + " -c 'import ctypes.util, sys;"
                + " sys.exit(0 if ctypes.util.find_library(\"pq\") else \"libpq is not registered yet\")'\n");
        Files.setPosixFilePermissions(probe.resolve("postinst"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path packages = Files.createDirectories(target.resolve("packages"));
        HOST.check(Command.of("dpkg-deb", "--build", "--root-owner-group", probe.getParent().toString(),
                packages.resolve("djddit-probe.deb").toString()).quietly());
        Files.copy(env, packages.resolve(env.getFileName()));
        try {
            BuildRoot server = TargetRoot.unpack(target);
            assertThat(server.missingPackages(List.of("libpq5"))).as("a fresh system").containsExactly("libpq5");
            Map<String, String> apt = Map.of("DEBIAN_FRONTEND", "noninteractive");
            List<BindMount> binds = List.of(new BindMount(packages, "/run/packages", true));
            server.check(RootCommand.of("apt-get", "update").withEnvironment(apt).withTimeout(Duration.ofMinutes(5)));
            CommandResult install = server.check(RootCommand.of("apt-get", "install", "--yes",
                    "--no-install-recommends", "/run/packages/" + env.getFileName(), "/run/packages/djddit-probe.deb")
                    .withEnvironment(apt).withBinds(binds).withTimeout(Duration.ofMinutes(10)));

            List<String> lines = install.output();
            int envConfigured = lines.indexOf("Setting up " + envName + " (1) ...");
            int ldconfig = IntStream.range(0, lines.size())
                    .filter(i -> lines.get(i).startsWith("Processing triggers for libc-bin")).findFirst().orElse(-1);
            int probeConfigured = lines.indexOf("Setting up djddit-probe (1) ...");
            assertThat(envConfigured).as("the env is configured").isNotNegative();
            assertThat(ldconfig).as("ldconfig runs after the env awaits it").isGreaterThan(envConfigured);
            assertThat(probeConfigured).as("the dependent is configured after ldconfig").isGreaterThan(ldconfig);
        } finally {
            TargetRoot.remove(target);
        }
    }

    @Test
    void missingRequirementsFileFailsAndLeavesNoPackage() throws Exception {
        List<String> before = ourFiles();

        assertThatThrownBy(() -> build("no-requirements", new ItSupport.RecordingConsole()))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("has no requirements.txt")
                .hasMessageContaining("<projectDir>");
        assertThat(ourFiles()).isEqualTo(before);
    }

    @Test
    void requirementPipCannotFindFailsWithPipsErrorAndLeavesNoPackage() throws Exception {
        List<String> before = ourFiles();

        assertThatThrownBy(() -> build("missing-pip-package", new ItSupport.RecordingConsole()))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("pip found no distribution of djdd-no-such-package==1.0 for Python "
                        + BuildRoot.open(buildDir, ItSupport.SUITE, HOST, Console.NULL).pythonVersion()
                        + " (the build root's, Debian " + ItSupport.SUITE + ") in the package index: check its name");
        assertThat(ourFiles()).isEqualTo(before);
        try (Stream<Path> envs = Files.list(buildDir.venvs(ItSupport.SUITE).resolve("djddit-env"))) {
            assertThat(envs.filter(Files::isDirectory).toList()).as("only complete envs unpacked for collectstatic")
                    .allMatch(env -> Files.isRegularFile(env.resolveSibling("." + env.getFileName() + ".djdd-package")));
        }
    }

    @Test
    void malformedRequirementLineFailsWithPipsError() throws Exception {
        List<String> before = ourFiles();

        assertThatThrownBy(() -> build("malformed", new ItSupport.RecordingConsole()))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("pip could not resolve requirements.txt")
                .hasMessageContaining("Invalid requirement: 'Django(5.2'");
        assertThat(ourFiles()).isEqualTo(before);
    }

    @Test
    void unknownDebianPackageIsNamedWithItsFile() throws Exception {
        List<String> before = ourFiles();

        assertThatThrownBy(() -> build("unknown-deb", new ItSupport.RecordingConsole()))
                .isInstanceOf(DjddException.class)
                .hasMessageContaining("Debian package 'djdd-no-such-debian-package' listed in"
                        + " venv-debian-requirements.txt or src-debian-requirements.txt does not exist");
        assertThat(ourFiles()).isEqualTo(before);
    }
}
