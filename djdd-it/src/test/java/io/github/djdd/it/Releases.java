package io.github.djdd.it;

import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.project.BuildRequest;
import io.github.djdd.core.project.ProjectBuild;
import io.github.djdd.core.project.ProjectPublish;
import io.github.djdd.core.project.PublishRequest;
import io.github.djdd.core.publish.Channel;
import io.github.djdd.core.site.SiteOptions;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The packages of an upstream's branches, built in the cached build dir as {@code djdd:build}
 * builds them the first time a test asks (the env and src of a commit once, shared by its
 * variants), and published as {@code djdd:publish} publishes a variant's last build.
 */
final class Releases {
    private final BuildDir buildDir;
    private final Path upstream;
    /** Releases built so far, by suite, ref and variant names. */
    private final Map<String, List<BuiltPackage>> built = new HashMap<>();
    /** The suites whose build root djdd:init's step has checked in this run. */
    private final Set<String> initialized = new HashSet<>();

    Releases(Path upstream) throws Exception {
        this.buildDir = ItSupport.buildDir();
        this.upstream = upstream;
    }

    /** The packages of {@code ref} for {@code variants} built in the root of {@code suite}: [env, src, site...]. */
    synchronized List<BuiltPackage> release(String suite, String ref, SiteVariant... variants) throws Exception {
        String key = suite + " " + ref + " " + Arrays.stream(variants).map(v -> v.name().value())
                .collect(Collectors.joining(" "));
        List<BuiltPackage> packages = built.get(key);
        if (packages == null) {
            if (initialized.add(suite)) {
                ItSupport.cachedRoot(suite);
            }
            packages = new ProjectBuild(new BuildRequest(buildDir, suite, SiteServers.SOFTWARE, upstream.toString(),
                    new SiteVariants(List.of(variants), true), ref, "", SampleProject.pip(), new PackageSettings(
                            DebControl.DEFAULT_MAINTAINER, Compression.GZIP, Optional.empty()), SiteOptions.DEFAULTS),
                    new ItSupport.RecordingConsole()).run();
            built.put(key, packages);
        }
        return packages;
    }

    /** What {@code djdd:publish} does for {@code variant}'s last build of {@code suite}: into {@code channel} of {@code target}. */
    void publish(String suite, PublishRequest.Target target, Channel channel, SiteVariant variant) throws Exception {
        new ProjectPublish(new PublishRequest(buildDir, suite, SiteServers.SOFTWARE, new SiteVariants(List.of(variant),
                true), target, 5, channel), new ItSupport.RecordingConsole()).run();
    }
}
