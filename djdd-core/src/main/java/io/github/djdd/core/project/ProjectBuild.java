package io.github.djdd.core.project;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.build.BuildDir;
import io.github.djdd.core.build.DiskFull;
import io.github.djdd.core.build.PackageStore;
import io.github.djdd.core.build.BuiltPackage;
import io.github.djdd.core.build.Checkout;
import io.github.djdd.core.build.StepsRunner;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.env.BuildEnvPackageStep;
import io.github.djdd.core.env.DebianRequirements;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.site.BuildSitePackageStep;
import io.github.djdd.core.site.CollectStaticStep;
import io.github.djdd.core.site.DjangoSite;
import io.github.djdd.core.site.SiteEnvironment;
import io.github.djdd.core.site.SiteFiles;
import io.github.djdd.core.site.SiteLayout;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.source.BuildSourcePackageStep;
import io.github.djdd.core.source.ResolvedCommit;
import io.github.djdd.core.source.SourceRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the build of a software's variants in order: fetch, then per commit checkout, build root
 * packages, env package and src package, then per variant collectstatic and site package.
 * Variants on the same commit share one checkout and one pair of env and src packages.
 */
public final class ProjectBuild {
    private final BuildRequest request;
    private final Console console;
    private final ProcessRunner runner;
    private final StepsRunner steps;

    public ProjectBuild(BuildRequest request, Console console) {
        this.request = request;
        this.console = console;
        this.runner = new ProcessRunner(console);
        this.steps = new StepsRunner(console);
    }

    /**
     * Builds what is missing and returns every package the variants need, built or reused.
     *
     * @throws DjddException naming the build dir's file system when a full disk stopped the build
     */
    public List<BuiltPackage> run() throws DjddException {
        try {
            return build();
        } catch (DjddException e) {
            throw DiskFull.explain(request.buildDir().path(), e);
        }
    }

    private List<BuiltPackage> build() throws DjddException {
        BuildRoot root = BuildRoot.open(request.buildDir(), runner, console);
        try {
            request.buildDir().removeAbandonedWork();
        } catch (IOException e) {
            console.warn("Cannot remove what killed builds left in " + request.buildDir().work() + ": "
                    + e.getMessage());
        }
        new PackageStore(request.buildDir(), console).removeLeftovers();
        SourceRepository clone = steps.run("Fetch " + request.software(), () -> request.repository() == null
                ? SourceRepository.existing(request.buildDir(), request.software(), console)
                : SourceRepository.fetchOrUseClone(request.buildDir(), request.software(), request.repository(),
                        console));
        Map<String, ResolvedCommit> commits = new LinkedHashMap<>();
        Map<String, List<SiteVariant>> variantsByCommit = new LinkedHashMap<>();
        for (SiteVariant variant : request.variants()) {
            ResolvedCommit commit = clone.resolve(request.ref() != null ? request.ref() : variant.ref());
            console.info("Variant " + variant.name() + ": " + commit.ref() + " is commit " + commit.id());
            commits.putIfAbsent(commit.id(), commit);
            variantsByCommit.computeIfAbsent(commit.id(), id -> new ArrayList<>()).add(variant);
        }
        List<BuiltPackage> all = new ArrayList<>();
        for (Map.Entry<String, List<SiteVariant>> group : variantsByCommit.entrySet()) {
            all.addAll(buildCommit(root, clone, commits.get(group.getKey()), group.getValue()));
        }
        all = all.stream().distinct().toList();
        console.info("Packages in " + request.buildDir().packages() + ":");
        for (BuiltPackage built : all) {
            console.info("  " + built.file().getFileName() + (built.reused() ? " (reused)" : " (built)"));
        }
        return all;
    }

    /** The env and src packages of one commit, then the site package of every variant on it. */
    private List<BuiltPackage> buildCommit(BuildRoot root, SourceRepository clone, ResolvedCommit commit,
            List<SiteVariant> variants) throws DjddException {
        Checkout checkout = new Checkout(request.buildDir().workFolder(request.software() + "-" + commit.shortId()),
                request.projectDir());
        try {
            steps.run("Checkout " + commit.shortId(), () -> {
                deleteTree(checkout.root());
                clone.export(commit, checkout.root());
                requireProjectFiles(checkout, commit);
                return checkout;
            });
            steps.run("Build root packages", () -> {
                List<String> packages = new ArrayList<>();
                packages.addAll(DebianRequirements.of(checkout, "venv-debian-requirements.txt").all());
                packages.addAll(DebianRequirements.of(checkout, "src-debian-requirements.txt").all());
                return root.installPackages(packages, checkout.shown("venv-debian-requirements.txt") + " or "
                        + checkout.shown("src-debian-requirements.txt"));
            });
            BuiltPackage env = steps.run("Env package", new BuildEnvPackageStep(root, request.buildDir(),
                    request.software(), checkout, request.pip(), request.settings(), commit.time(), console));
            BuiltPackage src = steps.run("Src package", new BuildSourcePackageStep(request.buildDir(),
                    request.software(), commit, checkout, request.settings(), console));
            List<BuiltPackage> built = new ArrayList<>(List.of(env, src));
            for (SiteVariant variant : variants) {
                built.add(buildSite(root, checkout, commit, variant, env, src));
            }
            return built;
        } finally {
            deleteTree(checkout.root());
        }
    }

    private BuiltPackage buildSite(BuildRoot root, Checkout checkout, ResolvedCommit commit, SiteVariant variant,
            BuiltPackage env, BuiltPackage src) throws DjddException {
        SiteLayout layout = new SiteLayout(request.software(), variant.name(), request.named());
        String settings = request.site().settingsFor(variant, checkout);
        String envHash = env.name().substring(env.name().lastIndexOf('-') + 1);
        String srcRoot = "/usr/lib/" + request.software() + "-src/" + commit.shortId();
        SiteFiles.Release release = new SiteFiles.Release(src.name(), commit.shortId(),
                srcRoot + (checkout.projectDir().isEmpty() ? "" : "/" + checkout.projectDir()), env.name(), envHash,
                commit.id());
        Path staticFiles = request.buildDir().workFolder(layout.packageName() + "-static");
        try {
            CollectStaticStep.Result collected = steps.run("Collectstatic " + layout.packageName(),
                    new CollectStaticStep(root, request.buildDir(), layout,
                            SiteEnvironment.of(layout, variant, settings, layout.serverName(variant)), checkout, srcRoot,
                            env, "/usr/lib/" + request.software() + "-env/" + envHash, staticFiles, commit.shortId(),
                            console));
            DjangoSite django = DjangoSite.of(settings, request.site().wsgiApplication(), request.site().celeryApp(),
                    collected.staticUrl(), collected.mediaUrl());
            SiteFiles files = new SiteFiles(layout, variant, django, release, checkout.file("djdd/templates"));
            return steps.run("Site package " + layout.packageName(), new BuildSitePackageStep(request.buildDir(),
                    layout, files, staticFiles, checkout.file("djdd/variants/" + variant.name() + "/templates"),
                    request.settings(), commit.time(), request.site().siteVersion(), console));
        } finally {
            deleteTree(staticFiles);
        }
    }

    private static void requireProjectFiles(Checkout checkout, ResolvedCommit commit) throws BuildFailedException {
        for (String file : List.of("manage.py", "requirements.txt")) {
            if (!Files.isRegularFile(checkout.file(file))) {
                throw new BuildFailedException("Commit " + commit.shortId() + " (" + commit.ref() + ") has no "
                        + checkout.shown(file) + ": a Django project needs it there; set <projectDir> to the folder"
                        + " that holds manage.py and requirements.txt.");
            }
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
