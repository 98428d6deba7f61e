package io.github.djdd.it;

import io.github.djdd.core.build.BuildDir;
import io.github.djdd.core.build.BuiltPackage;
import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.project.BuildRequest;
import io.github.djdd.core.project.ProjectBuild;
import io.github.djdd.core.site.SiteOptions;
import io.github.djdd.core.site.SiteVariant;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A build in a JVM of its own, as a second Jenkins job would run it: {@code BuildProcess BUILD_DIR
 * SOFTWARE UPSTREAM}. Prints one line per package: {@code built NAME} or {@code reused NAME}.
 */
public final class BuildProcess {
    private BuildProcess() {}

    public static void main(String[] args) throws Exception {
        List<BuiltPackage> packages = new ProjectBuild(new BuildRequest(new BuildDir(Path.of(args[0])),
                new SoftwareName(args[1]), args[2], List.of(SiteVariant.defaults(new VariantName("blue"))),
                true, null, "", SampleProject.pip(),
                new PackageSettings(DebControl.DEFAULT_MAINTAINER, Compression.XZ, Optional.empty()),
                SiteOptions.DEFAULTS),
                new ItSupport.RecordingConsole()).run();
        for (BuiltPackage built : packages) {
            System.out.println((built.reused() ? "reused " : "built ") + built.name());
        }
    }
}
