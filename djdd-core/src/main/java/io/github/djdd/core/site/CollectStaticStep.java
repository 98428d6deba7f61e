package io.github.djdd.core.site;

import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.buildroot.BindMount;
import io.github.djdd.core.buildroot.RootCommand;
import io.github.djdd.core.buildroot.RootShell;
import io.github.djdd.core.checkout.Checkout;
import io.github.djdd.core.context.BuildContext;
import io.github.djdd.core.env.EnvPackage;
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
    /** nobody:nogroup in every Debian root: owns nothing that matters. */
    static final String NOBODY = "65534";
    /**
     * One python for both (Django's start is most of collectstatic's time): load the settings and
     * print the URLs nginx serves, then run the project's {@code manage.py collectstatic} (its own
     * code included, as the site runs it). An audit hook notes every file the process opens and
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
            "sys.argv = [sys.argv[1], 'collectstatic', '--noinput']",
            "runpy.run_path(sys.argv[0], run_name='__main__')",
            "for line in sorted(inputs):",
            "    print('djdd-input=' + (line if '\\n' not in line and '\\r' not in line else 'unknown'))");
    private static final String INPUT = "djdd-input=";
    private static final String STATIC_URL = "djdd-static-url=";

    private final BuildContext context;
    private final RootShell root;
    private final SiteLayout layout;
    private final Map<String, String> environment;
    private final Checkout checkout;
    private final SourceLayout src;
    private final EnvPackage env;
    private final Path output;

    /** The collected files and the URLs the settings serve them at. */
    public record Result(Path folder, String staticUrl, String mediaUrl) {}

    /**
     * @param environment the site's environment (its settings module among it)
     * @param checkout the commit exported on the build host, bound where {@code src} installs it
     * @param env the env package, unpacked into the root where it installs unless it is there
     * @param output the host folder that receives the static files
     */
    public CollectStaticStep(BuildContext context, SiteLayout layout, Map<String, String> environment,
            Checkout checkout, SourceLayout src, EnvPackage env, Path output) {
        this.context = context;
        this.root = context.root();
        this.layout = layout;
        this.environment = environment;
        this.checkout = checkout;
        this.src = src;
        this.env = env;
        this.output = output;
    }

    @Override
    public Result call() throws DjddException {
        StaticFilesCache cache = new StaticFilesCache(context.buildDir(), layout.packageName());
        Map<String, String> variables = SiteEnvironment.forCollectStatic(environment);
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
            // collectstatic runs as nobody and writes here.
            Files.setAttribute(output, "unix:uid", Integer.parseInt(NOBODY));
            Files.setAttribute(output, "unix:gid", Integer.parseInt(NOBODY));
        } catch (IOException e) {
            throw new DjddException("Cannot create " + output + " (" + e.getMessage() + "): check the build dir.", e);
        }
        String settings = environment.get("DJANGO_SETTINGS_MODULE");
        CommandResult collected = root.run(asSite(List.of(env.layout().python(), "-c", COLLECT,
                src.projectPath() + "/manage.py", src.installDir())).withTimeout(Duration.ofMinutes(30)));
        if (!collected.succeeded() && collected.output().stream().noneMatch(line -> line.startsWith(STATIC_URL))) {
            throw new BuildFailedException("The settings module " + settings + " does not load in commit "
                    + src.commitId()
                    + (checkout.projectDir().isEmpty() ? "" : " (in " + checkout.projectDir() + ")") + ": "
                    + hint(collected, settings) + "\n" + collected.tail(20));
        }
        if (!collected.succeeded()) {
            throw new BuildFailedException("collectstatic failed for " + layout.packageName() + " (exit code "
                    + collected.exitCode() + ") with the settings " + settings + ": fix the error Django shows"
                    + " below.\n" + collected.tail(20));
        }
        List<String> inputs = collected.output().stream().filter(line -> line.startsWith(INPUT))
                .map(line -> line.substring(INPUT.length())).toList();
        return cache.store(key, inputs, checkout.root(), new Result(output, value(collected, STATIC_URL),
                value(collected, "djdd-media-url=")), context.buildDir().path());
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

    private static String value(CommandResult result, String prefix) {
        return result.output().stream().filter(line -> line.startsWith(prefix)).reduce((a, b) -> b)
                .map(line -> line.substring(prefix.length()).strip()).orElse("");
    }

    /** A command as nobody, with the site's environment and placeholder secrets. */
    private RootCommand asSite(List<String> argv) {
        Map<String, String> variables = new LinkedHashMap<>(SiteEnvironment.forCollectStatic(environment));
        variables.put("PYTHONPATH", src.projectPath());
        variables.put("PYTHONDONTWRITEBYTECODE", "1");
        variables.put("HOME", "/nonexistent");
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY,
                "--regid=" + NOBODY, "--clear-groups", "--"));
        command.addAll(argv);
        return RootCommand.of(command).withEnvironment(variables).withBinds(List.of(
                new BindMount(checkout.root(), src.installDir(), true),
                new BindMount(output, variables.get("STATIC_ROOT"), false)));
    }

    /**
     * Puts the env package's virtualenv at its path in the root, unless the same package is there
     * already (the env step leaves what it packaged there); under the package's lock, as its build
     * uses that path too.
     */
    private void unpackEnv() throws DjddException {
        BuildDir buildDir = context.buildDir();
        String envDir = env.layout().installDir();
        BuiltPackage deb = env.deb();
        Path marker = root.path().resolve(env.layout().rootMarker().substring(1));
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
            String unpacked = "/var/tmp/djdd-" + deb.name();
            root.check(RootCommand.of("sh", "-c", String.join("\n",
                    "set -e",
                    "rm -rf \"$2\" \"$3\" && mkdir -p \"$3\" \"$(dirname \"$2\")\"",
                    "dpkg-deb --extract \"$1\" \"$3\"",
                    "mv \"$3$2\" \"$2\"",
                    "printf '%s\\n' \"$4\" > \"$5\"",
                    "rm -rf \"$3\""), "unpack-env", "/run/djdd/packages/" + deb.file().getFileName(), envDir,
                    unpacked, checksum, env.layout().rootMarker()).withBinds(List.of(new BindMount(
                            deb.file().getParent(), "/run/djdd/packages", true))).quietly());
        } catch (IOException e) {
            throw new DjddException("Cannot read " + marker + " (" + e.getMessage() + ")", e);
        }
    }
}
