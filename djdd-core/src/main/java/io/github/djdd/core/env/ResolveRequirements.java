package io.github.djdd.core.env;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.buildroot.RootShell;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first half of an env build, which runs none of the project's code with rights or network:
 * pip's resolver chooses the distributions of the requirements for the root's Python
 * ({@code pip install --dry-run --report}) in the sandbox, where it reaches the remote indexes
 * only through the {@link IndexProxy}; then djdd itself, in this JVM, takes each chosen file
 * from the {@link DownloadCache}, the proxy's downloads or a configured folder, checks its
 * SHA-256 against the index's and the requirements' hashes, and lays the files out for the
 * offline install with a requirements file that pins each one by its hash.
 *
 * <p>pip prepares an sdist's metadata (runs its build backend) to learn its dependencies; that
 * runs in the sandbox too, where the proxy is the only network.
 */
final class ResolveRequirements {
    /** Where the files for the offline install appear in the root. */
    static final String DOWNLOADS_IN_ROOT = "/run/djdd/downloads";

    /** Where the sandbox copies the project folder to build it. */
    static final String PROJECT_COPY = "/tmp/djdd-project";

    private static final String REPORT_IN_ROOT = "/run/djdd/report";
    private static final String INDEX_IN_ROOT = "/run/djdd/index";
    private static final Pattern HASH = Pattern.compile("--hash[= ]sha256:([0-9a-fA-F]{64})");
    private static final Pattern REQUIREMENT_NAME = Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)");
    /** A requirement pip lists as lacking a pin or hash: its name, then its version, a URL or its hashes. */
    private static final Pattern UNHASHED = Pattern.compile(
            "^\\s+([A-Za-z0-9][A-Za-z0-9._-]*(?:\\[[^]]*])?(?:==\\S+)?)\\s+(?:from\\s|--hash=)");

    private final BuildContext context;
    private final RootShell root;
    private final Checkout checkout;
    private final PipOptions pip;
    private final String pipWheel;
    private final String file;

    /** @param file the requirements file of the project folder */
    ResolveRequirements(BuildContext context, Checkout checkout, PipOptions pip, String pipWheel, String file) {
        this.context = context;
        this.file = file;
        this.root = context.root();
        this.checkout = checkout;
        this.pip = pip;
        this.pipWheel = pipWheel;
    }

    /**
     * Resolves the project's requirements file and downloads what pip chose into {@code downloads}.
     *
     * @return the distributions, in pip's order
     */
    List<Distribution> resolve(Path work, Path downloads) throws DjddException {
        return resolve(work, downloads, List.of("--requirement", BuildEnvPackageStep.CHECKOUT + "/"
                + checkout.shown(file)), false, allowedHashes(), checkout.shown(file));
    }

    /**
     * Downloads what building the given sdists and the project offline needs (their
     * {@code [build-system] requires}, through the remote indexes) into {@code downloads}: pip
     * prepares their metadata in the sandbox, as the offline install builds them again.
     *
     * @param sdists the sdists' paths in the root
     * @param project whether the project folder (a copy: builds write into it) is built too
     */
    void prepareBuilds(Path work, Path downloads, List<String> sdists, boolean project) throws DjddException {
        List<String> inputs = new ArrayList<>(List.of("--no-deps"));
        inputs.addAll(sdists);
        if (project) {
            inputs.add(PROJECT_COPY);
        }
        resolve(work, downloads, inputs, true, Map.of(), "the build requirements of " + checkout.shown(file));
    }

    /**
     * The commands that copy the project folder to {@link #PROJECT_COPY}, in the sandbox's own
     * {@code /tmp}: builds write into the folder they build, and the checkout is read-only there.
     */
    String copyProject() {
        return Command.join(List.of("cp", "-R", "--no-preserve=ownership", BuildEnvPackageStep.CHECKOUT + "/"
                + checkout.shown("."), PROJECT_COPY));
    }

    private List<Distribution> resolve(Path work, Path downloads, List<String> inputs, boolean builds,
            Map<String, Set<String>> allowed, String shown) throws DjddException {
        Path report = work.resolve("report");
        List<PipOptions.Location> remote = pip.locations().stream().filter(PipOptions.Location::remote).toList();
        DownloadCache cache = new DownloadCache(context.buildDir());
        try {
            Files.createDirectories(report);
            Files.createDirectories(downloads);
            root.shareWithSandbox(report);
        } catch (IOException e) {
            throw new DjddException("Cannot create " + report + " (" + e.getMessage() + "): check the build dir.", e);
        }
        IndexProxy proxy = remote.isEmpty() ? null : IndexProxy.start(work.resolve("index"),
                remote.stream().map(PipOptions.Location::url).toList(), cache, context.console());
        try {
            if (proxy != null) {
                root.shareWithSandbox(proxy.socket().getParent());
                root.shareWithSandbox(proxy.socket());
            }
            CommandResult result = root.run(command(proxy, remote, report, inputs, builds, downloads));
            if (!result.succeeded()) {
                throw failure(result, proxy, shown);
            }
            // what building them needs is what the proxy served; the report names only the sdists and the project
            List<Distribution> distributions = builds ? List.of() : download(PipReport.read(readOwn(
                    report.resolve("report.json"))), proxy, cache, allowed, shown);
            layOut(distributions, proxy, cache, downloads);
            return distributions;
        } catch (IOException e) {
            throw new DjddException("Cannot prepare the downloads in " + work + " (" + e.getMessage() + "): check the"
                    + " build dir.", e);
        } finally {
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    private RootCommand command(IndexProxy proxy, List<PipOptions.Location> remote, Path report, List<String> inputs,
            boolean builds, Path downloads) {
        List<String> argv = new ArrayList<>();
        if (proxy != null) {
            argv.addAll(List.of("python3", "-c", IndexProxy.RELAY, INDEX_IN_ROOT + "/" + proxy.socket().getFileName(),
                    Integer.toString(IndexProxy.PORT)));
        }
        if (builds && inputs.contains(PROJECT_COPY)) {
            argv.addAll(List.of("sh", "-c", copyProject() + " && exec \"$@\"", "sh"));
        }
        argv.addAll(List.of("python3", pipWheel + "/pip", "install", "--dry-run", "--ignore-installed", "--report",
                REPORT_IN_ROOT + "/report.json", "--no-input", "--disable-pip-version-check", "--progress-bar", "off"));
        argv.addAll(pip.arguments(location -> location.remote()
                ? new PipOptions.Location(location.option(), proxy.url(remote.indexOf(location)))
                : location));
        argv.addAll(inputs);
        Map<String, String> environment = new LinkedHashMap<>(pip.environment());
        environment.put("PIP_NO_CACHE_DIR", "1");
        // the system's python, whose site-packages the sandbox cannot write: no "user installation" either
        environment.put("PIP_USER", "0");
        environment.put("PYTHONDONTWRITEBYTECODE", "1");
        List<BindMount> binds = new ArrayList<>(List.of(new BindMount(checkout.root(), BuildEnvPackageStep.CHECKOUT,
                true), new BindMount(report, REPORT_IN_ROOT, false)));
        if (builds) {
            binds.add(new BindMount(downloads, DOWNLOADS_IN_ROOT, true));
        }
        if (proxy != null) {
            binds.add(new BindMount(proxy.socket().getParent(), INDEX_IN_ROOT, true));
        }
        binds.addAll(pip.binds());
        RootCommand command = RootCommand.of(argv).withEnvironment(environment).withBinds(binds)
                .withTimeout(Duration.ofMinutes(60));
        return proxy == null ? command.inSandbox() : command.inSandboxWithLoopback();
    }

    /** One sentence for what stopped pip's resolver. */
    private DjddException failure(CommandResult result, IndexProxy proxy, String requirements) {
        Optional<String> unreachable = proxy != null && !proxy.failures().isEmpty()
                ? Optional.of(proxy.failures().get(0))
                : result.output().stream().filter(BuildEnvPackageStep::isNetworkFailure).findFirst().map(String::strip);
        if (unreachable.isPresent()) {
            return new DjddException("pip lost the connection to the package index (" + unreachable.get()
                    + "): check the <pip> index settings and that the build machine reaches them, then build again.\n"
                    + result.tail(25));
        }
        List<String> unpinned = new ArrayList<>();
        boolean hashes = false;
        for (String line : result.output()) {
            hashes |= line.contains("Hashes are required in --require-hashes mode")
                    || line.contains("all requirements must have their versions pinned with ==");
            Matcher matcher = UNHASHED.matcher(line);
            if (hashes && matcher.find()) {
                unpinned.add(matcher.group(1));
            }
        }
        if (hashes) {
            return new BuildFailedException(requirements + " has requirements without a pinned version and a --hash,"
                    + " which <pip><requireHashes> demands" + (unpinned.isEmpty() ? "" : " (" + String.join(", ",
                    unpinned) + ")") + ": pin each one with == and its hashes (pip-compile --generate-hashes or"
                    + " 'uv pip compile --generate-hashes' write them), or set <requireHashes>false</requireHashes>.\n"
                    + result.tail(25));
        }
        if (result.output().stream().anyMatch(line -> line.contains("THESE PACKAGES DO NOT MATCH THE HASHES"))) {
            return new BuildFailedException("A file the package index serves for " + requirements + " does not have"
                    + " the SHA-256 the requirements give (shown below): the file changed since the hashes were"
                    + " written, or the index serves another file; check the index, or write the hashes anew.\n"
                    + result.tail(25));
        }
        Optional<String> missing = result.output().stream().map(BuildEnvPackageStep.NO_DISTRIBUTION::matcher)
                .filter(Matcher::find).map(matcher -> matcher.group(1)).findFirst();
        if (missing.isPresent()) {
            return new BuildFailedException("pip found no distribution of " + missing.get() + " for Python "
                    + pythonOfRoot() + " (the build root's, Debian " + root.suite() + ") in the package index: check"
                    + " its name and version; when the index has only binary wheels of it for other Python versions,"
                    + " require a version with a source distribution and list the -dev packages it builds with in"
                    + " venv-debian-requirements.txt, use a pure-Python package instead (psycopg with libpq5 in"
                    + " venv-debian-requirements.txt rather than psycopg2-binary), or build for another suite"
                    + " (-Ddjdd.suite).\n" + result.tail(25));
        }
        Optional<String> vcs = result.output().stream().filter(line -> line.contains("git clone")
                || line.contains("Cannot find command 'git'") || line.contains("hg clone")).findFirst();
        if (vcs.isPresent()) {
            return new BuildFailedException(requirements + " installs a package from a version control system ("
                    + vcs.get().strip() + "), which djdd's sandbox cannot reach: publish that package to the package"
                    + " index and require it by name and version.\n" + result.tail(25));
        }
        return new BuildFailedException("pip could not resolve " + requirements + " (exit code " + result.exitCode()
                + "): fix the requirement pip names below or the <pip> index settings.\n" + result.tail(25));
    }

    private String pythonOfRoot() {
        try {
            return root.pythonVersion();
        } catch (DjddException e) {
            return "3";
        }
    }

    /** Each chosen file, from the cache, the proxy or a configured folder, checked by its hash. */
    private List<Distribution> download(List<PipReport.Entry> entries, IndexProxy proxy, DownloadCache cache,
            Map<String, Set<String>> allowed, String shown) throws DjddException {
        List<Distribution> distributions = new ArrayList<>();
        for (PipReport.Entry entry : entries) {
            String what = entry.name() + " " + entry.version();
            if (entry.vcs()) {
                throw new BuildFailedException(shown + " installs " + what + " from a"
                        + " version control system, which djdd's sandbox cannot reach: publish it to the package"
                        + " index and require it by name and version.");
            }
            if (entry.directory()) {
                String folder = URI.create(entry.url()).getPath();
                if (folder == null || !Path.of(folder).normalize().startsWith(BuildEnvPackageStep.CHECKOUT)) {
                    throw new BuildFailedException(shown + " installs " + what
                            + " from the folder " + folder + ", outside the repository: name a folder of the"
                            + " repository.");
                }
                distributions.add(new Distribution(entry.name(), entry.version(), entry.summary(), null, null,
                        Path.of(folder).normalize().toString()));
                continue;
            }
            Path file;
            String source;
            String fileName;
            Optional<IndexProxy.Link> link = proxy == null ? Optional.empty() : proxy.link(entry.url());
            if (link.isPresent()) {
                file = proxy.download(link.get());
                source = IndexProxy.redacted(link.get().url().toString());
                fileName = URLDecoder.decode(link.get().url().getRawPath().replaceFirst(".*/", ""),
                        StandardCharsets.UTF_8);
            } else if (entry.url().startsWith("file:")) {
                Path local = local(checkout, pip, fileUrlPath(entry.url(), what), what);
                fileName = local.getFileName().toString();
                source = local.toString();
                file = cache.find(entry.sha256()).orElse(null);
                if (file == null) {
                    file = cache.copy(local, entry.sha256(), local.toString());
                }
            } else {
                throw new BuildFailedException(shown + " installs " + what + " from "
                        + IndexProxy.redacted(entry.url()) + ", a URL of no <pip> location: djdd downloads only"
                        + " through the configured indexes and folders; publish the file to the package index and"
                        + " require it by name and version.");
            }
            String sha256 = file.getFileName().toString();
            if (entry.sha256() != null && !entry.sha256().equals(sha256)) {
                throw new DjddException(source + " has the SHA-256 " + sha256 + ", not the " + entry.sha256()
                        + " the index gave: the file changed after it was published or on its way; nothing was"
                        + " installed from it.");
            }
            Set<String> hashes = allowed.get(EnvSbom.normalized(entry.name()));
            if (hashes != null && !hashes.contains(sha256)) {
                throw new BuildFailedException(source + " for " + what + " has the SHA-256 " + sha256 + ", which "
                        + shown + " does not allow (it gives " + String.join(", ", hashes)
                        + "): the file changed since the hashes were written, or the index serves another file;"
                        + " check the index, or write the hashes anew.");
            }
            if (!Distribution.FILE_NAME.matcher(fileName).matches()) {
                throw new DjddException("The package index names a file of " + what + " '" + fileName + "', which is"
                        + " no distribution file's name: check the index.");
            }
            distributions.add(new Distribution(entry.name(), entry.version(), entry.summary(), fileName, sha256,
                    source));
        }
        return distributions;
    }

    private static String fileUrlPath(String url, String what) throws DjddException {
        try {
            return Path.of(URI.create(url)).normalize().toString();
        } catch (IllegalArgumentException e) {
            throw new DjddException("pip reported the file " + url + " for " + what + ", which is no file URL: check"
                    + " the <pip> locations.", e);
        }
    }

    /**
     * The file behind a path as the sandbox sees it (pip's report, a lock's path), on the build
     * host: in a configured folder or the checkout, after links are followed, and nowhere else (the
     * sandbox wrote the report; the project wrote the lock).
     */
    static Path local(Checkout checkout, PipOptions pip, String inRootPath, String what) throws BuildFailedException {
        Path inRoot = Path.of(inRootPath).normalize();
        List<Path> allowed = new ArrayList<>();
        Path host = inRoot;
        if (inRoot.startsWith(BuildEnvPackageStep.CHECKOUT)) {
            host = checkout.root().resolve(Path.of(BuildEnvPackageStep.CHECKOUT).relativize(inRoot).toString());
            allowed.add(checkout.root());
        } else {
            pip.binds().forEach(bind -> allowed.add(bind.host()));
        }
        try {
            Path real = host.toRealPath();
            for (Path folder : allowed) {
                if (real.startsWith(folder.toRealPath()) && Files.isRegularFile(real)) {
                    return real;
                }
            }
        } catch (IOException e) {
            // not there: refused below
        }
        throw new BuildFailedException("pip chose " + inRoot + " for " + what + ", which is in none of the <pip>"
                + " folders nor the repository: list the folder that holds it in <pip><findLinks>.");
    }

    /** The hashes {@code requirements.txt} allows, by normalized name; names without hashes are not there. */
    private Map<String, Set<String>> allowedHashes() throws DjddException {
        Map<String, Set<String>> allowed = new HashMap<>();
        for (String line : RequirementsHash.normalize(checkout.file(file), checkout.root())) {
            Matcher name = REQUIREMENT_NAME.matcher(line);
            Matcher hash = HASH.matcher(line);
            if (!name.find()) {
                continue;
            }
            while (hash.find()) {
                allowed.computeIfAbsent(EnvSbom.normalized(name.group(1)), key -> new HashSet<>())
                        .add(hash.group(1).toLowerCase(Locale.ROOT));
            }
        }
        return allowed;
    }

    /**
     * Links each distribution file into {@code downloads} under its own name, with the files the
     * proxy served besides (an sdist's build requirements, which the offline build needs again).
     */
    private static void layOut(List<Distribution> distributions, IndexProxy proxy, DownloadCache cache,
            Path downloads) throws IOException {
        Files.createDirectories(downloads);
        Set<String> linked = new HashSet<>();
        for (Distribution distribution : distributions) {
            if (distribution.folder()) {
                continue;
            }
            Path target = downloads.resolve(distribution.fileName());
            if (!Files.exists(target)) {
                link(cache.find(distribution.sha256()).orElseThrow(), target);
            }
            linked.add(distribution.fileName());
        }
        if (proxy != null) {
            for (IndexProxy.Served served : proxy.served().values()) {
                String name = URLDecoder.decode(served.url().getRawPath().replaceFirst(".*/", ""),
                        StandardCharsets.UTF_8);
                if (Distribution.FILE_NAME.matcher(name).matches() && linked.add(name)
                        && !Files.exists(downloads.resolve(name))) {
                    link(served.file(), downloads.resolve(name));
                }
            }
        }
    }

    static void link(Path cached, Path target) throws IOException {
        try {
            Files.createLink(target, cached);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(cached, target);
        }
    }

    /** A file the sandbox wrote, read without following a link it may have put there instead. */
    static byte[] readOwn(Path file) throws DjddException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.READ)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DjddException("Cannot read " + file + ", which pip should have written (" + e.getMessage()
                    + ").", e);
        }
    }
}
