package io.github.djdd.core.env;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.buildroot.RootShell;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.checkout.DebianRequirements;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.deb.ByteCompile;
import io.github.djdd.core.deb.DebContent;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.DebWriter;
import io.github.djdd.core.deb.PackageDocs;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.step.Step;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds {@code {software}-env-{envhash}}: the project's requirements installed with pip into a
 * virtualenv made by the build root's python3 at its final path,
 * {@code /usr/lib/{software}-env/{envhash}} (shebangs and {@code pyvenv.cfg} hold that path).
 * The packages of {@code venv-debian-requirements.txt} must be in the root already
 * (the build installs them in its "Build root packages" step, before this one).
 */
public final class BuildEnvPackageStep implements Step<EnvPackage> {
    /** How pip (urllib3, requests) words a connection that failed or broke off. */
    /** pip's last word when no file of a requirement fits this Python and platform. */
    private static final Pattern NO_DISTRIBUTION = Pattern.compile("No matching distribution found for (\\S+)");
    private static final Pattern NETWORK_FAILURES = Pattern.compile("Failed to establish a new connection"
            + "|Connection refused|Connection reset by peer|Connection aborted|RemoteDisconnected|IncompleteRead"
            + "|Read timed out|Temporary failure in name resolution|Name or service not known"
            + "|No route to host|Network is unreachable");

    /** Where the checkout appears inside the root while pip runs. */
    static final String CHECKOUT = "/run/djdd/checkout";
    static final String PIP_CACHE = "/run/djdd/pip-cache";
    /** Where pip writes its installation report (the SBOM's source) inside the root. */
    static final String PIP_REPORT = "/run/djdd/pip-report";

    /** What lintian says of every virtualenv, and why that is right here. */
    static final Map<String, String> LINTIAN_OVERRIDES = Map.of(
            "wrong-path-for-interpreter", "A virtualenv's scripts run its own python by design.",
            "unusual-interpreter", "The virtualenv's python, or a wheel's script that names plain python.",
            "absolute-symlink-in-top-level-folder", "The virtualenv's python links to the system's python3.");

    /**
     * The runtime libraries come with the env (a first install brings them in the same apt run),
     * and libc-bin registers them in ld.so's cache only when its deferred ldconfig trigger runs.
     * Awaiting it keeps the env unconfigured until then, so dpkg runs the trigger before it
     * configures the site package, whose checks load the libraries ({@code find_library("pq")}).
     */
    static final String AWAIT_LDCONFIG = "# The site packages' checks load the runtime libraries: register them first.\n"
            + "activate-await ldconfig\n";

    /** Where Debian's python3-pip-whl puts pip's wheel. */
    static final String PIP_WHEELS = "/usr/share/python-wheels";

    private final BuildContext context;
    private final RootShell root;
    private final SoftwareName software;
    private final Checkout checkout;
    private final PipOptions pip;
    private final Instant commitTime;

    /** @param checkout the exported commit on the build host */
    public BuildEnvPackageStep(BuildContext context, SoftwareName software, Checkout checkout, PipOptions pip,
            Instant commitTime) {
        this.context = context;
        this.root = context.root();
        this.software = software;
        this.checkout = checkout;
        this.pip = pip;
        this.commitTime = commitTime;
    }

    @Override
    public EnvPackage call() throws DjddException {
        String python = root.pythonVersion();
        DebianRequirements debs = DebianRequirements.of(checkout, "venv-debian-requirements.txt");
        EnvLayout layout = new EnvLayout(software, RequirementsHash.of(checkout.file("requirements.txt"),
                checkout.root(), debs.lines(), python, root.suite()));
        return new EnvPackage(layout, context.store()
                .getOrBuild(layout.packageName(), () -> build(layout, debs, python)));
    }

    private Path build(EnvLayout layout, DebianRequirements debs, String python) throws DjddException {
        String venv = layout.installDir();
        Path hostVenv = layout.hostDir(context.buildDir(), root.suite());
        BindMount venvs = layout.bind(context.buildDir(), root.suite(), false);
        PackageSettings settings = context.packages();
        boolean built = false;
        Path reportDir = context.buildDir().workFolder("pip-report");
        try {
            BuildDir.deleteTree(hostVenv);
            Files.createDirectories(venvs.host());
            List<String> pipCommand = createVenv(venv, venvs);
            Files.createDirectories(reportDir);
            install(pipCommand, python, venvs, reportDir);
            // The site's units run gunicorn from the env: without it the site would fail only on the server.
            if (!Files.isRegularFile(hostVenv.resolve("bin/gunicorn"))) {
                throw new BuildFailedException(checkout.shown("requirements.txt") + " installs no gunicorn, which"
                        + " serves the site on the server: add gunicorn to " + checkout.shown("requirements.txt")
                        + ".");
            }
            byte[] report = Files.readAllBytes(reportDir.resolve("report.json"));
            root.check(RootCommand.of("find", venv, "-name", "__pycache__", "-type", "d", "-prune", "-exec", "rm",
                    "-rf", "{}", "+").withBinds(List.of(venvs)).quietly());
            // Debian ships shared objects stripped: smaller, and no build paths in debug sections.
            root.check(RootCommand.of("find", venv, "-type", "f", "-name", "*.so*", "-exec", "strip",
                    "--strip-unneeded", "{}", "+").withBinds(List.of(venvs)).quietly());
            List<String> depends = new ArrayList<>(List.of("python3 (>= " + python + ")",
                    "python3 (<< " + nextMinor(python) + ")", "libc6 (>= " + libcVersion() + ")"));
            depends.addAll(debs.runtime());
            DebControl control = new DebControl(layout.packageName(), "1", root.architecture(),
                    settings.maintainer(), depends, "python", "Python virtualenv " + layout.hash() + " of " + software,
                    List.of("The Python packages of " + software + "'s requirements.txt, installed with pip into"
                            + " the virtualenv " + venv + " for python " + python + " on Debian " + root.suite()
                            + ".", "Built by djdd; the site packages of " + software + " depend on it."));
            Instant time = settings.timestampFor(commitTime);
            List<DebContent> contents = new ArrayList<>(List.of(
                    new DebContent.Tree(hostVenv, venv),
                    DebContent.Data.text(layout.shareDir() + "/requirements.txt", readRequirements()),
                    new DebContent.Data(layout.shareDir() + "/" + EnvSbom.FILE, EnvSbom.of(report, layout,
                            control.description().get(0), time), 0644)));
            Map<String, String> scripts = new HashMap<>(ByteCompile.scripts(layout.python(), venv));
            Map<String, String> overrides = new HashMap<>(LINTIAN_OVERRIDES);
            if (!debs.runtime().isEmpty()) {
                scripts.put("triggers", AWAIT_LDCONFIG);
                overrides.put("package-has-unnecessary-activation-of-ldconfig-trigger", "The env's dependents need"
                        + " the libraries it depends on registered before they are configured.");
            }
            contents.addAll(PackageDocs.of(control, software.value(), "Virtualenv " + layout.hash() + " built by djdd.",
                    time, overrides));
            Path file = new DebWriter(context.console()).write(control, scripts, contents, time,
                    settings.compression(), context.buildDir().packages());
            // What the package holds stays for collectstatic, marked with the package's checksum.
            Files.writeString(layout.hostMarker(context.buildDir(), root.suite()),
                    PackageChecksum.recorded(file) + "\n", StandardCharsets.UTF_8);
            built = true;
            return file;
        } catch (IOException e) {
            throw new DjddException("Cannot prepare the virtualenv " + hostVenv + " (" + e.getMessage()
                    + "): check the build dir.", e);
        } finally {
            BuildDir.deleteQuietly(reportDir);
            if (!built) {
                BuildDir.deleteQuietly(hostVenv);
            }
        }
    }

    /** The upstream part of the root's libc6 version: wheels' C code links against it. */
    private String libcVersion() throws DjddException {
        List<String> output = root.check(RootCommand.of("dpkg-query", "--show", "--showformat", "${Version}\\n",
                "libc6").quietly()).output();
        return output.get(output.size() - 1).strip().replaceFirst("-[^-]*$", "");
    }

    /**
     * Creates the virtualenv and returns the command that runs pip for it. Debian's
     * {@code python3-venv} brings pip as a wheel ({@code /usr/share/python-wheels}); pip runs from
     * that wheel with the virtualenv's python, so the virtualenv is made without pip (ensurepip,
     * which installs pip into it, takes 3 s of a cold build) and ships without an installer.
     */
    private List<String> createVenv(String venv, BindMount venvs) throws DjddException {
        Optional<String> wheel = pipWheel();
        if (wheel.isEmpty()) {
            root.check(RootCommand.of("python3", "-m", "venv", venv).withBinds(List.of(venvs)));
            return List.of(venv + "/bin/python", "-m", "pip");
        }
        root.check(RootCommand.of("python3", "-m", "venv", "--without-pip", venv).withBinds(List.of(venvs)));
        return List.of(venv + "/bin/python", wheel.get() + "/pip");
    }

    /** The newest pip wheel of the root's {@code python3-pip-whl}, as a path inside the root. */
    private Optional<String> pipWheel() throws DjddException {
        Path wheels = root.path().resolve(PIP_WHEELS.substring(1));
        if (!Files.isDirectory(wheels)) {
            return Optional.empty();
        }
        try (var files = Files.list(wheels)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.startsWith("pip-") && name.endsWith(".whl"))
                    .max(Comparator.comparing(BuildEnvPackageStep::wheelVersion, Arrays::compare))
                    .map(name -> PIP_WHEELS + "/" + name);
        } catch (IOException e) {
            throw new DjddException("Cannot read the pip wheels of the build root in " + wheels + " ("
                    + e.getMessage() + "): run 'mvn djdd:init -Ddjdd.suite=" + root.suite() + "' (as root) to"
                    + " repair it.", e);
        }
    }

    /** The numeric parts of a wheel's version: pip-25.1.1-py3-none-any.whl gives [25, 1, 1]. */
    static int[] wheelVersion(String wheel) {
        return Arrays.stream(wheel.split("-")[1].split("\\.")).map(part -> part.replaceAll("[^0-9].*", ""))
                .mapToInt(part -> part.isEmpty() ? 0 : Integer.parseInt(part)).toArray();
    }

    private void install(List<String> pipCommand, String python, BindMount venvs, Path reportDir)
            throws DjddException {
        Path cache = context.buildDir().userCache().resolve("pip");
        try {
            Files.createDirectories(cache);
        } catch (IOException e) {
            throw new DjddException("Cannot create the pip cache " + cache + " (" + e.getMessage() + ")", e);
        }
        List<String> argv = new ArrayList<>(pipCommand);
        argv.addAll(List.of("install", "--no-compile", "--disable-pip-version-check", "--no-input", "--progress-bar",
                "off"));
        argv.addAll(pip.arguments());
        argv.addAll(List.of("--report", PIP_REPORT + "/report.json"));
        argv.addAll(List.of("--requirement", CHECKOUT + "/" + checkout.shown("requirements.txt")));
        Map<String, String> environment = new LinkedHashMap<>(pip.environment());
        environment.put("PIP_CACHE_DIR", PIP_CACHE);
        environment.put("PYTHONDONTWRITEBYTECODE", "1");
        List<BindMount> binds = new ArrayList<>(List.of(venvs, new BindMount(checkout.root(), CHECKOUT, true),
                new BindMount(cache, PIP_CACHE, false), new BindMount(reportDir, PIP_REPORT, false)));
        binds.addAll(pip.binds());
        CommandResult result = root.run(RootCommand.of(argv).withEnvironment(environment).withBinds(binds)
                .withTimeout(Duration.ofMinutes(60)));
        Optional<String> unreachable = result.output().stream().filter(BuildEnvPackageStep::isNetworkFailure)
                .findFirst();
        if (!result.succeeded() && unreachable.isPresent()) {
            throw new DjddException("pip lost the connection to the package index (" + unreachable.get().strip()
                    + "): check the <pip> index settings and that the build machine reaches them, then build again.\n"
                    + result.tail(25));
        }
        Optional<String> missing = result.output().stream().map(NO_DISTRIBUTION::matcher).filter(Matcher::find)
                .map(matcher -> matcher.group(1)).findFirst();
        if (!result.succeeded() && missing.isPresent()) {
            throw new BuildFailedException("pip found no distribution of " + missing.get() + " for Python " + python
                    + " (the build root's, Debian " + root.suite() + ") in the package index: check its name and"
                    + " version; when the index has only binary wheels of it for other Python versions, require a"
                    + " version with a source distribution and list the -dev packages it builds with in"
                    + " venv-debian-requirements.txt, use a pure-Python package instead (psycopg with libpq5 in"
                    + " venv-debian-requirements.txt rather than psycopg2-binary), or build for another suite"
                    + " (-Ddjdd.suite).\n" + result.tail(25));
        }
        if (!result.succeeded()) {
            throw new BuildFailedException("pip could not install " + checkout.shown("requirements.txt") + " (exit code "
                    + result.exitCode() + "): fix the requirement pip names below or the <pip> index settings.\n"
                    + result.tail(25));
        }
    }

    /** Whether a line of pip's output tells of a network failure rather than of a requirement. */
    static boolean isNetworkFailure(String line) {
        return NETWORK_FAILURES.matcher(line).find();
    }

    private String readRequirements() throws DjddException {
        try {
            return Files.readString(checkout.file("requirements.txt"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DjddException("Cannot read " + checkout.shown("requirements.txt") + " (" + e.getMessage() + ")", e);
        }
    }

    static String nextMinor(String python) {
        String[] parts = python.split("\\.");
        return parts[0] + "." + (Integer.parseInt(parts[1]) + 1);
    }
}
