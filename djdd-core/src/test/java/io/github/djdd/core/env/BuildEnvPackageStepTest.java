package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.RecordingConsole;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.RecordingRoot;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.deb.DpkgDeb;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.store.PackageChecksum;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildEnvPackageStepTest {
    private static final Instant COMMIT_TIME = Instant.parse("2026-11-01T12:00:00Z");

    @TempDir
    Path dir;

    private RecordingRoot root;
    private BuildContext context;
    private Checkout checkout;

    @BeforeEach
    void projectWithRequirements() throws Exception {
        root = new RecordingRoot(dir.resolve("root"));
        context = root.context(dir.resolve("build"), new RecordingConsole());
        checkout = new Checkout(dir.resolve("checkout"), "");
        Files.createDirectories(checkout.root());
        Files.writeString(checkout.file("requirements.txt"), "Django==5.2\ngunicorn\n");
        Files.writeString(checkout.file("venv-debian-requirements.txt"), "libpq-dev libpq5\n");
    }

    private EnvPackage build() throws DjddException {
        PipOptions pip = PipOptions.of("https://pypi.example.com/simple", List.of(), List.of(), List.of(), List.of(),
                dir, Map.of());
        return new BuildEnvPackageStep(context, new SoftwareName("mysoftware"), checkout, pip, COMMIT_TIME).call();
    }

    @Test
    void buildsTheVirtualenvAtItsFinalPathWithPipFromTheConfiguredIndexAndEnsurepipWithoutDebiansWheel() throws Exception {
        EnvPackage env = build();

        String hash = "c872e0a9bb97"; // SPEC §4 over the requirements and "libpq-dev libpq5", python 3.11, bookworm
        String venv = "/usr/lib/mysoftware-env/" + hash;
        assertThat(env.layout()).isEqualTo(new EnvLayout(new SoftwareName("mysoftware"), hash));
        assertThat(root.lines()).filteredOn(line -> line.startsWith(venv + "/bin/python -m pip")).singleElement()
                .isEqualTo(venv + "/bin/python -m pip install --no-compile --disable-pip-version-check --no-input"
                        + " --progress-bar off --index-url https://pypi.example.com/simple"
                        + " --report /run/djdd/pip-report/report.json --requirement /run/djdd/checkout/requirements.txt");
        RootCommand pip = root.commands().stream().filter(c -> c.argv().contains("pip")).findFirst().orElseThrow();
        Path venvs = context.buildDir().venvs("bookworm").resolve("mysoftware-env");
        assertThat(pip.binds()).containsExactly(new BindMount(venvs, "/usr/lib/mysoftware-env", false),
                new BindMount(checkout.root(), "/run/djdd/checkout", true),
                new BindMount(context.buildDir().userCache().resolve("pip"), "/run/djdd/pip-cache", false),
                pip.binds().get(3));
        assertThat(pip.binds().get(3).target()).isEqualTo("/run/djdd/pip-report");
        assertThat(pip.environment()).containsEntry("PIP_CACHE_DIR", "/run/djdd/pip-cache");
        assertThat(root.lines()).startsWith("python3 -c 'import sys; print('\\''%d.%d'\\'' % sys.version_info[:2])'",
                "python3 -m venv " + venv);
        assertThat(root.lines()).contains("find " + venv + " -type f -name '*.so*' -exec strip --strip-unneeded '{}' +");
        // The virtualenv stays outside the root, in the build user's own folder, marked for collectstatic.
        assertThat(root.path().resolve(venv.substring(1))).doesNotExist();
        assertThat(venvs.resolve(hash).resolve("bin/gunicorn")).isRegularFile();
        assertThat(venvs.resolve(hash).resolve(".djdd-package")).content()
                .isEqualTo(PackageChecksum.recorded(env.deb().file()) + "\n");
    }

    @Test
    void aFailedBuildLeavesNoVirtualenv() {
        root.answer("/usr/lib/mysoftware-env/", command -> RecordingRoot.failure(1, "ERROR: Failed building wheel"));

        assertThatThrownBy(this::build).isInstanceOf(BuildFailedException.class);
        assertThat(root.lines()).anyMatch(line -> line.startsWith("python3 -m venv"));
        assertThat(context.buildDir().venvs("bookworm").resolve("mysoftware-env")).isEmptyDirectory();
    }

    @Test
    void requirementsWithoutGunicornFailBeforeThePackageIsWritten() {
        root.answer("python3 -m venv ", command -> {
            try {
                String venv = command.argv().get(command.argv().size() - 1);
                Files.createDirectories(root.hostPath(command, venv).resolve("bin"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return RecordingRoot.output();
        });

        assertThatThrownBy(this::build).isInstanceOf(BuildFailedException.class).hasMessage("requirements.txt"
                + " installs no gunicorn, which serves the site on the server: add gunicorn to requirements.txt.");
        assertThat(context.buildDir().packages().toFile().list()).isNullOrEmpty();
        assertThat(context.buildDir().venvs("bookworm").resolve("mysoftware-env")).isEmptyDirectory();
    }

    @Test
    void pipRunsFromDebiansWheelSoTheVirtualenvIsMadeWithoutEnsurepip() throws Exception {
        Path wheels = Files.createDirectories(root.path().resolve("usr/share/python-wheels"));
        for (String wheel : List.of("pip-9.0.1-py2.py3-none-any.whl", "pip-23.0.1-py3-none-any.whl",
                "pip-23.0-py3-none-any.whl", "setuptools-66.1.1-py3-none-any.whl")) {
            Files.createFile(wheels.resolve(wheel));
        }

        build();

        String venv = "/usr/lib/mysoftware-env/c872e0a9bb97";
        assertThat(root.lines()).contains("python3 -m venv --without-pip " + venv)
                .doesNotContain("python3 -m venv " + venv);
        assertThat(root.lines()).filteredOn(line -> line.contains(" install --no-compile ")).singleElement()
                .asString().startsWith(venv + "/bin/python /usr/share/python-wheels/pip-23.0.1-py3-none-any.whl/pip"
                        + " install --no-compile --disable-pip-version-check");
    }

    @Test
    void wheelVersionsCompareByNumber() {
        assertThat(Arrays.compare(BuildEnvPackageStep.wheelVersion("pip-25.0-py3-none-any.whl"),
                BuildEnvPackageStep.wheelVersion("pip-9.0.1-py3-none-any.whl"))).isPositive();
        assertThat(BuildEnvPackageStep.wheelVersion("pip-25.1.1rc1-py3-none-any.whl")).containsExactly(25, 1, 1);
    }

    @Test
    void packageDependsOnTheRootsPythonMinorLibcAndRuntimeLibraries() throws Exception {
        Path deb = build().deb().file();

        assertThat(DpkgDeb.field(deb, "Depends"))
                .isEqualTo("python3 (>= 3.11), python3 (<< 3.12), libc6 (>= 2.36), libpq5");
        assertThat(DpkgDeb.field(deb, "Architecture")).isEqualTo("amd64");
        assertThat(DpkgDeb.paths(deb)).contains("./usr/share/mysoftware-env/" + build().layout().hash()
                + "/requirements.txt");
    }

    @Test
    void anEnvWithRuntimeLibrariesAwaitsTheirRegistrationByLdconfig() throws Exception {
        Path deb = build().deb().file();
        Path control = Files.createDirectories(dir.resolve("control"));
        DpkgDeb.run("--control", deb, control);

        assertThat(control.resolve("triggers")).content().isEqualTo(BuildEnvPackageStep.AWAIT_LDCONFIG)
                .contains("\nactivate-await ldconfig\n");
        assertThat(Files.isExecutable(control.resolve("triggers"))).isFalse();
        Path files = Files.createDirectories(dir.resolve("files"));
        DpkgDeb.run("--extract", deb, files);
        assertThat(files.resolve("usr/share/lintian/overrides/mysoftware-env-" + build().layout().hash())).content()
                .contains("package-has-unnecessary-activation-of-ldconfig-trigger");
    }

    @Test
    void anEnvWithoutRuntimeLibrariesActivatesNoTrigger() throws Exception {
        Files.writeString(checkout.file("venv-debian-requirements.txt"), "libpq-dev\n");
        Path control = Files.createDirectories(dir.resolve("control"));

        DpkgDeb.run("--control", build().deb().file(), control);

        assertThat(control.resolve("triggers")).doesNotExist();
        assertThat(control.resolve("postinst")).isExecutable();
    }

    @Test
    void anExistingPackageIsReusedWithoutEnteringTheRootForPip() throws Exception {
        build();
        int before = root.commands().size();

        EnvPackage again = build();

        assertThat(again.deb().reused()).isTrue();
        assertThat(root.lines().subList(before, root.lines().size())).noneMatch(line -> line.contains("pip"));
    }

    @Test
    void aRequirementPipCannotInstallFailsTheBuildNamingTheFile() {
        root.answer("/usr/lib/mysoftware-env/", command -> RecordingRoot.failure(1,
                "ERROR: Failed building wheel for psycopg2"));

        assertThatThrownBy(this::build).isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("pip could not install requirements.txt (exit code 1): fix the requirement pip"
                        + " names below or the <pip> index settings.\nERROR: Failed building wheel for psycopg2");
        assertThat(context.buildDir().packages()).satisfiesAnyOf(packages -> assertThat(packages).doesNotExist(),
                packages -> assertThat(packages).isEmptyDirectory());
    }

    @Test
    void aRequirementWithoutADistributionForTheRootsPythonIsNamedWithPythonSuiteAndWaysOut() {
        root.answer("/usr/lib/mysoftware-env/", command -> RecordingRoot.failure(1,
                "ERROR: Could not find a version that satisfies the requirement psycopg2-binary==2.9.10 (from versions:"
                        + " none)", "ERROR: No matching distribution found for psycopg2-binary==2.9.10"));

        assertThatThrownBy(this::build).isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("pip found no distribution of psycopg2-binary==2.9.10 for Python 3.11 (the"
                        + " build root's, Debian bookworm) in the package index: check its name and version; when the"
                        + " index has only binary wheels"
                        + " of it for other Python versions, require a version with a source distribution and list"
                        + " the -dev packages it builds with in venv-debian-requirements.txt, use a pure-Python"
                        + " package instead (psycopg with libpq5 in venv-debian-requirements.txt rather than"
                        + " psycopg2-binary), or build for another suite (-Ddjdd.suite).\nERROR: Could not find");
    }

    @Test
    void aLostIndexIsToldAsAConnectionProblem() {
        root.answer("/usr/lib/mysoftware-env/", command -> RecordingRoot.failure(1,
                "  Failed to establish a new connection: [Errno 111] Connection refused"));

        assertThatThrownBy(this::build).isInstanceOf(DjddException.class).isNotInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("pip lost the connection to the package index (Failed to establish a new"
                        + " connection: [Errno 111] Connection refused): check the <pip> index settings");
    }
    @ParameterizedTest
    @ValueSource(strings = {
        "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection"
                + " broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at"
                + " 0x7f3c>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/django/",
        "pip._vendor.urllib3.exceptions.ProtocolError: ('Connection broken: IncompleteRead(1048576 bytes read,"
                + " 9437184 more expected)', IncompleteRead(1048576 bytes read, 9437184 more expected))",
        "WARNING: Retrying (Retry(total=4)) after connection broken by 'ProtocolError('Connection aborted.',"
                + " RemoteDisconnected('Remote end closed connection without response'))': /simple/celery/",
        "  Failed to establish a new connection: [Errno -3] Temporary failure in name resolution"})
    void pipsNetworkFailuresAreTold(String line) {
        assertThat(BuildEnvPackageStep.isNetworkFailure(line)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "ERROR: Could not find a version that satisfies the requirement djdd-no-such-package==1.0 (from versions: none)",
        "ERROR: No matching distribution found for djdd-no-such-package==1.0",
        "ERROR: Invalid requirement: 'Django(5.2': Expected end or semicolon"})
    void requirementFailuresAreNot(String line) {
        assertThat(BuildEnvPackageStep.isNetworkFailure(line)).isFalse();
    }
}
