package io.github.djdd.core.site;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.buildroot.RootShell;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.env.EnvLayout;
import io.github.djdd.core.env.EnvPackage;
import io.github.djdd.core.env.LockInput;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.source.SourceLayout;
import io.github.djdd.core.step.Step;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import io.github.djdd.core.workspace.BuildLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@code manage.py collectstatic} of one variant inside the build root, as an unprivileged
 * user, with the env's python, the src at its installed path and the variant's settings and
 * environment; the output lands in a host folder bound at the site's static folder. Also reads
 * the settings' {@code STATIC_URL} and {@code MEDIA_URL} for nginx. The result is kept in the
 * {@link StaticFilesCache}: a build with the same src, env and environment runs neither.
 */
public final class CollectStaticStep implements Step<CollectStaticStep.Result> {
    /**
     * One python for all (Django's start is most of collectstatic's time): load the settings and
     * print the URLs nginx serves; run Django's system checks ({@code manage.py check}: errors stop
     * the build) and its deployment checks ({@code check --deploy}: warnings, errors when
     * {@code DJDD_DEPLOY_CHECKS=fail}); load the Celery app as {@code celery -A} would, when the
     * variant runs Celery ({@code DJDD_CELERY_APP}); then run the project's
     * {@code manage.py collectstatic} (its own code included, as the site runs it). An audit hook notes every file the process opens and
     * every folder it lists in the src ({@code argv[2]}), imports and static files alike; those,
     * printed at the end, are the inputs the {@link StaticFilesCache} keys the output by.
     */
    private static final String COLLECT = String.join("\n",
            "import os, runpy, sys",
            "src = sys.argv[2] + '/'",
            "inputs = set()",
            "def audit(event, args):",
            "    if event in ('open', 'os.listdir', 'os.scandir') and args and isinstance(args[0], (str, bytes)):",
            "        path = os.path.abspath(os.fsdecode(args[0]))",
            "        if (path + '/').startswith(src):",
            "            inputs.add(('read ' if event == 'open' else 'list ') + path[len(src):])",
            "sys.addaudithook(audit)",
            "import django",
            "from django.conf import settings",
            "django.setup()",
            "print('djdd-static-url=' + str(settings.STATIC_URL or ''))",
            "print('djdd-media-url=' + str(settings.MEDIA_URL or ''), flush=True)",
            "from importlib import metadata",
            "try:",
            "    print('djdd-gunicorn=' + metadata.version('gunicorn'), flush=True)",
            "except metadata.PackageNotFoundError:",
            "    pass",
            "from django.core import checks",
            "def line(message):",
            "    return str(message).replace('\\n', ' ')",
            "normal = checks.run_checks()",
            "deploy = [m for m in checks.run_checks(include_deployment_checks=True) if m not in normal",
            "          and m.id != 'security.W009']",  // the build's placeholder key; the server generates the real one
            "for m in normal:",
            "    if m.is_serious():",
            "        print('djdd-check-error=' + line(m))",
            "for m in [m for m in normal if not m.is_serious()] + deploy:",
            "    if m.level >= checks.WARNING:",
            "        print('djdd-check-warning=' + line(m))",
            "sys.stdout.flush()",
            "if any(m.is_serious() for m in normal):",
            "    sys.exit(3)",
            "if os.environ.get('DJDD_DEPLOY_CHECKS') == 'fail' and any(m.level >= checks.WARNING for m in deploy):",
            "    print('djdd-deploy-checks=failed', flush=True)",
            "    sys.exit(3)",
            "celery_app = os.environ.get('DJDD_CELERY_APP')",
            "if celery_app:",
            "    try:",
            "        from celery.app.utils import find_app",
            "    except ImportError:",
            "        print('djdd-celery=missing', flush=True)",
            "        sys.exit(4)",
            "    try:",
            "        find_app(celery_app)",
            "    except Exception as e:",
            "        print('djdd-celery=' + type(e).__name__ + ': ' + line(e), flush=True)",
            "        sys.exit(4)",
            "sys.argv = [sys.argv[1], 'collectstatic', '--noinput']",
            "runpy.run_path(sys.argv[0], run_name='__main__')",
            "for line in sorted(inputs):",
            "    print('djdd-input=' + (line if '\\n' not in line and '\\r' not in line else 'unknown'))");
    private static final String INPUT = "djdd-input=";
    private static final String STATIC_URL = "djdd-static-url=";
    private static final String MEDIA_URL = "djdd-media-url=";
    private static final String GUNICORN = "djdd-gunicorn=";
    private static final String CHECK_ERROR = "djdd-check-error=";
    private static final String CHECK_WARNING = "djdd-check-warning=";
    private static final String CELERY = "djdd-celery=";

    private final BuildContext context;
    private final RootShell root;
    private final SiteLayout layout;
    private final Map<String, String> environment;
    private final Checkout checkout;
    private final SourceLayout src;
    private final EnvPackage env;
    private final Path output;
    private final Checks checks;

    /** The collected files, the URLs the settings serve them at, and the version of gunicorn in the env. */
    public record Result(Path folder, String staticUrl, String mediaUrl, String gunicornVersion) {}

    /**
     * What is checked beyond Django's system checks.
     *
     * @param celeryApp the Celery app to load ({@code celery -A}'s argument) when the variant runs Celery
     * @param failOnDeployWarnings whether a warning of {@code manage.py check --deploy} stops the build
     */
    public record Checks(Optional<String> celeryApp, boolean failOnDeployWarnings) {
        /** The variables that tell the check script: part of the static files' cache key, as they change its outcome. */
        Map<String, String> variables() {
            Map<String, String> variables = new LinkedHashMap<>();
            celeryApp.ifPresent(app -> variables.put("DJDD_CELERY_APP", app));
            if (failOnDeployWarnings) {
                variables.put("DJDD_DEPLOY_CHECKS", "fail");
            }
            return variables;
        }
    }

    /**
     * @param environment the site's environment (its settings module among it)
     * @param checkout the commit exported on the build host, bound where {@code src} installs it
     * @param env the env package, unpacked into the root where it installs unless it is there
     * @param output the host folder that receives the static files
     */
    public CollectStaticStep(BuildContext context, SiteLayout layout, Map<String, String> environment,
            Checkout checkout, SourceLayout src, EnvPackage env, Path output, Checks checks) {
        this.context = context;
        this.root = context.root();
        this.layout = layout;
        this.environment = environment;
        this.checkout = checkout;
        this.src = src;
        this.env = env;
        this.output = output;
        this.checks = checks;
    }

    @Override
    public Result call() throws DjddException {
        StaticFilesCache cache = new StaticFilesCache(context.buildDir(), layout.packageName());
        Map<String, String> variables = new LinkedHashMap<>(SiteEnvironment.forCollectStatic(environment));
        variables.putAll(checks.variables());
        String key = StaticFilesCache.key(src, env, variables);
        Optional<Result> cached = cache.find(key, checkout.root());
        if (cached.isPresent()) {
            context.console().info("Reusing the static files collected before: the env, the environment and every"
                    + " file collectstatic read in the src are the same (" + cached.get().folder() + ")");
            return cached.get();
        }
        unpackEnv();
        try {
            BuildDir.deleteTree(output);
            Files.createDirectories(output);
            // collectstatic runs unprivileged and writes here.
            root.shareWithSandbox(output);
        } catch (IOException e) {
            throw new DjddException("Cannot create " + output + " (" + e.getMessage() + "): check the build dir.", e);
        }
        String settings = environment.get("DJANGO_SETTINGS_MODULE");
        CommandResult collected = root.run(asSite(List.of(env.layout().python(), "-c", COLLECT,
                src.projectPath() + "/manage.py", src.installDir()), variables).withTimeout(Duration.ofMinutes(30)));
        String commit = "commit " + src.commitId()
                + (checkout.projectDir().isEmpty() ? "" : " (in " + checkout.projectDir() + ")");
        if (!collected.succeeded() && collected.output().stream().noneMatch(line -> line.startsWith(STATIC_URL))) {
            throw new BuildFailedException("The settings module " + settings + " does not load in " + commit + ": "
                    + hint(collected, settings) + "\n" + collected.tail(20));
        }
        // Where nginx serves them, checked before any package of the commit is written.
        DjangoSite.servedPath(value(collected, STATIC_URL), "STATIC_URL");
        DjangoSite.servedPath(value(collected, MEDIA_URL), "MEDIA_URL");
        List<String> errors = values(collected, CHECK_ERROR);
        List<String> warnings = values(collected, CHECK_WARNING);
        if (!errors.isEmpty()) {
            throw new BuildFailedException("Django's system checks (manage.py check) find errors in " + commit
                    + " with the settings " + settings + ": " + String.join("; ", errors) + " Fix them in the"
                    + " repository.");
        }
        warnings.forEach(warning -> context.console().warn("manage.py check --deploy with " + settings + ": "
                + warning));
        if (!collected.succeeded() && value(collected, "djdd-deploy-checks=").equals("failed")) {
            throw new BuildFailedException("manage.py check --deploy warns about " + commit + " with the settings "
                    + settings + " (shown above), and <failOnDeployWarnings> makes that an error: fix what it"
                    + " names, or silence a check the site does not need in SILENCED_SYSTEM_CHECKS.");
        }
        String celery = value(collected, CELERY);
        if (!collected.succeeded() && celery.equals("missing")) {
            String input = checkout.shown(LockInput.found(checkout));
            throw new BuildFailedException(input + " installs no Celery, which variant " + layout.variant() + " runs:"
                    + " add celery to " + (input.endsWith(".txt") ? input : "the project's dependencies and lock them"
                    + " anew") + ", or set <celery>false</celery> for the variant.");
        }
        if (!collected.succeeded() && !celery.isEmpty()) {
            throw new BuildFailedException("The Celery app " + checks.celeryApp().orElse("") + " does not load in "
                    + commit + " with the settings " + settings + " (" + celery + "): set <celeryApp> (or"
                    + " -Ddjdd.celeryApp) to what 'celery -A' takes for the project, such as mysite or"
                    + " mysite.celery:app.");
        }
        if (!collected.succeeded()) {
            throw new BuildFailedException("collectstatic failed for " + layout.packageName() + " (exit code "
                    + collected.exitCode() + ") with the settings " + settings + ": fix the error Django shows"
                    + " below.\n" + collected.tail(20));
        }
        List<String> inputs = collected.output().stream().filter(line -> line.startsWith(INPUT))
                .map(line -> line.substring(INPUT.length())).toList();
        return cache.store(key, inputs, checkout.root(), new Result(output, value(collected, STATIC_URL),
                value(collected, MEDIA_URL), value(collected, GUNICORN)), context.buildDir().path());
    }

    private static String hint(CommandResult result, String settings) {
        String top = settings.contains(".") ? settings.substring(0, settings.indexOf('.')) : settings;
        for (String line : result.output()) {
            if (line.contains("ModuleNotFoundError: No module named '" + settings + "'")
                    || line.contains("ModuleNotFoundError: No module named '" + top + "'")) {
                return "there is no such module; set <settings> (or -Ddjdd.settings) to the module of the project's"
                        + " settings, such as mysite.settings.";
            }
        }
        for (String line : result.output()) {
            if (line.startsWith("SyntaxError:") || line.startsWith("IndentationError:")
                    || line.startsWith("TabError:")) {
                return "Python finds a syntax error in it (shown below); fix that line in the repository.";
            }
        }
        return "fix the error Python shows below, or point <settings> at another module.";
    }

    private static List<String> values(CommandResult result, String prefix) {
        return result.output().stream().filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()).strip()).toList();
    }

    private static String value(CommandResult result, String prefix) {
        return result.output().stream().filter(line -> line.startsWith(prefix)).reduce((a, b) -> b)
                .map(line -> line.substring(prefix.length()).strip()).orElse("");
    }

    /** A command in the sandbox, with the site's environment and placeholder secrets. */
    private RootCommand asSite(List<String> argv, Map<String, String> siteVariables) {
        Map<String, String> variables = new LinkedHashMap<>(siteVariables);
        variables.put("PYTHONPATH", src.projectPath());
        variables.put("PYTHONDONTWRITEBYTECODE", "1");
        return RootCommand.of(argv).inSandbox().withEnvironment(variables).withBinds(List.of(
                new BindMount(checkout.root(), src.installDir(), true),
                new BindMount(output, variables.get("STATIC_ROOT"), false),
                env.layout().bind(context.buildDir(), root.suite(), true)));
    }

    /**
     * Puts the env package's virtualenv where the build keeps virtualenvs ({@link EnvLayout#hostDir}),
     * unless the same package is there already (the env step leaves what it packaged there); under
     * the package's lock, as its build uses that folder too.
     */
    private void unpackEnv() throws DjddException {
        BuildDir buildDir = context.buildDir();
        EnvLayout envLayout = env.layout();
        BuiltPackage deb = env.deb();
        Path venv = envLayout.hostDir(buildDir, root.suite());
        Path marker = envLayout.hostMarker(buildDir, root.suite());
        try {
            Files.createDirectories(buildDir.locks());
        } catch (IOException e) {
            throw new DjddException("Cannot create " + buildDir.locks() + " (" + e.getMessage() + ")", e);
        }
        try (BuildLock lock = BuildLock.acquire(buildDir.locks().resolve(deb.name() + ".lock"), deb.name(),
                context.console())) {
            String checksum = PackageChecksum.recorded(deb.file());
            if (Files.isRegularFile(marker) && Files.readString(marker, StandardCharsets.UTF_8).strip().equals(checksum)) {
                return;
            }
            BuildDir.deleteTree(venv);
            Files.createDirectories(venv);
            String installDir = envLayout.installDir();
            root.check(RootCommand.of("sh", "-c", "dpkg-deb --fsys-tarfile \"$1\" | tar -x --no-same-owner"
                    + " --strip-components=" + (Path.of(installDir).getNameCount() + 1) + " -C \"$2\" \".$2\"",
                    "unpack-env", "/run/djdd/packages/" + deb.file().getFileName(), installDir)
                    .withBinds(List.of(new BindMount(deb.file().getParent(), "/run/djdd/packages", true),
                            envLayout.bind(buildDir, root.suite(), false))).quietly());
            Files.writeString(marker, checksum + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DjddException("Cannot unpack " + deb.file() + " into " + venv + " (" + e.getMessage()
                    + "): check the build dir.", e);
        }
    }
}
