package io.github.djdd.core.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.RecordingConsole;
import io.github.djdd.core.buildroot.RecordingRoot;
import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.DpkgDeb;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.env.PipOptions;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.site.SiteOptions;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order and reuse of a whole build's steps, with a build root that only records commands. */
class ProjectBuildTest {

    @TempDir
    Path dir;

    private final RecordingConsole console = new RecordingConsole();
    private RecordingRoot root;
    private BuildDir buildDir;
    private Path upstream;
    private RevCommit commit;

    @BeforeEach
    void upstreamProject() throws Exception {
        upstream = dir.resolve("upstream");
        Files.createDirectories(upstream);
        Files.writeString(upstream.resolve("manage.py"),
                "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n");
        Files.writeString(upstream.resolve("requirements.txt"), "Django==5.2\n");
        Files.writeString(upstream.resolve("venv-debian-requirements.txt"), "libpq-dev libpq5\n");
        Files.writeString(upstream.resolve("src-debian-requirements.txt"), "gettext\n");
        try (Git git = Git.init().setDirectory(upstream.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            PersonIdent who = new PersonIdent("djdd test", "test@example.org",
                    Instant.parse("2026-11-01T12:00:00Z"), TimeZone.getTimeZone("UTC").toZoneId());
            commit = git.commit().setMessage("project").setAuthor(who).setCommitter(who).call();
        }
        root = new RecordingRoot(dir.resolve("root")).answer("/usr/lib/mysoftware-env/",
                command -> RecordingRoot.output("djdd-static-url=/static/", "djdd-media-url=/media/",
                        "djdd-input=read manage.py"));
        buildDir = BuildDir.prepare(dir.resolve("build"));
    }

    private List<BuiltPackage> build(String... variants) throws Exception {
        return build(SiteOptions.DEFAULTS, variants);
    }

    private List<BuiltPackage> build(SiteOptions site, String... variants) throws Exception {
        List<SiteVariant> configured = Arrays.stream(variants)
                .map(name -> SiteVariant.defaults(new VariantName(name))).toList();
        BuildRequest request = new BuildRequest(buildDir, "bookworm", new SoftwareName("mysoftware"), upstream.toString(),
                SiteVariants.select(configured, null), null, "", PipOptions.of("https://pypi.example.com/simple",
                        List.of(), List.of(), List.of(), List.of(), dir, Map.of()),
                new PackageSettings(DebControl.DEFAULT_MAINTAINER, Compression.GZIP, Optional.empty()), site);
        return new ProjectBuild(request, console).run(root);
    }

    private List<String> stepHeaders() {
        return console.infos().stream().filter(line -> line.startsWith("--- ")).toList();
    }

    @Test
    void variantsOnOneCommitShareEnvAndSrcAndCollectstaticRunsBeforeTheSrcPackage() throws Exception {
        List<BuiltPackage> packages = build("berlin", "blue");

        String id = commit.getName();
        assertThat(packages).extracting(BuiltPackage::name).hasSize(4).contains("mysoftware-src-" + id.substring(0, 12),
                "mysoftware-site-berlin", "mysoftware-site-blue").first().asString().startsWith("mysoftware-env-");
        assertThat(stepHeaders()).containsExactly("--- Fetch mysoftware ---", "--- Checkout " + id.substring(0, 12)
                + " ---", "--- Build root packages ---", "--- Env package ---",
                "--- Collectstatic mysoftware-site-berlin ---", "--- Collectstatic mysoftware-site-blue ---",
                "--- Src package ---", "--- Site package mysoftware-site-berlin ---",
                "--- Site package mysoftware-site-blue ---");
        assertThat(console.infos()).contains("Variant berlin: main is commit " + id, "Variant blue: main is commit " + id);
        assertThat(root.installed()).containsExactly("libpq5", "libpq-dev", "gettext");
        assertThat(root.lines()).filteredOn(line -> line.contains("pip install --dry-run")).hasSize(1);
        assertThat(root.lines()).filteredOn(line -> line.contains("pip install --no-deps")).hasSize(1);
        assertThat(root.lines()).filteredOn(line -> line.contains("collectstatic")).hasSize(2);
        assertThat(buildDir.work()).isEmptyDirectory();
    }

    @Test
    void aSecondBuildOfTheSameInputsReusesEveryPackageAndRunsNeitherPipNorCollectstatic() throws Exception {
        List<BuiltPackage> first = build("berlin");
        int before = root.lines().size();

        List<BuiltPackage> again = build("berlin");

        assertThat(again).extracting(BuiltPackage::reused).containsExactly(true, true, true);
        assertThat(again).extracting(BuiltPackage::file).isEqualTo(first.stream().map(BuiltPackage::file).toList());
        assertThat(root.lines().subList(before, root.lines().size()))
                .containsExactly("python3 -c 'import sys; print('\\''%d.%d'\\'' % sys.version_info[:2])'");
        // The summary that ends the build: each package, how it was got, its size and time.
        List<String> infos = console.infos();
        List<String> table = infos.subList(infos.lastIndexOf("Packages in " + buildDir.packages() + ":") + 1,
                infos.size());
        assertThat(table.get(0)).matches(" +package +how +size +time");
        assertThat(table.subList(1, table.size())).hasSize(3).allSatisfy(row -> assertThat(row)
                .matches(" +mysoftware-(env|src|site)-\\S+\\.deb +reused +[0-9.]+ KiB +[0-9.]+ s"));
        assertThat(table.get(1)).contains(first.get(0).file().getFileName().toString());
    }

    @Test
    void aNewCommitBuildsNewSrcAndSitePackagesAndReusesTheEnv() throws Exception {
        build("berlin");
        try (Git git = Git.open(upstream.toFile())) {
            Files.writeString(upstream.resolve("manage.py"), "# changed\n", StandardOpenOption.APPEND);
            git.add().addFilepattern(".").call();
            git.commit().setMessage("change").setAuthor(new PersonIdent("t", "t@example.org")).call();
        }

        List<BuiltPackage> again = build("berlin");

        assertThat(again).extracting(BuiltPackage::reused).containsExactly(true, false, false);
        assertThat(root.lines()).filteredOn(line -> line.contains("collectstatic")).hasSize(2);
    }

    /** A new commit on the built branch with {@code files} (path to text) added or changed. */
    private void commit(Map<String, String> files) throws Exception {
        try (Git git = Git.open(upstream.toFile())) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path path = upstream.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
            }
            git.add().addFilepattern(".").call();
            git.commit().setMessage("templates").setAuthor(new PersonIdent("t", "t@example.org")).call();
        }
    }

    /** The packages in packages/, which the first package written creates. */
    private List<String> debs() {
        String[] names = buildDir.packages().toFile().list();
        return names == null ? List.of() : Arrays.stream(names).filter(name -> name.endsWith(".deb")).toList();
    }

    /**
     * The attacker: someone who can push to the built branch, but is trusted with nothing on the
     * servers, commits a postinst, which every server would run as root.
     */
    @Test
    void aPostinstCommittedToTheProjectIsRefusedAndNothingIsBuilt() throws Exception {
        commit(Map.of("djdd/templates/postinst", "#!/bin/sh\ntouch /root/pwned\n"));

        assertThatThrownBy(() -> build("berlin")).isInstanceOf(BuildFailedException.class)
                .hasMessage("The project's djdd/templates/postinst would replace a template that runs as root or"
                        + " configures services on the servers, which only the deployment may do: move it beside the"
                        + " deployment POM (into its djdd/templates/, or the folder <templates> names), or set"
                        + " <projectTemplates>true</projectTemplates> if everyone who can push to the project may have"
                        + " root on the servers.");
        assertThat(debs()).isEmpty();
        assertThat(root.installed()).as("nothing installed into the build root either").isEmpty();
    }

    /** The site package's file {@code path} (a maintainer script as DEBIAN/NAME). */
    private String siteFile(List<BuiltPackage> packages, String path) throws Exception {
        Path deb = packages.stream().filter(built -> built.name().equals("mysoftware-site-berlin")).findFirst()
                .orElseThrow().file();
        Path unpacked = dir.resolve("unpacked");
        BuildDir.deleteTree(unpacked);
        DpkgDeb.run("--raw-extract", deb, unpacked);
        return Files.readString(unpacked.resolve(path));
    }

    @Test
    void theDeploymentsFolderReplacesThePostinst() throws Exception {
        Path deployment = Files.createDirectories(dir.resolve("deployment/djdd/templates"));
        Files.writeString(deployment.resolve("postinst"), "#!/bin/sh\necho the operator's postinst for @package@\n");

        List<BuiltPackage> packages = build(SiteOptions.DEFAULTS.withTemplates(deployment, false), "berlin");

        assertThat(siteFile(packages, "DEBIAN/postinst"))
                .isEqualTo("#!/bin/sh\necho the operator's postinst for mysoftware-site-berlin\n");
        assertThat(console.infos()).contains("Site templates replaced: postinst from the deployment's " + deployment
                + ".");
    }

    @Test
    void projectTemplatesLetsTheProjectsPostinstInAndTheDeploymentsStillWins() throws Exception {
        commit(Map.of("djdd/templates/postinst", "#!/bin/sh\necho the project's postinst\n",
                "djdd/templates/prerm", "#!/bin/sh\necho the project's prerm\n"));
        Path deployment = Files.createDirectories(dir.resolve("deployment/djdd/templates"));
        Files.writeString(deployment.resolve("prerm"), "#!/bin/sh\necho the operator's prerm\n");

        List<BuiltPackage> packages = build(SiteOptions.DEFAULTS.withTemplates(deployment, true), "berlin");

        assertThat(siteFile(packages, "DEBIAN/postinst")).isEqualTo("#!/bin/sh\necho the project's postinst\n");
        assertThat(siteFile(packages, "DEBIAN/prerm")).isEqualTo("#!/bin/sh\necho the operator's prerm\n");
        assertThat(console.infos()).contains("Site templates replaced: prerm from the deployment's " + deployment
                + "; postinst from the project's djdd/templates.");
    }

    @Test
    void theProjectsMaintenancePageNeedsNoPermission() throws Exception {
        commit(Map.of("djdd/templates/maintenance.html", "<p>@package@ is resting</p>\n"));

        List<BuiltPackage> packages = build("berlin");

        assertThat(siteFile(packages, "usr/lib/mysoftware-site/berlin/maintenance.html"))
                .isEqualTo("<p>mysoftware-site-berlin is resting</p>\n");
        assertThat(siteFile(packages, "DEBIAN/postinst")).contains("generated by djdd");
    }

    /**
     * The attacker: a committer links the variant's Django templates to a folder of the build
     * machine (where the signing key is), which would be packaged and published with the site.
     */
    @Test
    void aVariantsTemplatesFolderThatLinksOutOfTheCommitIsRefused() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("build-machine/keys"));
        Files.writeString(secrets.resolve("signing-key.asc"), "-----BEGIN PGP PRIVATE KEY BLOCK-----\n");
        Files.createDirectories(upstream.resolve("djdd/variants/berlin"));
        Files.createSymbolicLink(upstream.resolve("djdd/variants/berlin/templates"), secrets);
        commit(Map.of());

        assertThatThrownBy(() -> build("berlin")).isInstanceOf(BuildFailedException.class)
                .hasMessage("The project's djdd/variants/berlin/templates is a link to " + secrets.toRealPath()
                        + ", outside the commit: commit the file itself, not a link.");
        assertThat(debs()).noneMatch(name -> name.startsWith("mysoftware-site-"));
    }

    @Test
    void settingsThatDoNotLoadStopTheBuildBeforeTheSrcPackage() {
        root.answer("/usr/lib/mysoftware-env/", command -> RecordingRoot.failure(1,
                "ModuleNotFoundError: No module named 'mysite'"));

        assertThatThrownBy(() -> build("berlin")).isInstanceOf(BuildFailedException.class)
                .hasMessageStartingWith("The settings module mysite.settings does not load in commit "
                        + commit.getName().substring(0, 12));
        assertThat(buildDir.packages().toFile().list()).noneMatch(name -> name.startsWith("mysoftware-src-")
                || name.startsWith("mysoftware-site"));
    }
}
