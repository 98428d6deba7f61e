package io.github.djdd.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.RecordingConsole;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.Isolation;
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
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands collectstatic issues in the build root, checked without one. */
class CollectStaticStepTest {
    private static final SoftwareName SOFTWARE = new SoftwareName("mysoftware");
    private static final String PYTHON = "/usr/lib/mysoftware-env/ba9876543210/bin/python";

    @TempDir
    Path dir;

    private RecordingRoot root;
    private BuildContext context;
    private Checkout checkout;
    private EnvPackage env;
    private Path output;
    private final SiteLayout layout = new SiteLayout(SOFTWARE, new VariantName("berlin"), true);
    private CollectStaticStep.Checks checks = new CollectStaticStep.Checks(Optional.empty(), false);

    @BeforeEach
    void envPackageAndCheckout() throws Exception {
        root = new RecordingRoot(dir.resolve("root")).answer(PYTHON + " -c", command -> RecordingRoot.output(
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
                new SourceLayout(SOFTWARE, "0123456789ab", "app"), env, output, checks).call();
    }

    private RootCommand commandOf(String program) {
        return root.commands().stream().filter(c -> c.argv().contains(program)).findFirst().orElseThrow();
    }

    /** collectstatic as Django runs it: one file into the bound folder, which nobody (root's sandbox) must own. */
    private void collectstaticWritesAFile(String... inputs) {
        root.answer(PYTHON + " -c", command -> {
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
    void runsInTheSandboxWithTheSrcAndStaticFolderBoundWhereTheSiteHasThem() throws Exception {
        collectstaticWritesAFile();

        CollectStaticStep.Result result = collect();

        assertThat(result.staticUrl()).isEqualTo("/assets/");
        assertThat(result.mediaUrl()).isEqualTo("/uploads/");
        assertThat(root.commands()).filteredOn(c -> c.argv().contains(PYTHON)).as("one python for URLs and files")
                .hasSize(1);
        RootCommand collect = root.commands().stream().filter(c -> c.argv().contains(PYTHON)).findFirst()
                .orElseThrow();
        assertThat(collect.isolation()).isEqualTo(Isolation.SANDBOX);
        assertThat(collect.argv()).startsWith(PYTHON, "-c").endsWith("/usr/lib/mysoftware-src/0123456789ab/app/manage.py",
                "/usr/lib/mysoftware-src/0123456789ab");
        assertThat(collect.argv().get(2)).contains("django.setup()", "settings.STATIC_URL", "settings.MEDIA_URL",
                "'collectstatic', '--noinput'", "runpy.run_path(sys.argv[0], run_name='__main__')");
        assertThat(collect.binds()).containsExactly(
                new BindMount(checkout.root(), "/usr/lib/mysoftware-src/0123456789ab", true),
                new BindMount(output, "/usr/lib/mysoftware-site/berlin/static", false),
                new BindMount(venvs(), "/usr/lib/mysoftware-env", true));
        assertThat(collect.environment()).containsEntry("PYTHONPATH", "/usr/lib/mysoftware-src/0123456789ab/app")
                .containsEntry("DJANGO_SETTINGS_MODULE", "mysite.settings").containsEntry("DEBUG", "0")
                .containsEntry("STATIC_ROOT", "/usr/lib/mysoftware-site/berlin/static")
                .containsKey("SECRET_KEY");
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
        collect(layout, Map.of());
        collect(new SiteLayout(SOFTWARE, new VariantName("blue"), true), Map.of());

        List<RootCommand> unpacks = root.commands().stream().filter(c -> c.argv().contains("unpack-env")).toList();
        assertThat(unpacks).hasSize(1);
        RootCommand unpack = unpacks.get(0);
        assertThat(unpack.argv()).startsWith("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -x --no-same-owner"
                + " --strip-components=5 -C \"$2\" \".$2\"").endsWith("unpack-env",
                "/run/djdd/packages/mysoftware-env-ba9876543210_1_amd64.deb", "/usr/lib/mysoftware-env/ba9876543210");
        assertThat(unpack.binds()).containsExactly(new BindMount(env.deb().file().getParent(), "/run/djdd/packages",
                true), new BindMount(venvs(), "/usr/lib/mysoftware-env", false));
        assertThat(venvs().resolve(".ba9876543210.djdd-package")).content()
                .isEqualTo(PackageChecksum.recorded(env.deb().file()) + "\n");
        assertThat(root.lines()).filteredOn(line -> line.contains("collectstatic")).hasSize(2);
    }

    @Test
    void aVirtualenvTheEnvStepLeftMarkedWithThePackagesChecksumIsUsedAsItIs() throws Exception {
        Files.createDirectories(venvs().resolve("ba9876543210"));
        Files.writeString(venvs().resolve(".ba9876543210.djdd-package"), PackageChecksum.recorded(env.deb().file())
                + "\n");

        collect(layout, Map.of());

        assertThat(root.lines()).noneMatch(line -> line.contains("unpack-env"))
                .anyMatch(line -> line.contains("collectstatic"));
    }

    /** Where the build keeps the virtualenvs of mysoftware for bookworm. */
    private Path venvs() {
        return context.buildDir().venvs("bookworm").resolve("mysoftware-env");
    }

    @Test
    void settingsThatDoNotLoadFailTheBuildWithAHint() {
        root.answer(PYTHON + " -c", command -> RecordingRoot.failure(1,
                "ModuleNotFoundError: No module named 'mysite'"));


        assertThatThrownBy(this::collect).isInstanceOf(BuildFailedException.class).hasMessageStartingWith(
                "The settings module mysite.settings does not load in commit 0123456789ab (in app): there is no such"
                        + " module; set <settings> (or -Ddjdd.settings) to the module of the project's settings");
    }

    @Test
    void aFailingCollectstaticNamesThePackageAndSettings() {
        root.answer(PYTHON + " -c", command -> RecordingRoot.failure(1, "djdd-static-url=/static/",
                "djdd-media-url=", "django.core.exceptions.ImproperlyConfigured: no STATIC_ROOT"));

        assertThatThrownBy(this::collect).isInstanceOf(BuildFailedException.class).hasMessage(
                "collectstatic failed for mysoftware-site-berlin (exit code 1) with the settings mysite.settings: fix"
                        + " the error Django shows below.\ndjdd-static-url=/static/\ndjdd-media-url=\n"
                        + "django.core.exceptions.ImproperlyConfigured: no STATIC_ROOT");
    }

    @Test
    void errorsOfDjangosSystemChecksStopTheBuildWithTheirMessages() {
        root.answer(PYTHON + " -c", command -> RecordingRoot.failure(3, "djdd-static-url=/static/",
                "djdd-media-url=/media/", "djdd-check-error=notes.Note.text: (fields.E120) CharFields must define a"
                        + " 'max_length' attribute."));

        assertThatThrownBy(this::collect).isInstanceOf(BuildFailedException.class).hasMessage("Django's system"
                + " checks (manage.py check) find errors in commit 0123456789ab (in app) with the settings"
                + " mysite.settings: notes.Note.text: (fields.E120) CharFields must define a 'max_length' attribute."
                + " Fix them in the repository.");
    }

    @Test
    void deploymentWarningsArePrintedAndStopTheBuildOnlyWhenAskedTo() throws Exception {
        String warning = "?: (security.W004) You have not set a value for the SECURE_HSTS_SECONDS setting.";
        root.answer(PYTHON + " -c", command -> command.environment().containsKey("DJDD_DEPLOY_CHECKS")
                ? RecordingRoot.failure(3, "djdd-static-url=/static/", "djdd-media-url=/media/",
                        "djdd-check-warning=" + warning, "djdd-deploy-checks=failed")
                : RecordingRoot.output("djdd-static-url=/static/", "djdd-media-url=/media/",
                        "djdd-check-warning=" + warning));

        collect();
        assertThat(((RecordingConsole) context.console()).warnings()).contains("manage.py check --deploy with"
                + " mysite.settings: " + warning);

        checks = new CollectStaticStep.Checks(Optional.empty(), true);
        assertThatThrownBy(this::collect).isInstanceOf(BuildFailedException.class).hasMessage("manage.py check"
                + " --deploy warns about commit 0123456789ab (in app) with the settings mysite.settings (shown above),"
                + " and <failOnDeployWarnings> makes that an error: fix what it names, or silence a check the site"
                + " does not need in SILENCED_SYSTEM_CHECKS.");
        assertThat(root.commands()).last().extracting(RootCommand::environment).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("DJDD_DEPLOY_CHECKS", "fail");
    }

    @Test
    void aVariantThatRunsCeleryLoadsTheCeleryAppAsCeleryWould() {
        checks = new CollectStaticStep.Checks(Optional.of("mysite.nosuch"), false);
        root.answer(PYTHON + " -c", command -> RecordingRoot.failure(4, "djdd-static-url=/static/",
                "djdd-media-url=/media/", "djdd-celery=ModuleNotFoundError: No module named 'mysite.nosuch'"));

        assertThatThrownBy(this::collect).isInstanceOf(BuildFailedException.class).hasMessage("The Celery app"
                + " mysite.nosuch does not load in commit 0123456789ab (in app) with the settings mysite.settings"
                + " (ModuleNotFoundError: No module named 'mysite.nosuch'): set <celeryApp> (or -Ddjdd.celeryApp) to"
                + " what 'celery -A' takes for the project, such as mysite or mysite.celery:app.");
        assertThat(root.commands()).last().extracting(RootCommand::environment).asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("DJDD_CELERY_APP", "mysite.nosuch");
    }

    @Test
    void requirementsWithoutCeleryFailAVariantThatRunsIt() {
        checks = new CollectStaticStep.Checks(Optional.of("mysite"), false);
        root.answer(PYTHON + " -c", command -> RecordingRoot.failure(4, "djdd-static-url=/static/",
                "djdd-media-url=/media/", "djdd-celery=missing"));

        assertThatThrownBy(this::collect).isInstanceOf(BuildFailedException.class).hasMessage("app/requirements.txt"
                + " installs no Celery, which variant berlin runs: add celery to app/requirements.txt, or set"
                + " <celery>false</celery> for the variant.");
    }

    @Test
    void aStaticUrlNginxCannotServeFailsBeforeAnyPackage() {
        root.answer(PYTHON + " -c", command -> RecordingRoot.output("djdd-static-url=static", "djdd-media-url=/m/"));

        assertThatThrownBy(this::collect).isInstanceOf(BuildFailedException.class).hasMessageStartingWith(
                "The settings' STATIC_URL is 'static', which nginx cannot serve as a folder of the site");
    }
}
