package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.env.BuildEnvPackageStep;
import io.github.djdd.core.env.EnvPackage;
import io.github.djdd.core.env.PipOptions;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.workspace.BuildDir;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Envs from lock files, with no uv or Poetry on the build machine: uv.lock, pylock.toml (written
 * by {@code pip lock}), poetry.lock and a hashed requirements.txt of the example site's
 * dependencies, plus {@code exceptiongroup} for Pythons before 3.12 and a {@code dev} group, each
 * built for bookworm (Python 3.11) and trixie (3.13) in the real build roots. uv and Poetry's locks
 * name the files of a private index on loopback (a token in its URL); pip's lock names the test
 * index's files. The env's {@code pip freeze} must be what pip's own resolver chooses for that
 * Python, at the lock's versions; a hash an attacker changed in any format stops the build.
 */
class LockFilesIT {
    private static final SoftwareName SOFTWARE = new SoftwareName("djddlock");
    private static final Instant TIME = Instant.parse("2026-11-01T12:00:00Z");
    private static final String BOOKWORM = "bookworm";
    private static final String TRIXIE = "trixie";
    private static final List<String> DEPENDENCIES = List.of("Django>=5.2,<5.3", "gunicorn", "celery", "psycopg",
            "dj-database-url", "exceptiongroup>=1.2; python_full_version < '3.12'");
    private static final List<String> DEV = List.of("tomli-w");

    @TempDir
    static Path dir;

    private static BuildDir buildDir;
    private static PrivateIndex index;
    private static PipOptions indexPip;
    private static LockFiles.Project served;
    private static String pylock;
    /** What pip's resolver chooses on each suite's Python for the dependencies alone: normalized names. */
    private static final Map<String, List<String>> RESOLVED = new TreeMap<>();

    @BeforeAll
    static void locks() throws Exception {
        buildDir = ItSupport.buildDir();
        ItSupport.deletePackages(SOFTWARE.value(), name -> true);
        BuildRoot bookworm = ItSupport.cachedRoot(BOOKWORM);
        BuildRoot trixie = ItSupport.cachedRoot(TRIXIE);
        LockFiles.Project resolved = LockFiles.resolve(bookworm, dir, "mysite", DEPENDENCIES, DEV);
        // the files, and what building the project needs, on a private index
        Path files = Files.createDirectories(dir.resolve("index"));
        List<LockFiles.Locked> all = new ArrayList<>(resolved.locked());
        all.addAll(LockFiles.resolve(bookworm, dir.resolve("build"), "build", List.of("setuptools>=61"), List.of())
                .locked());
        for (LockFiles.Locked locked : all) {
            if (locked.url().startsWith("file:")) {
                Files.copy(Path.of(URI.create(locked.url())), files.resolve(locked.fileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        index = PrivateIndex.serve(files, "lock-token-" + ProcessHandle.current().pid());
        indexPip = PipOptions.of(index.url(), List.of(), List.of(), List.of(), List.of(), dir, Map.of());
        served = resolved.withUrls(url -> url.startsWith("file:") ? index.files() + url.substring(
                url.lastIndexOf('/') + 1) : url);
        pylock = LockFiles.pipLock(bookworm, dir, DEPENDENCIES);
        RESOLVED.put(BOOKWORM, names(LockFiles.resolve(bookworm, dir.resolve("expected"), "mysite", DEPENDENCIES,
                List.of())));
        RESOLVED.put(TRIXIE, names(LockFiles.resolve(trixie, dir.resolve("expected"), "mysite", DEPENDENCIES,
                List.of())));
    }

    @AfterAll
    static void stopTheIndex() {
        if (index != null) {
            index.close();
        }
    }

    private static List<String> names(LockFiles.Project project) {
        return project.locked().stream().map(LockFiles.Locked::key).sorted().toList();
    }

    private static final String PYPROJECT = """
            [project]
            name = "mysite"
            version = "0.1.0"
            requires-python = ">=3.11"
            dependencies = [%s]

            [dependency-groups]
            dev = [%s]
            """;

    private static String pyproject(List<String> dependencies, List<String> dev) {
        return PYPROJECT.formatted(quoted(dependencies), quoted(dev));
    }

    private static String quoted(List<String> values) {
        return String.join(", ", values.stream().map(value -> "\"" + value.replace("\"", "\\\"") + "\"").toList());
    }

    /** A project folder with these files, as a checkout. */
    private static Checkout project(String name, Map<String, String> files) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("projects").resolve(name));
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.createDirectories(folder.resolve(file.getKey()).getParent());
            Files.writeString(folder.resolve(file.getKey()), file.getValue());
        }
        return new Checkout(folder, "");
    }

    /** The project of {@code format} from {@code locks}, with its lock file (or hashed requirements). */
    private static Checkout project(String format, LockFiles.Project locks, String suffix) throws Exception {
        return project(format + suffix, switch (format) {
            case "uv.lock" -> Map.of("pyproject.toml", pyproject(DEPENDENCIES, DEV), "uv.lock",
                    LockFiles.uvLock(locks, index.url().replaceFirst("//[^@]*@", "//")));
            case "poetry.lock" -> Map.of("pyproject.toml", pyproject(DEPENDENCIES, DEV), "poetry.lock",
                    LockFiles.poetryLock(locks));
            case "pylock.toml" -> Map.of("pylock.toml", suffix.isEmpty() ? pylock : pylock.replace(
                    served.byName().get("django").sha256(), "0".repeat(64)));
            default -> Map.of("requirements.txt", LockFiles.hashedRequirements(locks));
        });
    }

    private static PipOptions pipFor(String format) throws Exception {
        return format.equals("pylock.toml") ? SampleProject.pip() : indexPip;
    }

    private static EnvPackage build(String suite, Checkout checkout, PipOptions pip, ItSupport.RecordingConsole console)
            throws DjddException {
        BuildRoot root = BuildRoot.open(buildDir, suite, new ProcessRunner(console), console);
        BuildContext context = new BuildContext(buildDir, root, new PackageSettings(DebControl.DEFAULT_MAINTAINER,
                Compression.GZIP, Optional.empty()), console);
        return new BuildEnvPackageStep(context, SOFTWARE, checkout, pip, TIME).call();
    }

    /** {@code pip freeze} of the env, run by its own python with the root's pip wheel: normalized name==version. */
    private static List<String> freeze(String suite, EnvPackage env) throws Exception {
        BuildRoot root = BuildRoot.open(buildDir, suite, new ProcessRunner(new ItSupport.RecordingConsole()),
                new ItSupport.RecordingConsole());
        String pipWheel;
        try (Stream<Path> wheels = Files.list(root.path().resolve("usr/share/python-wheels"))) {
            pipWheel = "/usr/share/python-wheels/" + wheels.map(path -> path.getFileName().toString())
                    .filter(wheel -> wheel.startsWith("pip-")).max(Comparator.naturalOrder()).orElseThrow();
        }
        return root.check(RootCommand.of(env.layout().python(), pipWheel + "/pip", "freeze",
                "--disable-pip-version-check").withBinds(List.of(env.layout().bind(buildDir, suite, true)))
                .quietly()).output().stream().map(String::strip).filter(line -> line.contains("=="))
                .map(line -> LockFiles.normalized(line.split("==")[0]) + "==" + line.split("==")[1]).sorted().toList();
    }

    static Stream<Arguments> formatsAndSuites() {
        List<Arguments> arguments = new ArrayList<>();
        for (String format : List.of("uv.lock", "pylock.toml", "poetry.lock", "requirements.txt")) {
            for (String suite : List.of(BOOKWORM, TRIXIE)) {
                arguments.add(Arguments.of(format, suite));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("formatsAndSuites")
    void eachFormatBuildsTheLockedSetForThePythonOfTheSuite(String format, String suite) throws Exception {
        ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();
        EnvPackage env = build(suite, project(format, served, ""), pipFor(format), console);

        // pip's lock is for the Python it ran on (3.11) and has no markers: the whole set everywhere
        List<String> names = format.equals("pylock.toml") ? RESOLVED.get(BOOKWORM) : RESOLVED.get(suite);
        Map<String, LockFiles.Locked> locked = served.byName();
        List<String> expected = names.stream().map(name -> name + "==" + locked.get(name).version()).sorted().toList();
        assertThat(freeze(suite, env)).as(format + " on " + suite).isEqualTo(expected);
        assertThat(expected).as("the marker of exceptiongroup").anyMatch(line -> line.startsWith("exceptiongroup==")
                == (suite.equals(BOOKWORM) || format.equals("pylock.toml")));
        assertThat(expected).as("the dev group stays out").noneMatch(line -> line.startsWith("tomli-w=="));

        String shared = "./usr/share/" + SOFTWARE + "-env/" + env.layout().hash() + "/";
        String requirements = DpkgDebFiles.text(env.deb().file(), shared + "requirements.txt");
        String django = locked.get("django").sha256();
        assertThat(requirements).as("the env's pinned requirements").contains("--hash=sha256:" + django);
        assertThat(DpkgDebFiles.text(env.deb().file(), shared + "sbom.cdx.json")).as("the SBOM's hash of Django")
                .contains(django);
    }

    static Stream<String> formats() {
        return Stream.of("uv.lock", "pylock.toml", "poetry.lock", "requirements.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void aHashAnAttackerChangedStopsTheBuildNamingTheFile(String format) throws Exception {
        ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();
        List<String> before = packages();

        assertThatThrownBy(() -> build(TRIXIE, project(format, served.tampered("django"), "-tampered"),
                pipFor(format), console))
                .isInstanceOf(DjddException.class)
                .hasMessageContaining(format)
                .hasMessageContaining("SHA-256")
                .hasMessageContaining("0".repeat(64));
        assertThat(packages()).as("no package").isEqualTo(before);
        assertThat(console.lines).as("a changed hash is another env").noneMatch(line -> line.startsWith("Reusing"));
    }

    @Test
    void aReformattedLockOrAChangedDevGroupKeepsTheEnvName() throws Exception {
        EnvPackage first = build(TRIXIE, project("uv.lock", served, ""), indexPip, new ItSupport.RecordingConsole());
        // the same packages written in another order, and another version of the dev group's package
        LockFiles.Project otherDev = new LockFiles.Project("mysite", DEPENDENCIES, DEV, reversed(served.locked()).stream().map(entry -> entry.key().equals("tomli-w") ? new LockFiles.Locked(entry.name(), "9.9",
                        entry.url().replace(entry.version(), "9.9"), "f".repeat(64), entry.requiresDist()) : entry)
                .toList());
        String lock = "# a comment uv would not write\n" + LockFiles.uvLock(otherDev, "http://elsewhere.example/simple")
                .replace("\n\n", "\n\n\n");
        ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();
        EnvPackage again = build(TRIXIE, project("uv-reformatted", Map.of("pyproject.toml",
                pyproject(DEPENDENCIES, DEV), "uv.lock", lock)), indexPip, console);

        assertThat(again.layout().hash()).isEqualTo(first.layout().hash());
        assertThat(console.lines).anyMatch(line -> line.startsWith("Reusing " + first.deb().file().getFileName()));
    }

    @Test
    void theProjectItselfIsBuiltOfflineInTheSandboxWhenAsked() throws Exception {
        String pyproject = pyproject(List.of("Django>=5.2,<5.3", "gunicorn"), List.of()) + """

                [build-system]
                requires = ["setuptools>=61"]
                build-backend = "setuptools.build_meta"

                [tool.setuptools]
                packages = ["mysite"]
                """;
        LockFiles.Project small = new LockFiles.Project("mysite", List.of("Django>=5.2,<5.3", "gunicorn"), List.of(),
                served.locked());
        Map<String, String> files = Map.of("pyproject.toml", pyproject, "mysite/__init__.py", "GREETING = 'hi'\n",
                "uv.lock", LockFiles.uvLock(small, "http://127.0.0.1/simple").replace("source = { virtual = \".\" }",
                        "source = { editable = \".\" }"));
        PipOptions pip = indexPip.withLock(null, List.of(), List.of(), true);
        ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();

        EnvPackage env = build(TRIXIE, project("installed", files), pip, console);

        assertThat(freeze(TRIXIE, env)).contains("mysite==0.1.0").anyMatch(line -> line.startsWith("django=="));
        BuildRoot root = BuildRoot.open(buildDir, TRIXIE, new ProcessRunner(console), console);
        assertThat(root.check(RootCommand.of(env.layout().python(), "-c", "import mysite; print(mysite.GREETING)")
                .withBinds(List.of(env.layout().bind(buildDir, TRIXIE, true))).quietly()).output()).contains("hi");

        // another commit of the project is another env; the same one is the same env
        Files.writeString(dir.resolve("projects/installed/mysite/__init__.py"), "GREETING = 'hello'\n");
        EnvPackage changed = build(TRIXIE, new Checkout(dir.resolve("projects/installed"), ""), pip, console);
        assertThat(changed.layout().hash()).isNotEqualTo(env.layout().hash());
    }

    @Test
    void badInputGetsOneSentenceNamingTheFile() throws Exception {
        String uv = LockFiles.uvLock(served, "http://127.0.0.1/simple");
        Map<String, Map<String, String>> cases = new TreeMap<>(Map.of(
                "newer-python", Map.of("pyproject.toml", pyproject(DEPENDENCIES, DEV), "uv.lock",
                        uv.replace("requires-python = \">=3.11\"", "requires-python = \">=3.12\""))));
        cases.put("lock-version", Map.of("pyproject.toml", pyproject(DEPENDENCIES, DEV), "uv.lock",
                uv.replaceFirst("version = 1\n", "version = 7\n")));
        cases.put("out-of-date", Map.of("pyproject.toml", pyproject(List.of("Django>=5.2,<5.3", "gunicorn", "redis"),
                DEV), "uv.lock", uv));
        cases.put("two-locks", Map.of("pyproject.toml", pyproject(DEPENDENCIES, DEV), "uv.lock", uv, "pylock.toml",
                pylock));
        cases.put("unhashed", Map.of("requirements.txt", LockFiles.hashedRequirements(served) + "tomli-w\n"));
        Map<String, String> sentences = Map.of(
                "newer-python", "uv.lock requires Python >=3.12, and the build root's is 3.11.2 (Debian bookworm): lock"
                        + " for that Python, or build for a suite whose Python the lock allows (-Ddjdd.suite).",
                "lock-version", "uv.lock has lock version 7, which djdd does not read (it reads 1): write the lock"
                        + " anew with a current uv, Poetry or pip, or give the project a requirements.txt.",
                "out-of-date", "uv.lock is out of date with pyproject.toml, which differs from it in redis: run"
                        + " 'uv lock' and commit the lock.",
                "two-locks", "The project has pylock.toml and uv.lock, and djdd builds from one lock: set"
                        + " <pip><lockFile> to the one the servers should get, or remove the other.",
                "unhashed", "requirements.txt has requirements without a pinned version and a --hash, which"
                        + " <pip><requireHashes> demands (tomli-w): pin each one with == and its hashes");
        List<String> before = packages();
        for (Map.Entry<String, Map<String, String>> bad : cases.entrySet()) {
            PipOptions pip = bad.getKey().equals("unhashed") ? indexPip.withRequireHashes(true) : indexPip;
            assertThatThrownBy(() -> build(BOOKWORM, project("bad-" + bad.getKey(), bad.getValue()), pip,
                    new ItSupport.RecordingConsole()))
                    .as(bad.getKey())
                    .isInstanceOf(BuildFailedException.class)
                    .hasMessageStartingWith(sentences.get(bad.getKey()).replace("3.11.2", pythonOf(BOOKWORM)));
        }
        assertThat(packages()).as("no package").isEqualTo(before);
    }

    private static String pythonOf(String suite) throws Exception {
        BuildRoot root = BuildRoot.open(buildDir, suite, new ProcessRunner(new ItSupport.RecordingConsole()),
                new ItSupport.RecordingConsole());
        return root.check(RootCommand.of("python3", "-c", "import platform; print(platform.python_version())")
                .quietly()).output().get(0).strip();
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static List<String> packages() throws Exception {
        try (Stream<Path> files = Files.list(buildDir.packages())) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.startsWith(SOFTWARE + "-"))
                    .sorted().toList();
        }
    }

    /** Files of a .deb as text, read with dpkg-deb. */
    private static final class DpkgDebFiles {
        static String text(Path deb, String member) throws Exception {
            return String.join("\n", new ProcessRunner(new ItSupport.RecordingConsole()).check(Command.of("sh", "-c",
                    "dpkg-deb --fsys-tarfile \"$1\" | tar -xOf - \"$2\"", "sh", deb.toString(), member).quietly())
                    .output());
        }
    }
}
