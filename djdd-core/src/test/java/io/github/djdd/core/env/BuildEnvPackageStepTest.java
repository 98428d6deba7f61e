package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.RecordingConsole;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.Isolation;
import io.github.djdd.core.buildroot.RecordingRoot;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.deb.DpkgDeb;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.process.Command;
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

    private Path wheels;
    private String gunicornSha;
    private String djangoSha;

    @BeforeEach
    void projectWithRequirements() throws Exception {
        root = new RecordingRoot(dir.resolve("root"));
        context = root.context(dir.resolve("build"), new RecordingConsole());
        checkout = new Checkout(dir.resolve("checkout"), "");
        Files.createDirectories(checkout.root());
        Files.writeString(checkout.file("requirements.txt"), "Django==5.2\ngunicorn\n");
        Files.writeString(checkout.file("venv-debian-requirements.txt"), "libpq-dev libpq5\n");
        wheels = Files.createDirectories(dir.resolve("wheels"));
        Files.writeString(wheels.resolve("gunicorn-26.2.0-py3-none-any.whl"), "gunicorn's wheel");
        Files.writeString(wheels.resolve("Django-5.2-py3-none-any.whl"), "Django's wheel");
        gunicornSha = PackageChecksum.sha256(wheels.resolve("gunicorn-26.2.0-py3-none-any.whl"));
        djangoSha = PackageChecksum.sha256(wheels.resolve("Django-5.2-py3-none-any.whl"));
        root.report(report(wheels.resolve("Django-5.2-py3-none-any.whl").toUri() + "", djangoSha));
    }

    /** pip's report of the two wheels, the first one as given. */
    private String report(String djangoUrl, String djangoHash) {
        return """
                {"version": "1", "install": [
                  {"download_info": {"url": "%s", "archive_info": {"hashes": {"sha256": "%s"}}},
                   "metadata": {"name": "Django", "version": "5.2", "summary": "A web framework"}},
                  {"download_info": {"url": "%s", "archive_info": {}},
                   "metadata": {"name": "gunicorn", "version": "26.2.0"}}]}
                """.formatted(djangoUrl, djangoHash, wheels.resolve("gunicorn-26.2.0-py3-none-any.whl").toUri());
    }

    private EnvPackage build() throws DjddException {
        return build(PipOptions.of(null, List.of(), List.of(wheels.toString()), List.of(), List.of(), dir,
                Map.of("PIP_NO_INDEX", "1")));
    }

    private EnvPackage build(PipOptions pip) throws DjddException {
        return new BuildEnvPackageStep(context, new SoftwareName("mysoftware"), checkout, pip, COMMIT_TIME).call();
    }

    private RootCommand resolve() {
        return root.commands().stream().filter(command -> command.argv().contains("--dry-run")).findFirst()
                .orElseThrow();
    }

    private RootCommand install() {
        return root.commands().stream().filter(command -> command.argv().get(0).equals("sh")).findFirst()
                .orElseThrow();
    }

    @Test
    void resolvesInTheSandboxThenInstallsExactlyTheDownloadedFilesOfflineAtTheFinalPath() throws Exception {
        EnvPackage env = build();

        String hash = "c872e0a9bb97"; // SPEC §4 over the requirements and "libpq-dev libpq5", python 3.11, bookworm
        String venv = "/usr/lib/mysoftware-env/" + hash;
        assertThat(env.layout()).isEqualTo(new EnvLayout(new SoftwareName("mysoftware"), hash));
        String pip = "/usr/share/python-wheels/pip-23.0.1-py3-none-any.whl/pip";
        assertThat(Command.join(resolve().argv())).isEqualTo("python3 " + pip + " install --dry-run --ignore-installed"
                + " --report /run/djdd/report/report.json --no-input --disable-pip-version-check --progress-bar off"
                + " --find-links " + wheels + " --requirement /run/djdd/checkout/requirements.txt");
        assertThat(resolve().isolation()).isEqualTo(Isolation.SANDBOX);
        assertThat(resolve().environment()).containsEntry("PIP_NO_CACHE_DIR", "1").containsEntry("PIP_NO_INDEX", "1");
        assertThat(resolve().binds()).extracting(BindMount::target).containsExactly("/run/djdd/checkout",
                "/run/djdd/report", wheels.toString());

        assertThat(install().isolation()).isEqualTo(Isolation.SANDBOX);
        Path venvs = context.buildDir().venvs("bookworm").resolve("mysoftware-env");
        assertThat(install().binds()).containsExactly(new BindMount(venvs.resolve(hash), venv, false),
                install().binds().get(1), new BindMount(checkout.root(), "/run/djdd/checkout", true),
                BindMount.sameReadOnly(wheels));
        assertThat(install().binds().get(1)).extracting(BindMount::target, BindMount::readOnly)
                .containsExactly("/run/djdd/downloads", true);
        assertThat(install().argv().get(2)).isEqualTo("set -e\n"
                + "python3 -m venv --without-pip " + venv + "\n"
                + venv + "/bin/python " + pip + " install --no-deps --no-input --no-compile --disable-pip-version-check"
                + " --progress-bar off --find-links /run/djdd/downloads --find-links " + wheels + " --no-index"
                + " --require-hashes --requirement /run/djdd/downloads/djdd-requirements.txt\n"
                + "find " + venv + " -name __pycache__ -type d -prune -exec rm -rf {} +\n"
                + "find " + venv + " -type f -name '*.so*' -exec strip --strip-unneeded {} +\n");
        // Each file kept by its hash; the virtualenv outside the root, marked beside it for collectstatic.
        assertThat(context.buildDir().cache().resolve("downloads/sha256").resolve(gunicornSha)).hasContent(
                "gunicorn's wheel");
        assertThat(context.buildDir().cache().resolve("downloads/sha256").resolve(djangoSha)).hasContent(
                "Django's wheel");
        assertThat(root.path().resolve(venv.substring(1))).doesNotExist();
        assertThat(venvs.resolve(hash).resolve("bin/gunicorn")).isRegularFile();
        assertThat(venvs.resolve("." + hash + ".djdd-package")).content()
                .isEqualTo(PackageChecksum.recorded(env.deb().file()) + "\n");
        Path files = Files.createDirectories(dir.resolve("files"));
        DpkgDeb.run("--extract", env.deb().file(), files);
        assertThat(files.resolve("usr/share/mysoftware-env/" + hash + "/" + EnvSbom.FILE)).content()
                .contains("pkg:pypi/django@5.2", djangoSha, "pkg:pypi/gunicorn@26.2.0", gunicornSha);
    }

    @Test
    void theOfflineInstallPinsEveryDownloadedFileByItsHash() throws Exception {
        root.answer("sh -c set -e\npython3 -m venv --without-pip ", command -> {
            try {
                Path downloads = root.hostPath(command, "/run/djdd/downloads");
                assertThat(downloads.resolve("djdd-requirements.txt")).content().isEqualTo("Django==5.2"
                        + " --hash=sha256:" + djangoSha + "\ngunicorn==26.2.0 --hash=sha256:" + gunicornSha + "\n");
                assertThat(downloads.resolve("gunicorn-26.2.0-py3-none-any.whl")).hasContent("gunicorn's wheel");
                Files.createDirectories(root.hostPath(command, "/usr/lib/mysoftware-env/c872e0a9bb97/bin"))
                        .resolve("gunicorn").toFile().createNewFile();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return RecordingRoot.output();
        });

        build();
    }

    @Test
    void aRemoteIndexIsReachedThroughDjddsProxyAndItsCredentialsStayOutOfTheRoot() throws Exception {
        build(PipOptions.of("https://deploy:s3cret@pypi.example.com/simple", List.of(), List.of(wheels.toString()),
                List.of(), List.of(), dir, Map.of("PIP_TIMEOUT", "60")));

        assertThat(resolve().isolation()).isEqualTo(Isolation.SANDBOX_WITH_LOOPBACK);
        assertThat(resolve().argv().subList(0, 2)).containsExactly("python3", "-c");
        assertThat(resolve().argv().get(2)).isEqualTo(IndexProxy.RELAY);
        assertThat(Command.join(resolve().argv())).containsPattern(" --index-url http://127.0.0.1:3141/[A-Za-z0-9_-]+/i0/ ");
        assertThat(resolve().binds()).extracting(BindMount::target).contains("/run/djdd/index");
        assertThat(Command.join(install().argv())).doesNotContain("--index-url").contains("--no-index");
        for (RootCommand command : root.commands()) {
            assertThat(Command.join(command.argv()) + command.environment()).doesNotContain("s3cret");
        }
    }

    @Test
    void aFileWhoseHashTheRequirementsDoNotAllowIsRefused() throws Exception {
        Files.writeString(checkout.file("requirements.txt"), "Django==5.2 --hash=sha256:" + "0".repeat(64)
                + "\ngunicorn==26.2.0 --hash=sha256:" + gunicornSha + "\n");

        assertThatThrownBy(this::build).isInstanceOf(BuildFailedException.class)
                .hasMessage(wheels.resolve("Django-5.2-py3-none-any.whl") + " for Django 5.2 has the SHA-256 " + djangoSha
                        + ", which requirements.txt does not allow (it gives " + "0".repeat(64) + "): the file changed"
                        + " since the hashes were written, or the index serves another file; check the index, or write"
                        + " the hashes anew.");
        assertThat(root.commands()).noneMatch(command -> command.argv().get(0).equals("sh"));
    }

    @Test
    void aFileWhoseBytesDoNotMatchTheHashPipReportedIsRefused() throws Exception {
        root.report(report(wheels.resolve("Django-5.2-py3-none-any.whl").toUri() + "", "1".repeat(64)));

        assertThatThrownBy(this::build).isInstanceOf(DjddException.class)
                .hasMessageStartingWith(wheels.resolve("Django-5.2-py3-none-any.whl") + " has the SHA-256 " + djangoSha
                        + ", not the " + "1".repeat(64));
    }

    @Test
    void aReportNamingAFileOutsideTheConfiguredFoldersIsRefused() throws Exception {
        Path secret = Files.writeString(dir.resolve("signing.key"), "secret");
        root.report(report(secret.toUri() + "", null).replace("\"null\"", "null"));

        assertThatThrownBy(this::build).isInstanceOf(BuildFailedException.class)
                .hasMessage("pip chose " + secret + " for Django 5.2, which is in none of the <pip> folders nor the"
                        + " repository: list the folder that holds it in <pip><findLinks>.");
        assertThat(context.buildDir().cache().resolve("downloads/sha256")).satisfiesAnyOf(
                folder -> assertThat(folder).doesNotExist(), folder -> assertThat(folder).isEmptyDirectory());
    }

    @Test
    void aReportTheSandboxReplacedWithALinkIsNotFollowed() throws Exception {
        Path secret = Files.writeString(dir.resolve("signing.key"), "{\"version\": \"1\", \"install\": []}");
        root.answer("python3 /usr/share/python-wheels/", command -> {
            try {
                Path report = root.hostPath(command, "/run/djdd/report/report.json");
                Files.delete(report);
                Files.createSymbolicLink(report, secret);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return RecordingRoot.output();
        });

        assertThatThrownBy(this::build).isInstanceOf(DjddException.class)
                .hasMessageStartingWith("Cannot read ").hasMessageContaining("report.json, which pip should have written");
    }

    @Test
    void aFailedBuildLeavesNoVirtualenv() {
        root.answer("sh -c", command -> RecordingRoot.failure(1, "ERROR: Failed building wheel"));

        assertThatThrownBy(this::build).isInstanceOf(BuildFailedException.class);
        assertThat(context.buildDir().venvs("bookworm").resolve("mysoftware-env")).isEmptyDirectory();
    }

    @Test
    void requirementsWithoutGunicornFailBeforeThePackageIsWritten() {
        root.answer("sh -c", command -> RecordingRoot.output());

        assertThatThrownBy(this::build).isInstanceOf(BuildFailedException.class).hasMessage("requirements.txt"
                + " installs no gunicorn, which serves the site on the server: add gunicorn to requirements.txt.");
        assertThat(context.buildDir().packages().toFile().list()).isNullOrEmpty();
        assertThat(context.buildDir().venvs("bookworm").resolve("mysoftware-env")).isEmptyDirectory();
    }

    @Test
    void pipRunsFromDebiansNewestWheel() throws Exception {
        Path wheels = root.path().resolve("usr/share/python-wheels");
        for (String wheel : List.of("pip-9.0.1-py2.py3-none-any.whl", "pip-25.1.1-py3-none-any.whl",
                "pip-25.0-py3-none-any.whl", "setuptools-66.1.1-py3-none-any.whl")) {
            Files.createFile(wheels.resolve(wheel));
        }

        build();

        assertThat(resolve().argv().get(1)).isEqualTo("/usr/share/python-wheels/pip-25.1.1-py3-none-any.whl/pip");
        assertThat(install().argv().get(2)).contains("/bin/python /usr/share/python-wheels/pip-25.1.1-py3-none-any.whl/pip"
                + " install");
    }

    @Test
    void aRootWithoutDebiansPipWheelIsSentToInit() throws Exception {
        Files.delete(root.path().resolve("usr/share/python-wheels/pip-23.0.1-py3-none-any.whl"));

        assertThatThrownBy(this::build).isInstanceOf(DjddException.class).hasMessage("The build root has no pip wheel"
                + " in " + root.path().resolve("usr/share/python-wheels") + " (Debian's python3-pip-whl, which"
                + " python3-venv brings): run 'mvn djdd:init -Ddjdd.suite=bookworm' (as root) to repair it.");
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
    void aRequirementPipCannotResolveFailsTheBuildNamingTheFile() {
        root.answer("python3 /usr/share/python-wheels/", command -> RecordingRoot.failure(1,
                "ERROR: Cannot install Django==5.2 and Django==5.1 because these package versions have conflicting"
                        + " dependencies."));

        assertThatThrownBy(this::build).isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("pip could not resolve requirements.txt (exit code 1): fix the requirement pip"
                        + " names below or the <pip> index settings.\nERROR: Cannot install Django==5.2");
        assertThat(context.buildDir().packages()).satisfiesAnyOf(packages -> assertThat(packages).doesNotExist(),
                packages -> assertThat(packages).isEmptyDirectory());
    }

    @Test
    void aRequirementPipCannotInstallFailsTheBuildNamingTheFile() {
        root.answer("sh -c", command -> RecordingRoot.failure(1, "ERROR: Failed building wheel for psycopg2"));

        assertThatThrownBy(this::build).isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("pip could not install the downloaded files of requirements.txt (exit code 1):"
                        + " fix the requirement pip names below.\nERROR: Failed building wheel for psycopg2");
        assertThat(context.buildDir().packages()).satisfiesAnyOf(packages -> assertThat(packages).doesNotExist(),
                packages -> assertThat(packages).isEmptyDirectory());
    }

    @Test
    void aRequirementWithoutADistributionForTheRootsPythonIsNamedWithPythonSuiteAndWaysOut() {
        root.answer("python3 /usr/share/python-wheels/", command -> RecordingRoot.failure(1,
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
        root.answer("python3 /usr/share/python-wheels/", command -> RecordingRoot.failure(1,
                "  Failed to establish a new connection: [Errno 111] Connection refused"));

        assertThatThrownBy(this::build).isInstanceOf(DjddException.class).isNotInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("pip lost the connection to the package index (Failed to establish a new"
                        + " connection: [Errno 111] Connection refused): check the <pip> index settings");
    }

    @Test
    void requireHashesAsksPipForHashesAndNamesTheRequirementsWithout() {
        root.answer("python3 /usr/share/python-wheels/", command -> RecordingRoot.failure(1,
                "ERROR: Hashes are required in --require-hashes mode, but they are missing from some requirements."
                        + " Here is a list of those requirements along with the hashes their downloaded archives"
                        + " actually had. You can add lines like these to your requirements file:",
                "    gunicorn==26.2.0 --hash=sha256:" + "a".repeat(64)));

        assertThatThrownBy(() -> build(PipOptions.of(null, List.of(), List.of(wheels.toString()), List.of(),
                List.of(), dir, Map.of("PIP_NO_INDEX", "1")).withRequireHashes(true)))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("requirements.txt has requirements without a pinned version and a --hash, which"
                        + " <pip><requireHashes> demands (gunicorn==26.2.0): pin each one with == and its hashes");
        assertThat(resolve().argv()).contains("--require-hashes");
    }

    @Test
    void aBuildThatNeedsTheNetworkIsToldSo() {
        root.answer("sh -c", command -> RecordingRoot.failure(1, "Building wheel for leftpad (pyproject.toml): started",
                "urllib.error.URLError: <urlopen error [Errno 101] Network is unreachable>"));

        assertThatThrownBy(this::build).isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("Building leftpad from its sdist tried to reach the network, which builds in"
                        + " djdd's sandbox cannot: require a version of leftpad that builds offline or has a wheel, or"
                        + " put what it downloads into the package index.");
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
