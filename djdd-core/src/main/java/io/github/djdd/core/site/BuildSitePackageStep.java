package io.github.djdd.core.site;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.DjddVersion;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.deb.DebContent;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.DebWriter;
import io.github.djdd.core.deb.PackageDocs;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.step.Step;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.store.PackageStore;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Builds {@code {software}-site-{variant}} (or {@code {software}-site}): the generated
 * configuration, units, control utility and maintainer scripts of {@link SiteFiles}, the static
 * files collectstatic made, and the variant's Django templates. Its version is
 * {@link SiteVersion}'s, which holds a hash of all of that: when a package of that version is in
 * {@code packages/} already, it is reused. A configured version is built every time.
 */
public final class BuildSitePackageStep implements Step<BuiltPackage> {
    private final BuildContext context;
    private final BuildDir buildDir;
    private final SiteLayout layout;
    private final SiteFiles files;
    private final Path staticFiles;
    private final Path templates;
    private final Instant commitTime;
    private final String versionOverride;

    /**
     * @param staticFiles collectstatic's output
     * @param templates the variant's Django templates, installed in {@code templates/}; may be missing
     * @param versionOverride the configured version, or null to derive it
     */
    public BuildSitePackageStep(BuildContext context, SiteLayout layout, SiteFiles files, Path staticFiles,
            Path templates, Instant commitTime, String versionOverride) {
        this.context = context;
        this.buildDir = context.buildDir();
        this.layout = layout;
        this.files = files;
        this.staticFiles = staticFiles;
        this.templates = templates;
        this.commitTime = commitTime;
        this.versionOverride = versionOverride;
    }

    @Override
    public BuiltPackage call() throws DjddException {
        String name = layout.packageName();
        Console console = context.console();
        PackageSettings settings = context.packages();
        try {
            Files.createDirectories(buildDir.locks());
        } catch (IOException e) {
            throw new DjddException("Cannot create " + buildDir.locks() + " (" + e.getMessage() + "): check the build"
                    + " dir.", e);
        }
        // Two builds of one variant at once write the same file names: one after the other.
        try (BuildLock lock = BuildLock.acquire(buildDir.locks().resolve(name + ".lock"), name, console)) {
            Instant time = settings.timestampFor(commitTime);
            int release = context.root().debianRelease();
            Instant versionTime = time.isAfter(commitTime) ? time : commitTime;
            String commitId = files.release().src().commitId();
            String version;
            if (versionOverride != null) {
                version = SiteVersion.configured(versionOverride, release);
                SiteVersion.belowDerived(version, versionTime, release, commitId).ifPresent(console::warn);
            } else {
                version = SiteVersion.of(versionTime, release, commitId, contentHash());
            }
            DebControl control = control(version);
            Path existing = buildDir.packages().resolve(control.fileName());
            if (versionOverride == null && PackageStore.intact(existing)) {
                // The version holds the hash of every input: the package there is the one this would write.
                console.info("Reusing " + existing.getFileName() + ": nothing it holds has changed");
                return new BuiltPackage(name, existing, true);
            }
            new PackageStore(buildDir, console).warnIfDamaged(existing);
            List<DebContent> contents = new ArrayList<>(payload(version));
            contents.addAll(PackageDocs.of(control, layout.software().value(), "Site " + layout.packageName() + " "
                    + version + " built by djdd.", time, Map.of()));
            Path file = new DebWriter(console).write(control, files.scripts(version), contents, time,
                    settings.compression(), buildDir.packages());
            console.info("Built " + file.getFileName());
            return new BuiltPackage(name, file, false);
        } finally {
            deleteEmptyFolder();
        }
    }

    private DebControl control(String version) {
        String serverName = files.serverName();
        List<String> depends = new ArrayList<>(List.of(files.release().env().packageName(),
                files.release().src().packageName(),
                "adduser", "init-system-helpers (>= 1.54~)", "procps"));
        depends.addAll(files.services());
        return new DebControl(layout.packageName(), version, "all", context.packages().maintainer(), depends, "web",
                "Django site " + layout.packageName() + " (" + serverName + ")",
                List.of("The configuration, static files, services and control utility of " + layout.software()
                        + " for " + serverName + ": gunicorn behind nginx, run by systemd as the user "
                        + layout.user() + (files.services().size() > 1 ? ", with " + String.join(", ",
                                files.services().subList(0, files.services().size() - 1)) : "") + ".",
                        "Control it with '" + layout.user() + " status' (see '" + layout.user() + " help').",
                        "Built by djdd from commit " + files.release().commit() + "."));
    }

    private List<DebContent> payload(String version) throws DjddException {
        List<DebContent> contents = new ArrayList<>(files.contents(version));
        contents.add(new DebContent.Tree(staticFiles, layout.siteDir() + "/static"));
        contents.add(templates != null && Files.isDirectory(templates)
                ? new DebContent.Tree(templates, layout.siteDir() + "/templates")
                : new DebContent.Tree(emptyFolder(), layout.siteDir() + "/templates"));
        return contents;
    }

    private Path emptyFolder() throws DjddException {
        Path empty = emptyFolderPath();
        try {
            Files.createDirectories(empty);
        } catch (IOException e) {
            throw new DjddException("Cannot create " + empty + " (" + e.getMessage() + ")", e);
        }
        return empty;
    }

    private Path emptyFolderPath() {
        return buildDir.workFolder(layout.packageName() + "-empty");
    }

    private void deleteEmptyFolder() throws DjddException {
        try {
            Files.deleteIfExists(emptyFolderPath());
        } catch (IOException e) {
            throw new DjddException("Cannot delete " + emptyFolderPath() + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * SHA-256 of everything the package holds except its version, and of how it is written: the
     * same inputs, the same hash, so a package of that version in {@code packages/} is reused.
     */
    private String contentHash() throws DjddException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, "djdd " + DjddVersion.get() + " " + context.packages().compression());
            update(digest, control("").toString());
            for (Map.Entry<String, String> script : files.scripts("").entrySet()) {
                update(digest, "script " + script.getKey());
                update(digest, script.getValue());
            }
            for (DebContent content : payload("")) {
                if (content instanceof DebContent.Data data) {
                    update(digest, "file " + data.target() + " " + data.mode());
                    digest.update(data.content());
                } else if (content instanceof DebContent.Tree tree) {
                    hashTree(digest, tree);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        } catch (IOException e) {
            throw new DjddException("Cannot read the site's files (" + e.getMessage() + ")", e);
        }
    }

    private static void hashTree(MessageDigest digest, DebContent.Tree tree) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(tree.source())) {
            paths = walk.sorted().toList();
        }
        for (Path path : paths) {
            String shown = tree.target() + "/" + tree.source().relativize(path);
            if (Files.isSymbolicLink(path)) {
                update(digest, "link " + shown + " " + Files.readSymbolicLink(path));
            } else if (Files.isRegularFile(path)) {
                update(digest, "file " + shown + " " + Files.isExecutable(path));
                digest.update(Files.readAllBytes(path));
            } else {
                update(digest, "dir " + shown);
            }
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }
}
