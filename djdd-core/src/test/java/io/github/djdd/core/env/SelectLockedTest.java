package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock-reading script, run as djdd runs it (the build root's python3 with Debian's pip wheel),
 * here by this machine's python3 and its {@code python3-pip-whl}, which the build roots have too:
 * markers, groups, extras, forks and wheel tags decided by pip's own {@code packaging}; each
 * fault of a lock answered with its code.
 */
class SelectLockedTest {
    private static final String WHEEL_A = "sha256 = \"" + "a".repeat(64) + "\"";

    @TempDir
    Path dir;

    private Path script;

    @BeforeEach
    void script() throws Exception {
        script = dir.resolve("select-locked.py");
        try (InputStream in = LockedRequirements.class.getResourceAsStream("select-locked.py")) {
            Files.write(script, in.readAllBytes());
        }
    }

    /** Debian's pip wheel of this machine (python3-pip-whl), as the roots have it. */
    private static String pipWheel() throws Exception {
        try (Stream<Path> wheels = Files.list(Path.of(BuildEnvPackageStep.PIP_WHEELS))) {
            return wheels.filter(wheel -> wheel.getFileName().toString().startsWith("pip-"))
                    .max(Comparator.naturalOrder()).orElseThrow().toString();
        }
    }

    private Map<String, Object> select(String lockName, String lock, String pyproject, String groups, String extras)
            throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve(lockName), lock, StandardCharsets.UTF_8);
        if (pyproject != null) {
            Files.writeString(project.resolve("pyproject.toml"), pyproject, StandardCharsets.UTF_8);
        }
        Path output = dir.resolve("selection.json");
        Process process = new ProcessBuilder("/usr/bin/python3", script.toString(), pipWheel(),
                project.resolve(lockName).toString(), project.resolve("pyproject.toml").toString(), output.toString(),
                groups, extras).redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(printed).isZero();
        return JSON.std.mapFrom(Files.readString(output));
    }

    @SuppressWarnings("unchecked")
    private static List<String> chosen(Map<String, Object> selection) {
        assertThat(selection).as("no error").doesNotContainKey("error");
        return ((List<Map<String, Object>>) selection.get("distributions")).stream()
                .map(entry -> entry.get("name") + "==" + entry.get("version")).toList();
    }

    private static String uvPackage(String name, String version, String dependencies) {
        return """

                [[package]]
                name = "%s"
                version = "%s"
                source = { registry = "https://pypi.org/simple" }
                %s
                wheels = [
                    { url = "https://files.example.org/%s-%s-py3-none-any.whl", hash = "sha256:%s", size = 10 },
                ]
                """.formatted(name, version, dependencies, name.replace('-', '_'), version,
                Integer.toHexString(name.hashCode() & 0xfff).repeat(64).substring(0, 64));
    }

    private static final String UV_ROOT = """
            version = 1
            revision = 3
            requires-python = ">=3.9"

            [[package]]
            name = "mysite"
            version = "0.1.0"
            source = { virtual = "." }
            dependencies = [
                { name = "django" },
                { name = "oldonly", marker = "python_full_version < '3.0'" },
            ]

            [package.optional-dependencies]
            postgres = [
                { name = "psycopg" },
            ]

            [package.dev-dependencies]
            dev = [
                { name = "pytest" },
            ]

            [package.metadata]
            requires-dist = [
                { name = "django", specifier = ">=5.2" },
                { name = "oldonly", marker = "python_full_version < '3.0'" },
                { name = "psycopg", marker = "extra == 'postgres'" },
            ]
            provides-extras = ["postgres"]

            [package.metadata.requires-dev]
            dev = [{ name = "pytest" }]
            """;

    private static final String UV_PYPROJECT = """
            [project]
            name = "mysite"
            version = "0.1.0"
            requires-python = ">=3.9"
            dependencies = ["django>=5.2", "oldonly; python_full_version < '3.0'"]

            [project.optional-dependencies]
            postgres = ["psycopg"]

            [dependency-groups]
            dev = ["pytest"]
            """;

    private static String uvLock() {
        return UV_ROOT + uvPackage("django", "5.2.1", "dependencies = [{ name = \"asgiref\" }]")
                + uvPackage("asgiref", "3.9.1", "") + uvPackage("oldonly", "1.0", "")
                + uvPackage("psycopg", "3.2.0", "") + uvPackage("pytest", "8.0.0", "");
    }

    @Test
    void uvInstallsTheProjectsDependenciesWhoseMarkersHoldAndNoGroupByDefault() throws Exception {
        assertThat(chosen(select("uv.lock", uvLock(), UV_PYPROJECT, "", "")))
                .containsExactly("asgiref==3.9.1", "django==5.2.1");
    }

    @Test
    void uvAddsTheGroupsAndExtrasAskedFor() throws Exception {
        assertThat(chosen(select("uv.lock", uvLock(), UV_PYPROJECT, "dev", "postgres")))
                .containsExactly("asgiref==3.9.1", "django==5.2.1", "psycopg==3.2.0", "pytest==8.0.0");
    }

    @Test
    void uvNamesAGroupTheLockDoesNotHave() throws Exception {
        assertThat(select("uv.lock", uvLock(), UV_PYPROJECT, "docs", ""))
                .containsEntry("error", "no-group").containsEntry("group", "docs");
    }

    @Test
    void uvTellsALockOutOfDateWithPyproject() throws Exception {
        assertThat(select("uv.lock", uvLock(), UV_PYPROJECT.replace("\"django>=5.2\",", "\"django>=5.2\", \"celery\","),
                "", "")).containsEntry("error", "out-of-date").containsEntry("names", List.of("celery"));
    }

    @Test
    void uvTakesTheForkWhoseResolutionMarkersHold() throws Exception {
        String forked = UV_ROOT.replace("{ name = \"django\" },", "{ name = \"django\" },\n    { name = \"numpy\" },")
                .replace("{ name = \"django\", specifier = \">=5.2\" },", "{ name = \"django\", specifier = \">=5.2\" },"
                        + "\n    { name = \"numpy\" },")
                + uvPackage("django", "5.2.1", "") + uvPackage("numpy", "1.0.0",
                        "resolution-markers = [\"python_full_version < '3.0'\"]")
                + uvPackage("numpy", "2.0.0", "resolution-markers = [\"python_full_version >= '3.0'\"]");
        assertThat(chosen(select("uv.lock", forked, UV_PYPROJECT.replace("\"django>=5.2\",",
                "\"django>=5.2\", \"numpy\","), "", ""))).containsExactly("django==5.2.1", "numpy==2.0.0");
    }

    @Test
    void uvOfAnotherVersionIsRefused() throws Exception {
        assertThat(select("uv.lock", uvLock().replace("version = 1\n", "version = 2\n"), UV_PYPROJECT, "", ""))
                .containsEntry("error", "lock-version").containsEntry("found", "2");
    }

    @Test
    void pylockAsPipWritesItIsTakenWhole() throws Exception {
        String lock = """
                lock-version = "1.0"
                created-by = "pip"

                [[packages]]
                name = "django"
                version = "5.2.17"

                [[packages.wheels]]
                name = "django-5.2.17-py3-none-any.whl"
                url = "file:///opt/pypi/files/django-5.2.17-py3-none-any.whl"

                [packages.wheels.hashes]
                %s

                [[packages]]
                name = "windowsonly"
                version = "1.0"
                marker = "sys_platform == 'win32'"
                sdist = { name = "windowsonly-1.0.tar.gz", url = "https://example.org/windowsonly-1.0.tar.gz", hashes = { %s } }
                """.formatted(WHEEL_A, WHEEL_A);
        Map<String, Object> selection = select("pylock.toml", lock, null, "", "");
        assertThat(chosen(selection)).containsExactly("django==5.2.17");
    }

    @Test
    void pylockWithOnlyAWheelForAnotherPythonHasNothingHere() throws Exception {
        String lock = """
                lock-version = "1.0"
                created-by = "uv"

                [[packages]]
                name = "compiled"
                version = "1.0"
                wheels = [{ name = "compiled-1.0-cp27-cp27m-manylinux1_x86_64.whl", url = "https://example.org/c.whl", hashes = { %s } }]
                """.formatted(WHEEL_A);
        assertThat(select("pylock.toml", lock, null, "", "")).containsEntry("error", "no-file")
                .containsEntry("package", "compiled");
    }

    @Test
    void pylockForAnotherPythonIsRefused() throws Exception {
        assertThat(select("pylock.toml", "lock-version = \"1.0\"\nrequires-python = \">=4\"\n", null, "", ""))
                .containsEntry("error", "requires-python").containsEntry("specifier", ">=4");
    }

    @Test
    void pylockOfAnotherMajorVersionIsRefused() throws Exception {
        assertThat(select("pylock.toml", "lock-version = \"2.0\"\n", null, "", "")).containsEntry("error",
                "lock-version");
    }

    @Test
    void aFileWithoutItsHashIsRefused() throws Exception {
        String lock = """
                lock-version = "1.0"

                [[packages]]
                name = "django"
                version = "5.2.17"
                wheels = [{ name = "django-5.2.17-py3-none-any.whl", url = "https://example.org/d.whl" }]
                """;
        assertThat(select("pylock.toml", lock, null, "", "")).containsEntry("error", "no-hash")
                .containsEntry("package", "django");
    }

    @Test
    void pylockGroupsAndExtrasDecideItsMarkers() throws Exception {
        String lock = """
                lock-version = "1.0"
                dependency-groups = ["dev"]
                extras = ["postgres"]

                [[packages]]
                name = "pytest"
                version = "8.0.0"
                marker = "'dev' in dependency_groups"
                wheels = [{ name = "pytest-8.0.0-py3-none-any.whl", url = "https://example.org/p.whl", hashes = { %s } }]

                [[packages]]
                name = "psycopg"
                version = "3.2.0"
                marker = "'postgres' in extras"
                wheels = [{ name = "psycopg-3.2.0-py3-none-any.whl", url = "https://example.org/q.whl", hashes = { %s } }]
                """.formatted(WHEEL_A, WHEEL_A);
        assertThat(chosen(select("pylock.toml", lock, null, "", ""))).isEmpty();
        assertThat(chosen(select("pylock.toml", lock, null, "dev", "postgres")))
                .containsExactly("pytest==8.0.0", "psycopg==3.2.0");
    }

    private static final String POETRY = """
            # This file is automatically @generated by Poetry 2.1.3 and should not be changed by hand.

            [[package]]
            name = "django"
            version = "5.2.17"
            description = "A high-level Python web framework."
            optional = false
            python-versions = ">=3.10"
            groups = ["main"]
            files = [
                {file = "django-5.2.17-py3-none-any.whl", hash = "sha256:%1$s"},
                {file = "django-5.2.17.tar.gz", hash = "sha256:%1$s"},
            ]

            [[package]]
            name = "exceptiongroup"
            version = "1.3.1"
            description = "Backport of PEP 654 (exception groups)"
            optional = false
            python-versions = ">=3.7"
            groups = ["main"]
            markers = "python_version < \\"3.0\\""
            files = [
                {file = "exceptiongroup-1.3.1-py3-none-any.whl", hash = "sha256:%1$s"},
            ]

            [[package]]
            name = "pytest"
            version = "8.0.0"
            description = "pytest: simple powerful testing with Python"
            optional = false
            python-versions = ">=3.8"
            groups = ["dev"]
            files = [
                {file = "pytest-8.0.0-py3-none-any.whl", hash = "sha256:%1$s"},
            ]

            [metadata]
            lock-version = "2.1"
            python-versions = ">=3.10"
            content-hash = "0000"
            """.formatted("b".repeat(64));

    @Test
    void poetryInstallsTheMainGroupWhoseMarkersHold() throws Exception {
        Map<String, Object> selection = select("poetry.lock", POETRY, null, "", "");
        assertThat(chosen(selection)).containsExactly("django==5.2.17");
        assertThat(chosen(select("poetry.lock", POETRY, null, "dev", ""))).containsExactly("django==5.2.17",
                "pytest==8.0.0");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWheelComesBeforeTheSdist() throws Exception {
        Map<String, Object> django = ((List<Map<String, Object>>) select("poetry.lock", POETRY, null, "", "")
                .get("distributions")).get(0);
        assertThat(((List<Map<String, Object>>) django.get("files")).stream().map(file -> file.get("name")))
                .containsExactly("django-5.2.17-py3-none-any.whl", "django-5.2.17.tar.gz");
    }

    @Test
    void poetryOfAnOlderLockVersionIsRefused() throws Exception {
        assertThat(select("poetry.lock", POETRY.replace("lock-version = \"2.1\"", "lock-version = \"1.1\""), null,
                "", "")).containsEntry("error", "lock-version").containsEntry("found", "1.1");
    }

    @Test
    void aBrokenTomlFileIsNamedSo() throws Exception {
        assertThat(select("uv.lock", "version = = 1\n", null, "", "")).containsEntry("error", "toml");
    }
}
