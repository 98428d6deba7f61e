package io.github.djdd.plugin;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.workspace.BuildDir;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * What every djdd goal shares: the build dir, the software and its variants, skip. Subclasses
 * adapt their own parameters, call the core and let {@link #execute()} turn the core's typed
 * exceptions into Maven's.
 */
abstract class AbstractDjddMojo extends AbstractMojo {
    /**
     * The build dir: holds the build root, the clones, the packages and the caches.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.buildDir", defaultValue = "/var/lib/djdd/build")
    File buildDir;

    /**
     * The software's short name, the prefix of every package and site user: 2 to 16 characters,
     * lowercase letters, digits and single hyphens, starting with a letter.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.software")
    String software;

    /**
     * The tenants of the software, each with its own site package. None: one site named after
     * the software alone.
     *
     * @since 0.1.0
     */
    @Parameter
    List<Variant> variants = new ArrayList<>();

    /**
     * Skips the goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = "djdd.skip", defaultValue = "false")
    boolean skip;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping djdd (djdd.skip is true).");
            return;
        }
        try {
            run(new MavenConsole(getLog()));
        } catch (BuildFailedException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (DjddException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
    }

    abstract void run(Console console) throws DjddException;

    /** The software name, checked against the naming rule. */
    SoftwareName softwareName() throws InvalidConfigurationException {
        if (software == null || software.isBlank()) {
            throw new InvalidConfigurationException("software", "No software name configured: set <software> in the"
                    + " plugin's configuration or pass -Ddjdd.software=NAME.");
        }
        return SoftwareName.of(software);
    }

    /**
     * The configured variants, each checked, and those of them {@code selector} (-Dvariant) names;
     * null or blank: all.
     */
    SiteVariants variants(String selector) throws InvalidConfigurationException {
        List<SiteVariant> configured = new ArrayList<>();
        for (Variant variant : variants) {
            configured.add(variant.toSiteVariant());
        }
        return SiteVariants.select(configured, selector);
    }

    /** The build dir, created and proven writable. */
    BuildDir preparedBuildDir() throws InvalidConfigurationException {
        return BuildDir.prepare(buildDir.toPath());
    }
}
