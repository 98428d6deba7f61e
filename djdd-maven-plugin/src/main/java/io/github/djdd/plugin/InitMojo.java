package io.github.djdd.plugin;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BuildRootOptions;
import io.github.djdd.core.buildroot.InitBuildRootStep;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.step.StepsRunner;
import io.github.djdd.core.workspace.BuildDir;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Creates, completes or updates the build root of a suite: a minimal Debian of {@code suite} in
 * {@code roots/SUITE} of the build dir with the build packages, the suite's updates and security
 * archives, the {@code djdd} group, a schroot definition for it, and the package helper with the
 * sudo rule that lets the group's builds install a project's Debian packages. A second run on a
 * complete root applies pending updates and prints them. Needs root; the other goals run as root
 * or as any member of the {@code djdd} group.
 *
 * @since 0.1.0
 */
@Mojo(name = "init", requiresProject = false, threadSafe = true)
public class InitMojo extends AbstractDjddMojo {
    /**
     * The Debian codename of the build root; the same as the target servers'.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.suite", defaultValue = BuildRootOptions.DEFAULT_SUITE)
    String suite;

    /**
     * The Debian archive the root is bootstrapped from and updated with.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.mirror", defaultValue = BuildRootOptions.DEFAULT_MIRROR)
    String mirror;

    /**
     * The Debian security archive the root is updated from (<code>{suite}-security</code>); {@code none}
     * for an offline mirror without one.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.securityMirror", defaultValue = BuildRootOptions.DEFAULT_SECURITY_MIRROR)
    String securityMirror;

    @Override
    void run(Console console) throws DjddException {
        // init needs neither, but a POM with a bad name should fail now, not at the first build.
        if (software != null) {
            SoftwareName.of(software);
        }
        variants(null);
        BuildRootOptions options = BuildRootOptions.of(suite, mirror, securityMirror);
        InitBuildRootStep init = new InitBuildRootStep(BuildDir.prepareForInit(buildDir.toPath()), options, console);
        new StepsRunner(console).run("Build root " + options.suite(), init);
    }
}
