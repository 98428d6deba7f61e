package io.github.djdd.core.project;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.build.BuildDir;
import io.github.djdd.core.build.BuiltPackage;
import io.github.djdd.core.build.Checkout;
import io.github.djdd.core.build.StepsRunner;
import io.github.djdd.core.buildroot.BuildRoot;
import io.github.djdd.core.env.BuildEnvPackageStep;
import io.github.djdd.core.env.DebianRequirements;
import io.github.djdd.core.process.ProcessRunner;
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
 * Runs the build of a software's variants in order: fetch, then per variant checkout, build root
 * packages, env package and src package. Variants on the same commit share one checkout and
 * one pair of packages.
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

    /** Builds what is missing and returns every package the variants need, built or reused. */
    public List<BuiltPackage> run() throws DjddException {
        BuildRoot root = BuildRoot.open(request.buildDir(), runner, console);
        try {
            request.buildDir().removeAbandonedWork();
        } catch (IOException e) {
            console.warn("Cannot remove what killed builds left in " + request.buildDir().work() + ": "
                    + e.getMessage());
        }
        SourceRepository clone = steps.run("Fetch " + request.software(), () -> request.repository() == null
                ? SourceRepository.existing(request.buildDir(), request.software(), console)
                : SourceRepository.cloneOrFetch(request.buildDir(), request.software(), request.repository(),
                        console));
        Map<String, List<BuiltPackage>> byCommit = new LinkedHashMap<>();
        for (BuildRequest.Variant variant : request.variants()) {
            ResolvedCommit commit = clone.resolve(request.ref() != null ? request.ref() : variant.ref());
            console.info("Variant " + variant.name() + ": " + commit.ref() + " is commit " + commit.id());
            if (!byCommit.containsKey(commit.id())) {
                byCommit.put(commit.id(), buildCommit(root, clone, commit));
            }
        }
        List<BuiltPackage> all = byCommit.values().stream().flatMap(List::stream).distinct().toList();
        console.info("Packages in " + request.buildDir().packages() + ":");
        for (BuiltPackage built : all) {
            console.info("  " + built.file().getFileName() + (built.reused() ? " (reused)" : " (built)"));
        }
        return all;
    }

    private List<BuiltPackage> buildCommit(BuildRoot root, SourceRepository clone, ResolvedCommit commit)
            throws DjddException {
        Checkout checkout = new Checkout(request.buildDir().workFolder(request.software() + "-" + commit.shortId()),
                request.projectDir());
        try {
            steps.run("Checkout " + commit.shortId(), () -> {
                deleteCheckout(checkout.root());
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
            List<BuiltPackage> built = new ArrayList<>();
            built.add(steps.run("Env package", new BuildEnvPackageStep(root, request.buildDir(), request.software(),
                    checkout, request.pip(), request.settings(), commit.time(), console)));
            built.add(steps.run("Src package", new BuildSourcePackageStep(request.buildDir(), request.software(),
                    commit, checkout, request.settings(), console)));
            return built;
        } finally {
            deleteCheckout(checkout.root());
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

    private static void deleteCheckout(Path checkout) throws DjddException {
        try {
            BuildDir.deleteTree(checkout);
            Files.createDirectories(checkout.getParent());
        } catch (IOException e) {
            throw new DjddException("Cannot clear " + checkout + " (" + e.getMessage() + "): check the build dir.", e);
        }
    }
}
