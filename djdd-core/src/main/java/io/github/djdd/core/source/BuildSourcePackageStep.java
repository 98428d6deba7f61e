package io.github.djdd.core.source;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.checkout.DebianRequirements;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.deb.ByteCompile;
import io.github.djdd.core.deb.DebContent;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.DebWriter;
import io.github.djdd.core.deb.PackageDocs;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.step.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds {@code {software}-src-{srchash}}: the tree of one commit at
 * {@code /usr/lib/{software}-src/{srchash}}, depending on the packages of
 * {@code src-debian-requirements.txt}.
 */
public final class BuildSourcePackageStep implements Step<SourcePackage> {
    private final BuildContext context;
    private final SourceLayout layout;
    private final ResolvedCommit commit;
    private final Checkout checkout;

    /** @param checkout the commit exported on the build host */
    public BuildSourcePackageStep(BuildContext context, SourceLayout layout, ResolvedCommit commit, Checkout checkout) {
        this.context = context;
        this.layout = layout;
        this.commit = commit;
        this.checkout = checkout;
    }

    @Override
    public SourcePackage call() throws DjddException {
        String name = layout.packageName();
        String software = layout.software().value();
        PackageSettings settings = context.packages();
        return new SourcePackage(layout, context.store().getOrBuild(name, () -> {
            DebianRequirements debs = DebianRequirements.of(checkout, "src-debian-requirements.txt");
            String dir = layout.installDir();
            List<String> depends = new ArrayList<>(List.of("python3"));
            depends.addAll(debs.all());
            DebControl control = new DebControl(name, "1", "all", settings.maintainer(), depends, "web",
                    software + " source at commit " + layout.commitId(),
                    List.of("The files of " + software + " at commit " + commit.id() + " (" + commit.ref() + "),"
                            + " installed in " + dir + ".", "Built by djdd; the site packages of " + software
                            + " depend on it."));
            Instant time = settings.timestampFor(commit.time());
            List<DebContent> contents = new ArrayList<>(List.of(new DebContent.Tree(checkout.root(), dir)));
            contents.addAll(PackageDocs.of(control, software, "Commit " + commit.id() + " packaged by djdd.", time,
                    Map.of()));
            return new DebWriter(context.console()).write(control, ByteCompile.scripts("python3", dir), contents, time,
                    settings.compression(), context.buildDir().packages());
        }));
    }
}
