package io.github.djdd.core.env;

import com.fasterxml.jackson.jr.ob.JSON;
import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.buildroot.RootShell;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.process.CommandResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The distributions a lock file ({@code pylock.toml}, {@code uv.lock}, {@code poetry.lock})
 * installs on the build root's Python and platform, and their files, taken without a resolver
 * and without uv or Poetry: the root's own python3 reads the lock ({@code tomllib}) and evaluates
 * its markers and wheel tags with the {@code packaging} that Debian's pip wheel brings, in the
 * sandbox; djdd then downloads exactly the files the lock names, checked against the lock's
 * hashes, for an offline {@code pip install --require-hashes --no-deps}.
 */
final class LockedRequirements {
    private static final String SCRIPT = "select-locked.py";
    private static final String IN_ROOT = "/run/djdd/lock";
    private static final Pattern HREF = Pattern.compile("(?i)href\\s*=\\s*([\"'])(.*?)\\1");

    /** One distribution the lock installs here: its files that can, the best first. */
    record Selected(String name, String version, String index, List<LockedFile> files) {
        /** The line of the env's name: {@code name==version} and the hash of every file that installs here. */
        String hashLine() {
            List<String> hashes = files.stream().map(file -> "--hash=sha256:" + file.sha256()).sorted().distinct()
                    .toList();
            return EnvSbom.normalized(name) + "==" + version + " " + String.join(" ", hashes);
        }
    }

    /** A file the lock names, with its SHA-256; its URL or path, or null when the index has it (Poetry). */
    record LockedFile(String name, String url, String sha256) {}

    /** What the lock installs here, and the project's name ({@code [project] name}), if it has one. */
    record Selection(String lock, List<Selected> distributions, Optional<String> project) {
        /** The lines the env's name hashes (SPEC section 4), sorted by code point. */
        List<String> hashLines() {
            return distributions.stream().map(Selected::hashLine).sorted().toList();
        }
    }

    private final BuildContext context;
    private final RootShell root;
    private final Checkout checkout;
    private final PipOptions pip;
    private final String pipWheel;
    private final LockInput input;

    LockedRequirements(BuildContext context, Checkout checkout, PipOptions pip, String pipWheel, LockInput input) {
        this.context = context;
        this.root = context.root();
        this.checkout = checkout;
        this.pip = pip;
        this.pipWheel = pipWheel;
        this.input = input;
    }

    /** Reads the lock in the sandbox: what installs here, or one sentence on what is wrong with the lock. */
    Selection select(Path work) throws DjddException {
        Path folder = work.resolve("lock");
        Map<String, Object> result;
        try {
            Files.createDirectories(folder);
            try (InputStream script = LockedRequirements.class.getResourceAsStream(SCRIPT)) {
                Files.write(folder.resolve(SCRIPT), script.readAllBytes());
            }
            root.shareWithSandbox(folder);
            String lock = BuildEnvPackageStep.CHECKOUT + "/" + checkout.shown(input.file());
            String pyproject = BuildEnvPackageStep.CHECKOUT + "/" + checkout.shown("pyproject.toml");
            CommandResult ran = root.run(RootCommand.of("python3", IN_ROOT + "/" + SCRIPT, pipWheel, lock, pyproject,
                    IN_ROOT + "/selection.json", String.join(",", pip.lock().groups()), String.join(",", pip.lock().extras()))
                    .withEnvironment(Map.of("PYTHONDONTWRITEBYTECODE", "1"))
                    .withBinds(List.of(new BindMount(checkout.root(), BuildEnvPackageStep.CHECKOUT, true),
                            new BindMount(folder, IN_ROOT, false))).quietly().inSandbox());
            if (!ran.succeeded()) {
                throw new DjddException("djdd could not read " + checkout.shown(input.file()) + " (exit code "
                        + ran.exitCode() + "): check the build root's python3 with 'mvn djdd:init'.\n" + ran.tail(20));
            }
            result = JSON.std.mapFrom(ResolveRequirements.readOwn(folder.resolve("selection.json")));
        } catch (IOException e) {
            throw new DjddException("Cannot read what djdd chose from " + checkout.shown(input.file()) + " ("
                    + e.getMessage() + "): check the build dir.", e);
        }
        if (result.get("error") instanceof String error) {
            throw failure(error, result);
        }
        List<Selected> selected = new ArrayList<>();
        for (Object item : (List<?>) result.get("distributions")) {
            Map<?, ?> entry = (Map<?, ?>) item;
            String name = String.valueOf(entry.get("name"));
            String version = String.valueOf(entry.get("version"));
            if (!Distribution.NAME.matcher(name).matches() || !Distribution.VERSION.matcher(version).matches()) {
                throw new BuildFailedException(checkout.shown(input.file()) + " names a distribution " + name + " "
                        + version + ", which is no valid name and version: write the lock anew.");
            }
            List<LockedFile> files = new ArrayList<>();
            for (Object file : (List<?>) entry.get("files")) {
                Map<?, ?> map = (Map<?, ?>) file;
                String fileName = String.valueOf(map.get("name"));
                if (!Distribution.FILE_NAME.matcher(fileName).matches()) {
                    throw new BuildFailedException(checkout.shown(input.file()) + " names a file '" + fileName
                            + "' for " + name + ", which is no distribution file's name: write the lock anew.");
                }
                files.add(new LockedFile(fileName, map.get("url") == null ? null : String.valueOf(map.get("url")),
                        String.valueOf(map.get("sha256")).toLowerCase(Locale.ROOT)));
            }
            selected.add(new Selected(name, version, entry.get("index") == null ? null
                    : String.valueOf(entry.get("index")), files));
        }
        return new Selection(input.file(), selected, Optional.ofNullable((String) result.get("project")));
    }

    /** One sentence for what the lock-reading script found wrong. */
    private BuildFailedException failure(String error, Map<String, Object> details) {
        String lock = checkout.shown(input.file());
        String python = "Python " + details.get("python") + " (the build root's, Debian " + root.suite() + ")";
        Object pkg = details.get("package");
        String what = pkg == null ? "" : pkg + (details.get("version") == null ? "" : " " + details.get("version"));
        return new BuildFailedException(switch (error) {
            case "lock-version" -> lock + " has lock version " + details.get("found") + ", which djdd does not read"
                    + " (it reads " + details.get("supported") + "): write the lock anew with a current uv, Poetry or"
                    + " pip, or give the project a requirements.txt.";
            case "requires-python" -> (pkg == null ? lock : lock + "'s " + pkg) + " requires Python "
                    + details.get("specifier") + ", and the build root's is " + details.get("python") + " (Debian "
                    + root.suite() + "): lock for that Python, or build for a suite whose Python the lock allows"
                    + " (-Ddjdd.suite).";
            case "no-file" -> lock + " has no file of " + what + " that installs on " + python + ", "
                    + details.get("platform") + ": lock a version of it with a wheel for that Python or an sdist,"
                    + " or build for another suite (-Ddjdd.suite).";
            case "no-package" -> lock + " has no version of " + pkg + " whose markers hold on " + python
                    + ": lock the project anew for that Python.";
            case "no-hash" -> lock + " gives no SHA-256 for " + details.get("file") + " of " + what + ", and djdd"
                    + " installs no file it cannot check: write the lock anew with hashes.";
            case "unsupported-source" -> lock + " installs " + pkg + " from a " + details.get("source") + " source,"
                    + " which djdd cannot check by hash or build offline: publish " + pkg + " to the package index and"
                    + " lock it from there.";
            case "no-project" -> lock + " holds no project of its own (no package whose source is '.'): run 'uv lock'"
                    + " in the project's folder and commit the lock.";
            case "no-group" -> lock + " has no dependency group " + details.get("group") + " (it has "
                    + details.get("groups") + "): fix <pip><groups>.";
            case "out-of-date" -> lock + " is out of date with " + checkout.shown("pyproject.toml") + ", which"
                    + " differs from it in " + String.join(", ", ((List<?>) details.get("names")).stream()
                    .map(String::valueOf).toList()) + ": run 'uv lock' and commit the lock.";
            case "invalid-marker" -> lock + " has the marker '" + details.get("marker") + "', which is none ("
                    + details.get("reason") + "): write the lock anew.";
            case "bad-file-name" -> lock + " names a file '" + details.get("file") + "' for " + pkg + ", which is no"
                    + " wheel's name: write the lock anew.";
            case "toml" -> lock + " is no TOML file (" + details.get("reason") + "): write the lock anew.";
            default -> lock + " cannot be read (" + error + "): write the lock anew.";
        });
    }

    /**
     * Takes the chosen file of each distribution: from the {@link DownloadCache} by its hash, else
     * from its URL or path (a lock names it), else, for Poetry, which names files only, from the
     * index's page of the project; checks its SHA-256 against the lock's and links it into
     * {@code downloads}.
     *
     * @return the distributions, for the install and the SBOM
     */
    List<Distribution> download(Selection selection, Path downloads) throws DjddException {
        DownloadCache cache = new DownloadCache(context.buildDir());
        List<URI> indexes = new ArrayList<>();
        for (PipOptions.Location location : pip.locations()) {
            try {
                indexes.add(new URI(location.url().endsWith("/") ? location.url() : location.url() + "/"));
            } catch (URISyntaxException e) {
                throw new DjddException("The <pip> location " + IndexProxy.redacted(location.url()) + " is no URL ("
                        + e.getReason() + "): fix it.", e);
            }
        }
        IndexClient client = new IndexClient(indexes);
        List<Distribution> distributions = new ArrayList<>();
        try {
            Files.createDirectories(downloads);
            for (Selected selected : selection.distributions()) {
                LockedFile file = selected.files().get(0);
                String what = file.name() + " of " + checkout.shown(input.file());
                Path cached = cache.find(file.sha256()).orElse(null);
                String source;
                if (file.url() == null) {
                    URI found = findInIndex(client, indexes, selected, file);
                    source = IndexProxy.redacted(found.toString());
                    if (cached == null) {
                        cached = fetch(client, cache, found, file.sha256(), what);
                    }
                } else if (file.url().startsWith("http://") || file.url().startsWith("https://")) {
                    source = IndexProxy.redacted(file.url());
                    if (cached == null) {
                        cached = fetch(client, cache, URI.create(file.url()), file.sha256(), what);
                    }
                } else {
                    Path local = ResolveRequirements.local(checkout, pip, localPath(file.url()), selected.name()
                            + " " + selected.version());
                    source = local.toString();
                    if (cached == null) {
                        cached = cache.copy(local, file.sha256(), what);
                    }
                }
                Path target = downloads.resolve(file.name());
                if (!Files.exists(target)) {
                    ResolveRequirements.link(cached, target);
                }
                distributions.add(new Distribution(selected.name(), selected.version(), "", file.name(),
                        file.sha256(), source));
            }
        } catch (IOException e) {
            throw new DjddException("Cannot lay out the downloads in " + downloads + " (" + e.getMessage() + "): check"
                    + " the build dir.", e);
        }
        return distributions;
    }

    /** A {@code file:} URL or a path of the lock, relative to the project folder, as it is in the root. */
    private String localPath(String url) {
        if (url.startsWith("file:")) {
            return URI.create(url).getPath();
        }
        String path = url.startsWith("/") ? url : BuildEnvPackageStep.CHECKOUT + "/" + checkout.shown(url);
        return Path.of(path).normalize().toString();
    }

    /** The URL of {@code file} on its index's page of the project: the lock's own index, else the configured ones. */
    private URI findInIndex(IndexClient client, List<URI> indexes, Selected selected, LockedFile file)
            throws DjddException {
        List<URI> candidates = new ArrayList<>();
        if (selected.index() != null) {
            candidates.add(URI.create(selected.index().endsWith("/") ? selected.index() : selected.index() + "/"));
        }
        candidates.addAll(indexes);
        for (URI index : candidates) {
            URI page = index.resolve(EnvSbom.normalized(selected.name()) + "/");
            try {
                String html;
                if (page.getScheme().equals("file")) {
                    Path folder = Path.of(page);
                    Path indexFile = folder.resolve("index.html");
                    if (!Files.isRegularFile(indexFile)) {
                        continue;
                    }
                    html = Files.readString(indexFile, StandardCharsets.UTF_8);
                } else {
                    HttpResponse<InputStream> response = client.get(page, "text/html");
                    try (InputStream in = response.body()) {
                        if (response.statusCode() != 200) {
                            continue;
                        }
                        html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    page = response.uri();
                }
                Matcher matcher = HREF.matcher(html);
                while (matcher.find()) {
                    String href = matcher.group(2).replace("&amp;", "&");
                    String target = href.replaceFirst("#.*", "");
                    if (target.substring(target.lastIndexOf('/') + 1).equals(file.name())) {
                        return page.resolve(target);
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DjddException("Interrupted while looking for " + file.name() + ".", e);
            }
        }
        throw new BuildFailedException("No package index of " + checkout.shown(input.file()) + " or <pip> has "
                + file.name() + " of " + selected.name() + " " + selected.version() + " (looked in "
                + String.join(", ", candidates.stream().map(uri -> IndexProxy.redacted(uri.toString())).toList())
                + "): set <pip><indexUrl> to the index the lock was made with.");
    }

    private static Path fetch(IndexClient client, DownloadCache cache, URI url, String sha256, String what)
            throws DjddException {
        Path partial = cache.temporary();
        try {
            if (url.getScheme().equals("file")) {
                Files.copy(Path.of(url), partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                HttpResponse<InputStream> response = client.get(url, "*/*");
                if (response.statusCode() != 200) {
                    response.body().close();
                    throw new DjddException(IndexProxy.redacted(url.toString()) + " answered HTTP "
                            + response.statusCode() + " for " + what + ": check the package index, then build again.");
                }
                try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(partial)) {
                    in.transferTo(out);
                }
            }
        } catch (IOException e) {
            throw new DjddException("Cannot download " + what + " from " + IndexProxy.redacted(url.toString()) + " ("
                    + e.getMessage() + "): check that the build machine reaches the package index, then build again.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DjddException("Interrupted while downloading " + what + ".", e);
        }
        return cache.store(partial, sha256, IndexProxy.redacted(url.toString()) + " (" + what + ")");
    }
}
