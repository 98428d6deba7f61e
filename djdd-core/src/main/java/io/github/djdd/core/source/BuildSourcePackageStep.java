package io.github.djdd.core.source;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.checkout.DebianRequirements;
import io.github.djdd.core.deb.ByteCompile;
import io.github.djdd.core.deb.DebContent;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.DebWriter;
import io.github.djdd.core.deb.PackageDocs;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.step.Step;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.store.PackageStore;
import io.github.djdd.core.workspace.BuildDir;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds {@code {software}-src-{srchash}}: the tree of one commit at
 * {@code /usr/lib/{software}-src/{srchash}}, depending on the packages of
 * {@code src-debian-requirements.txt}.
 */
public final class BuildSourcePackageStep implements Step<BuiltPackage> {
    private final BuildDir buildDir;
    private final SoftwareName software;
    private final ResolvedCommit commit;
    private final Checkout checkout;
    private final PackageSettings settings;
    private final Console console;

    /** @param checkout the commit exported on the build host */
    public BuildSourcePackageStep(BuildDir buildDir, SoftwareName software, ResolvedCommit commit, Checkout checkout,
            PackageSettings settings, Console console) {
        this.buildDir = buildDir;
        this.software = software;
        this.commit = commit;
        this.checkout = checkout;
        this.settings = settings;
        this.console = console;
    }

    public String packageName() {
        return software + "-src-" + commit.shortId();
    }

    @Override
    public BuiltPackage call() throws DjddException {
        String name = packageName();
        return new PackageStore(buildDir, console).getOrBuild(name, () -> {
            DebianRequirements debs = DebianRequirements.of(checkout, "src-debian-requirements.txt");
            String dir = "/usr/lib/" + software + "-src/" + commit.shortId();
            List<String> depends = new ArrayList<>(List.of("python3"));
            depends.addAll(debs.all());
            DebControl control = new DebControl(name, "1", "all", settings.maintainer(), depends, "web",
                    software + " source at commit " + commit.shortId(),
                    List.of("The files of " + software + " at commit " + commit.id() + " (" + commit.ref() + "),"
                            + " installed in " + dir + ".", "Built by djdd; the site packages of " + software
                            + " depend on it."));
            Instant time = settings.timestampFor(commit.time());
            List<DebContent> contents = new ArrayList<>(List.of(new DebContent.Tree(checkout.root(), dir)));
            contents.addAll(PackageDocs.of(control, software.value(), "Commit " + commit.id() + " packaged by djdd.",
                    time, Map.of()));
            return new DebWriter(console).write(control, ByteCompile.scripts("python3", dir), contents, time,
                    settings.compression(), buildDir.packages());
        });
    }
}
