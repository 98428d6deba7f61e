package io.github.djdd.core.project;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.buildroot.RootShell;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.checkout.DebianRequirements;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.env.BuildEnvPackageStep;
import io.github.djdd.core.env.EnvPackage;
import io.github.djdd.core.env.LockInput;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.publish.RemotePackages;
import io.github.djdd.core.site.BuildSitePackageStep;
import io.github.djdd.core.site.CollectStaticStep;
import io.github.djdd.core.site.DjangoSite;
import io.github.djdd.core.site.SiteEnvironment;
import io.github.djdd.core.site.SiteFiles;
import io.github.djdd.core.site.SiteLayout;
import io.github.djdd.core.site.SiteTemplates;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.source.BuildSourcePackageStep;
import io.github.djdd.core.source.ResolvedCommit;
import io.github.djdd.core.source.SourceLayout;
import io.github.djdd.core.source.SourcePackage;
import io.github.djdd.core.source.SourceRepository;
import io.github.djdd.core.step.StepsRunner;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.store.LastBuild;
import io.github.djdd.core.store.PackageSource;
import io.github.djdd.core.store.PackageStore;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.DiskFull;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the build of a software's variants in order: fetch, then per commit checkout, build root
 * packages, env package, collectstatic of every variant, src package, then per variant the site
 * package.
 * Variants on the same commit share one checkout and one pair of env and src packages.
 */
public final class ProjectBuild {
    private final BuildRequest request;
    private final Console console;
    private final StepsRunner steps;

    public ProjectBuild(BuildRequest request, Console console) {
        this.request = request;
        this.console = console;
        this.steps = new StepsRunner(console);
    }

    /**
     * Builds what is missing and returns every package the variants need, built or reused.
     *
     * @throws DjddException naming the build dir's file system when a full disk stopped the build
     */
    public List<BuiltPackage> run() throws DjddException {
        try {
            BuildRoot root = BuildRoot.open(request.buildDir(), request.suite(), new ProcessRunner(console), console);
            root.requireBuildPackages();
            return run(root);
        } catch (DjddException e) {
            throw DiskFull.explain(request.buildDir().path(), e);
        }
    }

    /** The build in {@code root}, a build root that init completed. */
    List<BuiltPackage> run(RootShell root) throws DjddException {
        Optional<PackageSource> remote = Optional.empty();
        if (request.packageCache().isPresent()) {
            BuildRequest.PackageCache cache = request.packageCache().get();
            remote = Optional.of(RemotePackages.of(cache.url(), cache.keyring(), request.suite(), request.buildDir(),
                    console));
        }
        try {
            request.buildDir().removeAbandonedWork();
        } catch (IOException e) {
            console.warn("Cannot remove what killed builds left in " + request.buildDir().work() + ": "
                    + e.getMessage());
        }
        new PackageStore(request.buildDir(), console).removeLeftovers();
        SourceRepository clone = steps.run("Fetch " + request.software(), () -> request.repository() == null
                ? SourceRepository.existing(request.buildDir(), request.software(), request.source(), console)
                : SourceRepository.fetchOrUseClone(request.buildDir(), request.software(), request.repository(),
                        request.source(), console));
        // Variants on one commit (by whatever ref) share its checkout, env and src.
        Map<String, ResolvedCommit> commits = new LinkedHashMap<>();
        Map<String, List<SiteVariant>> variantsByCommit = new LinkedHashMap<>();
        ProjectSource.resolve(clone, request.variants(), request.ref(), console).forEach((variant, commit) -> {
            commits.putIfAbsent(commit.id(), commit);
            variantsByCommit.computeIfAbsent(commit.id(), id -> new ArrayList<>()).add(variant);
        });
        BuildContext context = new BuildContext(request.buildDir(), root, request.settings(), console, remote);
        List<BuiltPackage> all = new ArrayList<>();
        for (Map.Entry<String, List<SiteVariant>> group : variantsByCommit.entrySet()) {
            all.addAll(buildCommit(context, clone, commits.get(group.getKey()), group.getValue()));
        }
        // Commits with the same requirements share an env: each package once, as it was first got.
        Map<Path, BuiltPackage> byFile = new LinkedHashMap<>();
        all.forEach(built -> byFile.putIfAbsent(built.file(), built));
        all = List.copyOf(byFile.values());
        summary(all);
        return all;
    }

    /** The table that ends every build: each package, how this build got it, its size and the time it took. */
    private void summary(List<BuiltPackage> packages) {
        int width = packages.stream().mapToInt(built -> built.file().getFileName().toString().length()).max()
                .orElse(0);
        console.info("Packages in " + request.buildDir().packages() + ":");
        console.info(String.format(Locale.ROOT, "  %-" + width + "s  %-9s %10s %9s", "package", "how", "size",
                "time"));
        for (BuiltPackage built : packages) {
            long size;
            try {
                size = Files.size(built.file());
            } catch (IOException e) {
                size = -1;
            }
            console.info(String.format(Locale.ROOT, "  %-" + width + "s  %-9s %10s %7.2f s  %s",
                    built.file().getFileName(), built.reused() ? "reused" : "built", size(size),
                    built.time().toNanos() / 1e9, built.downloadedFrom().map(url -> "downloaded from " + url)
                            .orElse("")).stripTrailing());
        }
    }

    private static String size(long bytes) {
        if (bytes < 0) {
            return "?";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }


    /** The env and src packages of one commit, then the site package of every variant on it. */
    private List<BuiltPackage> buildCommit(BuildContext context, SourceRepository clone, ResolvedCommit commit,
            List<SiteVariant> variants) throws DjddException {
        Checkout checkout = new Checkout(request.buildDir().workFolder(request.software() + "-" + commit.shortId()),
                request.projectDir());
        SourceLayout srcLayout = SourceLayout.of(request.software(), commit, checkout.projectDir());
        try {
            // The templates are checked with the project's files: a project that may not replace one
            // stops the build before anything is installed or written.
            SiteTemplates templates = steps.run("Checkout " + commit.shortId(), () -> {
                deleteTree(checkout.root());
                clone.export(commit, checkout.root());
                requireProjectFiles(checkout, commit);
                for (SiteVariant variant : variants) {
                    if (Files.exists(checkout.file(variantTemplates(variant)), LinkOption.NOFOLLOW_LINKS)) {
                        checkout.requireInside(variantTemplates(variant));
                    }
                }
                return request.site().templatesFor(checkout, console);
            });
            steps.run("Build root packages", () -> {
                List<String> packages = new ArrayList<>();
                packages.addAll(DebianRequirements.of(checkout, "venv-debian-requirements.txt").all());
                packages.addAll(DebianRequirements.of(checkout, "src-debian-requirements.txt").all());
                return context.root().installPackages(packages, checkout.shown("venv-debian-requirements.txt")
                        + " or " + checkout.shown("src-debian-requirements.txt"));
            });
            EnvPackage env = steps.run("Env package", new BuildEnvPackageStep(context, request.software(), checkout,
                    request.pip(), commit.time()), (got, time) -> new EnvPackage(got.layout(), got.deb().timed(time)));
            // collectstatic runs on the checkout and proves each variant's settings load, Django's checks
            // pass and the Celery app loads, so a broken project fails the build before a src or site
            // package of that commit is written (the env package, made for requirements.txt alone, stays).
            Map<SiteVariant, CollectStaticStep.Result> collected = new LinkedHashMap<>();
            for (SiteVariant variant : variants) {
                SiteLayout layout = layout(variant);
                String settings = settings(variant, checkout);
                CollectStaticStep.Checks checks = new CollectStaticStep.Checks(variant.celery()
                        ? Optional.of(DjangoSite.celeryApp(settings, request.site().celeryApp())) : Optional.empty(),
                        request.site().failOnDeployWarnings());
                collected.put(variant, steps.run("Collectstatic " + layout.packageName(), new CollectStaticStep(
                        context, layout, SiteEnvironment.of(layout, variant, settings, layout.serverName(variant)),
                        checkout, srcLayout, env, staticFolder(variant), checks)));
            }
            SourcePackage src = steps.run("Src package", new BuildSourcePackageStep(context, srcLayout, commit,
                    checkout), (got, time) -> new SourcePackage(got.layout(), got.deb().timed(time)));
            List<BuiltPackage> built = new ArrayList<>(List.of(env.deb(), src.deb()));
            SiteFiles.Release release = new SiteFiles.Release(srcLayout, env.layout(), commit.id(),
                    context.root().debianRelease());
            for (SiteVariant variant : variants) {
                BuiltPackage site = buildSite(context, checkout, commit, variant, release, collected.get(variant),
                        templates);
                LastBuild.record(request.buildDir(), request.suite(), site, List.of(env.deb(), src.deb()));
                built.add(site);
            }
            return built;
        } finally {
            deleteTree(checkout.root());
            for (SiteVariant variant : variants) {
                deleteTree(staticFolder(variant));
            }
        }
    }

    private Path staticFolder(SiteVariant variant) {
        return request.buildDir().workFolder(layout(variant).packageName() + "-static");
    }

    private SiteLayout layout(SiteVariant variant) {
        return request.variants().layout(request.software(), variant);
    }

    private String settings(SiteVariant variant, Checkout checkout) throws DjddException {
        return request.site().settingsFor(variant, checkout);
    }

    private BuiltPackage buildSite(BuildContext context, Checkout checkout, ResolvedCommit commit,
            SiteVariant variant, SiteFiles.Release release, CollectStaticStep.Result collected, SiteTemplates templates)
            throws DjddException {
        SiteLayout layout = layout(variant);
        DjangoSite django = DjangoSite.of(settings(variant, checkout), request.site().wsgiApplication(),
                request.site().celeryApp(), collected.staticUrl(), collected.mediaUrl())
                .withGunicornVersion(collected.gunicornVersion());
        SiteFiles files = new SiteFiles(layout, variant, django, release, templates);
        return steps.run("Site package " + layout.packageName(), new BuildSitePackageStep(context, layout, files,
                collected.folder(), checkout.file(variantTemplates(variant)), commit.time(),
                request.site().siteVersion()), BuiltPackage::timed);
    }

    /** The variant's Django templates in the project, which its site package installs in {@code templates/}. */
    private static String variantTemplates(SiteVariant variant) {
        return "djdd/variants/" + variant.name() + "/templates";
    }

    private static void requireProjectFiles(Checkout checkout, ResolvedCommit commit) throws BuildFailedException {
        if (!Files.isRegularFile(checkout.file("manage.py"))) {
            throw new BuildFailedException("Commit " + commit.shortId() + " (" + commit.ref() + ") has no "
                    + checkout.shown("manage.py") + ": a Django project needs it there; set <projectDir> to the folder"
                    + " that holds manage.py and requirements.txt (or a lock file).");
        }
        if (!LockInput.present(checkout)) {
            throw new BuildFailedException("Commit " + commit.shortId() + " (" + commit.ref() + ") has no "
                    + checkout.shown("requirements.txt") + " and no lock file (pylock.toml, uv.lock, poetry.lock):"
                    + " a Django project needs one there; set <projectDir> to the folder that holds manage.py and"
                    + " requirements.txt (or a lock file).");
        }
    }

    private static void deleteTree(Path folder) throws DjddException {
        try {
            BuildDir.deleteTree(folder);
            Files.createDirectories(folder.getParent());
        } catch (IOException e) {
            throw new DjddException("Cannot clear " + folder + " (" + e.getMessage() + "): check the build dir.", e);
        }
    }
}
