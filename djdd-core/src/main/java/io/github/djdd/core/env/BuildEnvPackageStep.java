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
import io.github.djdd.core.env.LockedRequirements.Selection;
import io.github.djdd.core.naming.Names;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.step.Step;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds {@code {software}-env-{envhash}}: the project's requirements installed with pip into a
 * virtualenv made by the build root's python3 at its final path,
 * {@code /usr/lib/{software}-env/{envhash}} (shebangs and {@code pyvenv.cfg} hold that path).
 * The packages of {@code venv-debian-requirements.txt} must be in the root already
 * (the build installs them in its "Build root packages" step, before this one).
 */
public final class BuildEnvPackageStep implements Step<EnvPackage> {
    /** pip's last word when no file of a requirement fits this Python and platform. */
    static final Pattern NO_DISTRIBUTION = Pattern.compile("No matching distribution found for (\\S+)");
    /** pip's line when it starts building a wheel from an sdist. */
    private static final Pattern BUILDING = Pattern.compile("Building wheel for (\\S+)");
    /** How pip (urllib3, requests) words a connection that failed or broke off. */
    private static final Pattern NETWORK_FAILURES = Pattern.compile("Failed to establish a new connection"
            + "|Connection refused|Connection reset by peer|Connection aborted|RemoteDisconnected|IncompleteRead"
            + "|Read timed out|Temporary failure in name resolution|Name or service not known"
            + "|No route to host|Network is unreachable");

    /** The requirements file of the offline install, which pins each downloaded file by its hash. */
    private static final String PINNED = "djdd-requirements.txt";

    /** Where the sandbox builds the project's wheel. */
    private static final String PROJECT_WHEEL = "/tmp/djdd-project-wheel";

    /** Where the checkout appears inside the root while pip runs. */
    static final String CHECKOUT = "/run/djdd/checkout";

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
        LockInput input = LockInput.of(checkout, pip.lock());
        if (input.requirements()) {
            EnvLayout layout = new EnvLayout(software, RequirementsHash.of(checkout.file(input.file()),
                    checkout.root(), debs.lines(), python, root.suite()));
            return new EnvPackage(layout, context.store().getOrBuild(layout.packageName(),
                    () -> build(layout, debs, python, input, null)));
        }
        Path selecting = context.buildDir().workFolder("env-lock");
        try {
            Selection selection = new LockedRequirements(context, checkout, pip, pipWheel(), input).select(selecting);
            List<String> lines = new ArrayList<>(selection.hashLines());
            if (pip.lock().installProject()) {
                if (selection.project().isEmpty()) {
                    throw new BuildFailedException("<pip><installProject> installs the project from its"
                            + " pyproject.toml, and " + checkout.shown("pyproject.toml") + " has no [project] with a"
                            + " name: add one, or set <installProject>false</installProject>.");
                }
                lines.add("# project " + selection.project().get() + " " + RequirementsHash.treeDigest(
                        checkout.file(".")));
            }
            EnvLayout layout = new EnvLayout(software, RequirementsHash.hash(lines, debs.lines(), python,
                    root.suite()));
            return new EnvPackage(layout, context.store().getOrBuild(layout.packageName(),
                    () -> build(layout, debs, python, input, selection)));
        } finally {
            BuildDir.deleteQuietly(selecting);
        }
    }

    /** @param selection what the lock installs here, or null for a requirements file */
    private Path build(EnvLayout layout, DebianRequirements debs, String python, LockInput input, Selection selection)
            throws DjddException {
        String venv = layout.installDir();
        Path hostVenv = layout.hostDir(context.buildDir(), root.suite());
        PackageSettings settings = context.packages();
        boolean built = false;
        Path work = context.buildDir().workFolder("env-" + layout.hash());
        String shown = checkout.shown(input.file());
        try {
            BuildDir.deleteTree(hostVenv);
            BuildDir.deleteTree(work);
            Files.createDirectories(hostVenv);
            Files.createDirectories(work);
            root.shareWithSandbox(hostVenv);
            String pipWheel = pipWheel();
            Path downloads = work.resolve("downloads");
            ResolveRequirements resolver = new ResolveRequirements(context, checkout, pip, pipWheel, input.file());
            List<Distribution> distributions;
            boolean project = selection != null && pip.lock().installProject();
            if (selection == null) {
                distributions = resolver.resolve(work, downloads);
            } else {
                distributions = new LockedRequirements(context, checkout, pip, pipWheel, input).download(selection,
                        downloads);
                List<String> sdists = distributions.stream().filter(Distribution::sdist)
                        .map(distribution -> ResolveRequirements.DOWNLOADS_IN_ROOT + "/" + distribution.fileName())
                        .toList();
                if ((project || !sdists.isEmpty()) && pip.locations().stream().anyMatch(PipOptions.Location::remote)) {
                    resolver.prepareBuilds(work.resolve("builds"), downloads, sdists, project);
                }
            }
            String pinned = distributions.stream().filter(distribution -> !distribution.folder())
                    .map(distribution -> distribution.pinned() + "\n").sorted(Names::compareCodePoints)
                    .collect(Collectors.joining());
            Files.writeString(downloads.resolve(PINNED), pinned, StandardCharsets.UTF_8);
            install(layout, distributions, pipWheel, hostVenv, downloads, project ? selection.project() : Optional.empty(),
                    resolver.copyProject(), shown);
            // The site's units run gunicorn from the env: without it the site would fail only on the server.
            if (!Files.isRegularFile(hostVenv.resolve("bin/gunicorn"), LinkOption.NOFOLLOW_LINKS)) {
                throw new BuildFailedException(shown + " installs no gunicorn, which serves the site on the server:"
                        + " add gunicorn to " + (input.requirements() ? shown : "the project's dependencies and lock"
                        + " it anew") + ".");
            }
            List<String> depends = new ArrayList<>(List.of("python3 (>= " + python + ")",
                    "python3 (<< " + nextMinor(python) + ")", "libc6 (>= " + libcVersion() + ")"));
            depends.addAll(debs.runtime());
            DebControl control = new DebControl(layout.packageName(), "1", root.architecture(),
                    settings.maintainer(), depends, "python", "Python virtualenv " + layout.hash() + " of " + software,
                    List.of("The Python packages of " + software + "'s " + input.file() + ", installed with pip"
                            + " into the virtualenv " + venv + " for python " + python + " on Debian " + root.suite()
                            + ".", "Built by djdd; the site packages of " + software + " depend on it."));
            Instant time = settings.timestampFor(commitTime);
            List<DebContent> contents = new ArrayList<>(List.of(
                    new DebContent.Tree(hostVenv, venv),
                    new DebContent.Data(layout.shareDir() + "/" + EnvSbom.FILE, EnvSbom.of(distributions, layout,
                            control.description().get(0), time), 0644)));
            // a lock's env is the set it installs here (SPEC section 4): the same for every lock that gives that set
            contents.add(DebContent.Data.text(layout.shareDir() + "/requirements.txt", input.requirements()
                    ? read(input.file()) : pinned));
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
            // What the package holds stays for collectstatic, marked with the package's checksum beside the
            // virtualenv (which the sandbox wrote, so root writes nothing inside it).
            Path marker = layout.hostMarker(context.buildDir(), root.suite());
            Path partial = marker.resolveSibling(marker.getFileName() + ".partial");
            Files.deleteIfExists(partial);
            Files.writeString(partial, PackageChecksum.recorded(file) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.move(partial, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            built = true;
            return file;
        } catch (IOException e) {
            throw new DjddException("Cannot prepare the virtualenv " + hostVenv + " (" + e.getMessage()
                    + "): check the build dir.", e);
        } finally {
            BuildDir.deleteQuietly(work);
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
     * The newest pip wheel of the root's {@code python3-pip-whl} (which {@code python3-venv} brings),
     * as a path inside the root: pip runs from it with the virtualenv's python, so the virtualenv is
     * made without pip (ensurepip would take 3 s of a cold build) and ships without an installer.
     */
    private String pipWheel() throws DjddException {
        Path wheels = root.path().resolve(PIP_WHEELS.substring(1));
        try (Stream<Path> files = Files.isDirectory(wheels) ? Files.list(wheels) : Stream.empty()) {
            Optional<String> newest = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.startsWith("pip-") && name.endsWith(".whl"))
                    .max(Comparator.comparing(BuildEnvPackageStep::wheelVersion, Arrays::compare));
            if (newest.isEmpty()) {
                throw new DjddException("The build root has no pip wheel in " + wheels + " (Debian's python3-pip-whl,"
                        + " which python3-venv brings): run 'mvn djdd:init -Ddjdd.suite=" + root.suite() + "' (as"
                        + " root) to repair it.");
            }
            return PIP_WHEELS + "/" + newest.get();
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

    /**
     * Makes the virtualenv and installs exactly the downloaded files into it, in the sandbox and
     * without network: {@code --no-deps --require-hashes} on one line per file with its SHA-256, so
     * pip resolves nothing again and installs no other bytes (an sdist's build requirements come
     * from the downloads and the local locations too); then the project folders the requirements
     * name, if any; then removes byte-code and strips shared objects, as Debian ships them.
     */
    private void install(EnvLayout layout, List<Distribution> distributions, String pipWheel, Path hostVenv,
            Path downloads, Optional<String> project, String copyProject, String shown) throws DjddException {
        String venv = layout.installDir();
        List<String> pip = new ArrayList<>(List.of(layout.python(), pipWheel + "/pip", "install", "--no-deps",
                "--no-input", "--no-compile", "--disable-pip-version-check", "--progress-bar", "off",
                "--find-links", ResolveRequirements.DOWNLOADS_IN_ROOT));
        pip.addAll(this.pip.offlineArguments());
        StringBuilder script = new StringBuilder("set -e\n")
                .append(Command.join(List.of("python3", "-m", "venv", "--without-pip", venv))).append('\n');
        List<String> hashed = new ArrayList<>(pip);
        hashed.addAll(List.of("--require-hashes", "--requirement", ResolveRequirements.DOWNLOADS_IN_ROOT + "/"
                + PINNED));
        script.append(Command.join(hashed)).append('\n');
        List<String> folders = distributions.stream().filter(Distribution::folder).map(Distribution::source).toList();
        if (project.isPresent()) {
            // built into a wheel, then installed by name from it: the env records no build folder
            List<String> wheel = new ArrayList<>(List.of(layout.python(), pipWheel + "/pip", "wheel", "--no-deps",
                    "--no-input", "--disable-pip-version-check", "--progress-bar", "off", "--find-links",
                    ResolveRequirements.DOWNLOADS_IN_ROOT));
            wheel.addAll(this.pip.offlineArguments());
            wheel.addAll(List.of("--wheel-dir", PROJECT_WHEEL, ResolveRequirements.PROJECT_COPY));
            List<String> installed = new ArrayList<>(List.of(layout.python(), pipWheel + "/pip", "install", "--no-deps",
                    "--no-input", "--no-compile", "--disable-pip-version-check", "--progress-bar", "off", "--no-index",
                    "--find-links", PROJECT_WHEEL, project.get()));
            script.append(copyProject).append('\n').append(Command.join(wheel)).append('\n')
                    .append(Command.join(installed)).append('\n');
        }
        if (!folders.isEmpty()) {
            List<String> projects = new ArrayList<>(pip);
            projects.addAll(folders);
            script.append(Command.join(projects)).append('\n');
        }
        script.append("find ").append(Command.join(List.of(venv)))
                .append(" -name __pycache__ -type d -prune -exec rm -rf {} +\n")
                .append("find ").append(Command.join(List.of(venv)))
                .append(" -type f -name '*.so*' -exec strip --strip-unneeded {} +\n");
        Map<String, String> environment = new LinkedHashMap<>(this.pip.environment());
        environment.put("PIP_NO_CACHE_DIR", "1");
        environment.put("PYTHONDONTWRITEBYTECODE", "1");
        List<BindMount> binds = new ArrayList<>(List.of(new BindMount(hostVenv, venv, false),
                new BindMount(downloads, ResolveRequirements.DOWNLOADS_IN_ROOT, true),
                new BindMount(checkout.root(), CHECKOUT, true)));
        binds.addAll(this.pip.binds());
        CommandResult result = root.run(RootCommand.of("sh", "-c", script.toString()).withEnvironment(environment)
                .withBinds(binds).withTimeout(Duration.ofMinutes(60)).inSandbox());
        if (result.succeeded()) {
            return;
        }
        String building = result.output().stream().map(BUILDING::matcher).filter(Matcher::find)
                .map(matcher -> matcher.group(1)).reduce((first, second) -> second).orElse(null);
        Optional<String> missing = result.output().stream().map(NO_DISTRIBUTION::matcher).filter(Matcher::find)
                .map(matcher -> matcher.group(1)).findFirst();
        if (missing.isPresent() && result.output().stream().anyMatch(line -> line.contains("build dependencies"))) {
            throw new BuildFailedException("Building an sdist of " + shown + " needs "
                    + missing.get() + " (a build requirement it names only while it builds), which the download"
                    + " step did not fetch: add " + missing.get() + " to " + shown
                    + ", or require a wheel of that package.\n" + result.tail(25));
        }
        if (building != null && result.output().stream().anyMatch(BuildEnvPackageStep::isNetworkFailure)) {
            throw new BuildFailedException("Building " + building + " from its sdist tried to reach the network,"
                    + " which builds in djdd's sandbox cannot: require a version of " + building + " that builds"
                    + " offline or has a wheel, or put what it downloads into the package index.\n"
                    + result.tail(25));
        }
        throw new BuildFailedException("pip could not install the downloaded files of "
                + shown + " (exit code " + result.exitCode() + "): fix the requirement"
                + " pip names below.\n" + result.tail(25));
    }

    /** Whether a line of pip's output tells of a network failure rather than of a requirement. */
    static boolean isNetworkFailure(String line) {
        return NETWORK_FAILURES.matcher(line).find();
    }

    private String read(String file) throws DjddException {
        try {
            return Files.readString(checkout.file(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DjddException("Cannot read " + checkout.shown(file) + " (" + e.getMessage() + ")", e);
        }
    }

    static String nextMinor(String python) {
        String[] parts = python.split("\\.");
        return parts[0] + "." + (Integer.parseInt(parts[1]) + 1);
    }
}
