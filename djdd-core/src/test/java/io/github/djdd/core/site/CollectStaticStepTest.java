package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.RecordingConsole;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.RecordingRoot;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.env.EnvLayout;
import io.github.djdd.core.env.EnvPackage;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.source.SourceLayout;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands collectstatic issues in the build root, checked without one. */
class CollectStaticStepTest {
    private static final SoftwareName SOFTWARE = new SoftwareName("mysoftware");
    private static final String PYTHON = "/usr/lib/mysoftware-env/ba9876543210/bin/python";
    private static final String AS_NOBODY = "setpriv --reuid=65534 --regid=65534 --clear-groups -- " + PYTHON;

    @TempDir
    Path dir;

    private RecordingRoot root;
    private BuildContext context;
    private Checkout checkout;
    private EnvPackage env;
    private Path output;
    private final SiteLayout layout = new SiteLayout(SOFTWARE, new VariantName("berlin"), true);

    @BeforeEach
    void envPackageAndCheckout() throws Exception {
        root = new RecordingRoot(dir.resolve("root")).answer(AS_NOBODY + " -c", command -> RecordingRoot.output(
                "djdd-static-url=/assets/", "djdd-media-url=/uploads/", "0 static files copied"));
        context = root.context(dir.resolve("build"), new RecordingConsole());
        BuildDir buildDir = context.buildDir();
        Path deb = Files.createDirectories(buildDir.packages()).resolve("mysoftware-env-ba9876543210_1_amd64.deb");
        Files.writeString(deb, "a package");
        PackageChecksum.write(deb, deb);
        env = new EnvPackage(new EnvLayout(SOFTWARE, "ba9876543210"),
                new BuiltPackage("mysoftware-env-ba9876543210", deb, false));
        checkout = new Checkout(Files.createDirectories(dir.resolve("checkout/app")).getParent(), "app");
        output = dir.resolve("static");
    }

    private CollectStaticStep.Result collect() throws Exception {
        return collect(layout, Map.of("DEBUG", "0"));
    }

    private CollectStaticStep.Result collect(SiteLayout site, Map<String, String> variables) throws Exception {
        SiteVariant variant = SiteVariant.builder(site.variant()).environment(variables).build();
        Map<String, String> environment = SiteEnvironment.of(site, variant, "mysite.settings",
                site.serverName(variant));
        return new CollectStaticStep(context, site, environment, checkout,
                new SourceLayout(SOFTWARE, "0123456789ab", "app"), env, output).call();
    }

    private RootCommand commandOf(String program) {
        return root.commands().stream().filter(c -> c.argv().contains(program)).findFirst().orElseThrow();
    }

    /** collectstatic as Django runs it: one file into the bound folder, which nobody must own. */
    private void collectstaticWritesAFile(String... inputs) {
        root.answer(AS_NOBODY + " -c", command -> {
            try {
                assertThat(Files.getAttribute(output, "unix:uid")).isEqualTo(65534);
                Files.writeString(output.resolve("style.css"), "body {}\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            List<String> lines = new ArrayList<>(List.of("djdd-static-url=/assets/", "djdd-media-url=/uploads/",
                    "1 static file copied"));
            for (String input : inputs) {
                lines.add("djdd-input=" + input);
            }
            return RecordingRoot.output(lines.toArray(String[]::new));
        });
    }

    @Test
    void runsAsNobodyWithTheSrcAndStaticFolderBoundWhereTheSiteHasThem() throws Exception {
        collectstaticWritesAFile();

        CollectStaticStep.Result result = collect();

        assertThat(result.staticUrl()).isEqualTo("/assets/");
        assertThat(result.mediaUrl()).isEqualTo("/uploads/");
        assertThat(root.commands()).filteredOn(c -> c.argv().contains(PYTHON)).as("one python for URLs and files")
                .hasSize(1);
        RootCommand collect = root.commands().stream().filter(c -> c.argv().contains(PYTHON)).findFirst()
                .orElseThrow();
        assertThat(collect.argv()).startsWith("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                PYTHON, "-c").endsWith("/usr/lib/mysoftware-src/0123456789ab/app/manage.py",
                "/usr/lib/mysoftware-src/0123456789ab");
        assertThat(collect.argv().get(7)).contains("django.setup()", "settings.STATIC_URL", "settings.MEDIA_URL",
                "'collectstatic', '--noinput'", "runpy.run_path(sys.argv[0], run_name='__main__')");
        assertThat(collect.binds()).containsExactly(
                new BindMount(checkout.root(), "/usr/lib/mysoftware-src/0123456789ab", true),
                new BindMount(output, "/usr/lib/mysoftware-site/berlin/static", false));
        assertThat(collect.environment()).containsEntry("PYTHONPATH", "/usr/lib/mysoftware-src/0123456789ab/app")
                .containsEntry("DJANGO_SETTINGS_MODULE", "mysite.settings").containsEntry("DEBUG", "0")
                .containsEntry("STATIC_ROOT", "/usr/lib/mysoftware-site/berlin/static")
                .containsEntry("HOME", "/nonexistent").containsKey("SECRET_KEY");
        assertThat(result.folder().getParent()).isEqualTo(context.buildDir().cache().resolve(
                "static/mysoftware-site-berlin"));
        assertThat(result.folder().resolve("style.css")).hasContent("body {}");
        assertThat(Files.getAttribute(result.folder().resolve("style.css"), "unix:uid"))
                .isEqualTo(Files.getAttribute(context.buildDir().path(), "unix:uid"));
    }

    @Test
    void theSameSrcEnvAndEnvironmentReuseTheCollectedFilesWithoutEnteringTheRoot() throws Exception {
        collectstaticWritesAFile();
        CollectStaticStep.Result first = collect();
        int before = root.commands().size();

        CollectStaticStep.Result again = collect();

        assertThat(again).isEqualTo(first);
        assertThat(root.commands()).hasSize(before);
    }

    @Test
    void aNewCommitCollectsAgainOnlyWhenAFileCollectstaticReadOrAFolderItListedChanged() throws Exception {
        Path app = checkout.root().resolve("app");
        Files.createDirectories(app.resolve("mysite"));
        Files.createDirectories(app.resolve("static"));
        Files.writeString(app.resolve("mysite/settings.py"), "STATIC_URL = '/assets/'\n");
        Files.writeString(app.resolve("mysite/views.py"), "def index(request): pass\n");
        Files.writeString(app.resolve("static/style.css"), "body {}\n");
        collectstaticWritesAFile("list app/static", "read app/mysite/settings.py", "read app/static/style.css");
        RecordingConsole console = (RecordingConsole) context.console();
        CollectStaticStep.Result first = collect();

        Files.writeString(app.resolve("mysite/views.py"), "def index(request): return None\n");
        assertThat(collect()).isEqualTo(first);
        assertThat(console.infos()).last().asString().startsWith("Reusing the static files collected before");

        Files.writeString(app.resolve("static/style.css"), "body { color: red }\n");
        CollectStaticStep.Result restyled = collect();
        Files.writeString(app.resolve("static/print.css"), "body {}\n");
        CollectStaticStep.Result added = collect();
        Files.delete(app.resolve("static/print.css"));
        Files.writeString(app.resolve("mysite/settings.py"), "STATIC_URL = '/static/'\n");
        CollectStaticStep.Result configured = collect();

        assertThat(root.lines()).filteredOn(line -> line.contains("collectstatic")).hasSize(4);
        assertThat(List.of(first, restyled, added, configured)).extracting(CollectStaticStep.Result::folder)
                .doesNotHaveDuplicates();
    }

    @Test
    void outputWithAnInputThePythonCouldNotNameIsNotKept() throws Exception {
        collectstaticWritesAFile("unknown");

        collect();
        collect();

        assertThat(root.lines()).filteredOn(line -> line.contains("collectstatic")).hasSize(2);
    }

    @Test
    void anotherEnvironmentValueCollectsAgainAndOnlyTheLastThreeAreKept() throws Exception {
        collectstaticWritesAFile();
        List<CollectStaticStep.Result> results = new ArrayList<>();
        for (String debug : List.of("0", "1", "2", "3")) {
            results.add(collect(layout, Map.of("DEBUG", debug)));
        }

        assertThat(root.lines()).filteredOn(line -> line.contains("collectstatic")).hasSize(4);
        assertThat(results).extracting(CollectStaticStep.Result::folder).doesNotHaveDuplicates();
        assertThat(results.get(0).folder()).doesNotExist();
        assertThat(results.subList(1, 4)).allSatisfy(result -> assertThat(result.folder()).isDirectory());
    }

    @Test
    void theEnvIsUnpackedOnceForAllVariantsOfItsPackage() throws Exception {
        root.answer("sh -c", command -> {
            try {
                Path venv = Files.createDirectories(root.path().resolve(command.argv().get(5).substring(1)));
                Files.writeString(venv.resolve(".djdd-package"), command.argv().get(7) + "\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return RecordingRoot.output();
        });

        collect(layout, Map.of());
        collect(new SiteLayout(SOFTWARE, new VariantName("blue"), true), Map.of());

        assertThat(root.lines()).filteredOn(line -> line.startsWith("sh -c")).singleElement().asString()
                .endsWith(" unpack-env /run/djdd/packages/mysoftware-env-ba9876543210_1_amd64.deb"
                        + " /usr/lib/mysoftware-env/ba9876543210 /var/tmp/djdd-mysoftware-env-ba9876543210 "
                        + PackageChecksum.recorded(env.deb().file()) + " /usr/lib/mysoftware-env/ba9876543210/.djdd-package");
        assertThat(root.lines()).filteredOn(line -> line.contains("collectstatic")).hasSize(2);
    }

    @Test
    void aVirtualenvTheEnvStepLeftMarkedWithThePackagesChecksumIsUsedAsItIs() throws Exception {
        Path venv = Files.createDirectories(root.path().resolve("usr/lib/mysoftware-env/ba9876543210"));
        Files.writeString(venv.resolve(".djdd-package"), PackageChecksum.recorded(env.deb().file()) + "\n");

        collect(layout, Map.of());

        assertThat(root.lines()).noneMatch(line -> line.contains("unpack-env"))
                .anyMatch(line -> line.contains("collectstatic"));
    }

    @Test
    void settingsThatDoNotLoadFailTheBuildWithAHint() {
        root.answer(AS_NOBODY + " -c", command -> RecordingRoot.failure(1,
                "ModuleNotFoundError: No module named 'mysite'"));


        assertThatThrownBy(this::collect).isInstanceOf(BuildFailedException.class).hasMessageStartingWith(
                "The settings module mysite.settings does not load in commit 0123456789ab (in app): there is no such"
                        + " module; set <settings> (or -Ddjdd.settings) to the module of the project's settings");
    }

    @Test
    void aFailingCollectstaticNamesThePackageAndSettings() {
        root.answer(AS_NOBODY + " -c", command -> RecordingRoot.failure(1, "djdd-static-url=/static/",
                "djdd-media-url=", "django.core.exceptions.ImproperlyConfigured: no STATIC_ROOT"));

        assertThatThrownBy(this::collect).isInstanceOf(BuildFailedException.class).hasMessage(
                "collectstatic failed for mysoftware-site-berlin (exit code 1) with the settings mysite.settings: fix"
                        + " the error Django shows below.\ndjdd-static-url=/static/\ndjdd-media-url=\n"
                        + "django.core.exceptions.ImproperlyConfigured: no STATIC_ROOT");
    }

}
