package io.github.djdd.it;

import io.github.djdd.core.buildroot.BuildRootOptions;
import io.github.djdd.core.buildroot.InitBuildRootStep;
import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.project.BuildRequest;
import io.github.djdd.core.project.ProjectBuild;
import io.github.djdd.core.site.SiteOptions;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A build in a JVM of its own, as a second Jenkins job would run it, so that tests can run two at
 * once or kill one. {@code BuildProcess init BUILD_DIR} makes the build root; {@code BuildProcess
 * build BUILD_DIR SOFTWARE UPSTREAM REF|- VARIANT...} builds and prints one line per package:
 * {@code built NAME} or {@code reused NAME}.
 */
public final class BuildProcess {
    private BuildProcess() {}

    /** The command line that runs this class with the test's class path, writing packages as by default. */
    static List<String> command(String... args) {
        return command(Compression.DEFAULT, args);
    }

    /** As {@link #command(String...)}, with the packages' compression given. */
    static List<String> command(Compression compression, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "-Ddjdd.it.wheelhouse="
                + System.getProperty("djdd.it.wheelhouse", ""), "-Ddjdd.it.compression=" + compression,
                BuildProcess.class.getName()));
        command.addAll(Arrays.asList(args));
        return command;
    }

    public static void main(String[] args) throws Exception {
        BuildDir buildDir = BuildDir.prepare(Path.of(args[1]));
        ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();
        if (args[0].equals("init")) {
            new InitBuildRootStep(buildDir, BuildRootOptions.of(BuildRootOptions.DEFAULT_SUITE,
                    BuildRootOptions.DEFAULT_MIRROR), console).call();
            return;
        }
        List<SiteVariant> variants = new ArrayList<>();
        for (String variant : Arrays.asList(args).subList(5, args.length)) {
            variants.add(SiteVariant.defaults(VariantName.of(variant)));
        }
        List<BuiltPackage> packages = new ProjectBuild(new BuildRequest(buildDir, ItSupport.SUITE, new SoftwareName(args[2]), args[3],
                new SiteVariants(variants, true), args[4].equals("-") ? null : args[4], "", SampleProject.pip(),
                new PackageSettings(DebControl.DEFAULT_MAINTAINER,
                        Compression.valueOf(System.getProperty("djdd.it.compression")), Optional.empty()),
                SiteOptions.DEFAULTS), console).run();
        for (BuiltPackage built : packages) {
            System.out.println((built.reused() ? "reused " : "built ") + built.name());
        }
    }
}
