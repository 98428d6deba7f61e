package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.djdd.core.Console;
import io.github.djdd.core.RecordingConsole;
import io.github.djdd.core.buildroot.RecordingRoot;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.deb.DpkgDeb;
import io.github.djdd.core.env.EnvLayout;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.source.SourceLayout;
import io.github.djdd.core.store.BuiltPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildSitePackageStepTest {
    private static final SoftwareName SOFTWARE = new SoftwareName("mysoftware");
    private static final Instant COMMIT_TIME = Instant.parse("2026-11-01T12:00:00Z");

    @TempDir
    Path dir;

    private final RecordingRoot root = new RecordingRoot(Path.of("/nonexistent"));
    private BuildContext context;
    private final RecordingConsole console = new RecordingConsole();
    private Path staticFiles;
    private Path templates;
    private final SiteLayout layout = new SiteLayout(SOFTWARE, new VariantName("berlin"), true);

    @BeforeEach
    void collectedStaticFilesAndTemplates() throws Exception {
        context = root.context(dir.resolve("build"), console);
        staticFiles = Files.createDirectories(dir.resolve("static/notes"));
        Files.writeString(staticFiles.resolve("style.css"), "body {}\n");
        staticFiles = staticFiles.getParent();
        templates = Files.createDirectories(dir.resolve("templates"));
        Files.writeString(templates.resolve("base.html"), "<html></html>\n");
    }

    private BuiltPackage build(String versionOverride) throws Exception {
        return build(versionOverride, SiteTemplates.DJDD);
    }

    private BuiltPackage build(String versionOverride, SiteTemplates siteTemplates) throws Exception {
        SiteVariant variant = SiteVariant.defaults(layout.variant());
        SiteFiles files = new SiteFiles(layout, variant, DjangoSite.of("mysite.settings", null, null, "/static/",
                "/media/"), new SiteFiles.Release(new SourceLayout(SOFTWARE, "0123456789ab", "app"),
                        new EnvLayout(SOFTWARE, "ba9876543210"), "0123456789abcdef0123456789abcdef01234567", 13),
                siteTemplates);
        return new BuildSitePackageStep(context, layout, files, staticFiles, templates, COMMIT_TIME, versionOverride)
                .call();
    }

    @Test
    void dependsOnItsEnvAndSrcAndHoldsStaticFilesAndTemplates() throws Exception {
        Path deb = build(null).file();

        assertThat(DpkgDeb.field(deb, "Depends")).startsWith(
                "mysoftware-env-ba9876543210, mysoftware-src-0123456789ab, adduser,");
        assertThat(DpkgDeb.paths(deb)).contains("./usr/lib/mysoftware-site/berlin/static/notes/style.css",
                "./usr/lib/mysoftware-site/berlin/templates/base.html", "./usr/bin/mysoftware-berlin");
        assertThat(root.commands()).isEmpty();
    }

    @Test
    void versionComesFromTheCommitTimeIdAndContentsSoTheSameInputsGiveTheSameVersion() throws Exception {
        String first = DpkgDeb.field(build(null).file(), "Version");
        String again = DpkgDeb.field(build(null).file(), "Version");
        Files.writeString(templates.resolve("base.html"), "<html>changed</html>\n");
        String changed = DpkgDeb.field(build(null).file(), "Version");

        assertThat(first).matches("20261101\\.120000\\.deb12\\+g0123456789ab\\.[0-9a-f]{8}").isEqualTo(again);
        assertThat(changed).startsWith("20261101.120000.deb12+g0123456789ab.").isNotEqualTo(first);
    }

    /** A package of that version in packages/ would be reused: a changed replacement must change the version. */
    @Test
    void aChangedReplacementTemplateGivesANewVersion() throws Exception {
        Path deployment = Files.createDirectories(dir.resolve("deployment/djdd/templates"));
        Checkout checkout = new Checkout(Files.createDirectories(dir.resolve("commit")), "");
        String djdds = DpkgDeb.field(build(null).file(), "Version");
        Files.writeString(deployment.resolve("postinst"), "#!/bin/sh\necho first\n");
        BuiltPackage first = build(null, SiteTemplates.read(deployment, checkout, false, Console.NULL));
        Files.writeString(deployment.resolve("postinst"), "#!/bin/sh\necho second\n");
        BuiltPackage second = build(null, SiteTemplates.read(deployment, checkout, false, Console.NULL));

        assertThat(first.reused()).isFalse();
        assertThat(second.reused()).isFalse();
        assertThat(List.of(djdds, DpkgDeb.field(first.file(), "Version"), DpkgDeb.field(second.file(), "Version")))
                .doesNotHaveDuplicates();
        Path control = dir.resolve("control");
        DpkgDeb.run("--control", second.file(), control);
        assertThat(control.resolve("postinst")).hasContent("#!/bin/sh\necho second");
    }

    @Test
    void aConfiguredVersionWins() throws Exception {
        BuiltPackage site = build("42");

        assertThat(site.file().getFileName()).hasToString("mysoftware-site-berlin_42+deb12_all.deb");
        assertThat(site.reused()).isFalse();
    }

    /** A build number after djdd's own versions: apt would not upgrade to it, djdd:publish refuses it. */
    @Test
    void aConfiguredVersionThatSortsBelowDjddsOwnIsWarnedOf() throws Exception {
        build("42");

        assertThat(console.warnings()).containsExactly("The site version 42+deb12 (<siteVersion>) sorts below"
                + " 20261101.120000.deb12+g0123456789ab.HASH, the version djdd gives this build without"
                + " <siteVersion>: a server that has a site package of djdd's version never upgrades to it, and"
                + " djdd:publish refuses it for a repository that has one. Use a version that grows with every build and starts with the"
                + " build's UTC time, such as YYYYMMDD.HHMMSS.N with the build number N"
                + " (-Ddjdd.siteVersion=$(date -u +%Y%m%d.%H%M%S).$BUILD_NUMBER).");

        console.logged.clear();
        build("20261101.130000.42");
        assertThat(console.warnings()).isEmpty();
    }
}
