package io.github.djdd.it;

import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.CommandResult;
import io.github.djdd.core.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fresh Debian build machine, booted as the servers are ({@link BootedTarget}: the same cached
 * image, systemd as PID 1, the host's network), with a copy of this checkout in {@link #CHECKOUT}
 * (its working tree, committed afresh: a clone of what is being tested, uncommitted changes
 * included). Nothing of djdd's prerequisites is installed: the commands under test install them.
 *
 * <p>What the commands would fetch from the internet they find nearer, as on a build machine
 * with a company mirror: the host's cached build root of the suite, copied to
 * {@code /var/lib/djdd/build/roots/} (so {@code djdd:init} finds a complete root, checks it and
 * does the rest: group, schroot, helper, sudo rule); Maven Central through a mirror of this
 * machine's Maven repository ({@link MavenMirror}, named in {@code /etc/mavenrc}, which every
 * Maven reads, the wrapper's and Debian's, for root and any user); the Maven wrapper's
 * distribution; and the machine's PyPI mirror and wheelhouse, bound read-only at their own paths
 * and named by the {@code PIP_*} variables of every command run here, as an operator sets a
 * private index ({@link SampleProject#pipEnvironment()}). Debian packages come from Debian, kept in
 * the servers' download cache.
 *
 * <p>systemd-nspawn's defaults leave the container what djdd's sandbox needs (user, mount, PID
 * and network namespaces for an unprivileged user, overlayfs with {@code userxattr},
 * {@code pivot_root}); {@code FirstMileIT} checks each before any build relies on it.
 */
final class BuildMachine implements AutoCloseable {
    /** The copy of this checkout on the machine, as a clone in root's home. */
    static final String CHECKOUT = "/root/djdd";
    private static final ProcessRunner HOST = new ProcessRunner(new ItSupport.RecordingConsole());
    private static final Path HERE = Path.of("..").toAbsolutePath().normalize();
    private static final Path OUTER_REPO = Path.of(System.getProperty("djdd.it.outerRepo",
            System.getProperty("user.home") + "/.m2/repository")).toAbsolutePath();

    private final BootedTarget system;
    private final MavenMirror mirror;
    private final Map<String, String> environment;

    private BuildMachine(BootedTarget system, MavenMirror mirror, Map<String, String> environment) {
        this.system = system;
        this.mirror = mirror;
        this.environment = environment;
    }

    /** Unpacks, seeds and boots a build machine of {@code suite} in {@code dir}. */
    static BuildMachine boot(Path dir, String suite) throws Exception {
        long started = System.nanoTime();
        Path cachedRoots = ItSupport.cachedRoot(suite).path().getParent();
        Path root = BootedTarget.unpack(dir, suite);
        copyCheckout(root.resolve(CHECKOUT.substring(1)));
        Path roots = Files.createDirectories(root.resolve("var/lib/djdd/build/roots"));
        HOST.check(Command.of("cp", "-a", "--reflink=auto", cachedRoots.resolve(suite).toString(),
                cachedRoots.resolve(suite + ".properties").toString(), roots.toString()).quietly()
                .withTimeout(Duration.ofMinutes(10)));
        Path wrapper = Path.of(System.getProperty("user.home"), ".m2", "wrapper");
        if (Files.isDirectory(wrapper)) {
            Files.createDirectories(root.resolve("root/.m2"));
            HOST.check(Command.of("cp", "-a", wrapper.toString(), root.resolve("root/.m2").toString()).quietly());
        }
        MavenMirror mirror = MavenMirror.serve(OUTER_REPO);
        try {
            Path settings = Files.createDirectories(root.resolve("etc/djdd-it")).resolve("maven-settings.xml");
            Files.writeString(settings, mirror.settings());
            Files.writeString(root.resolve("etc/mavenrc"), "# djdd's tests: Maven Central through the host's mirror\n"
                    + "MAVEN_ARGS=\"--global-settings /etc/djdd-it/maven-settings.xml $MAVEN_ARGS\"\n");
            List<String> options = new ArrayList<>();
            Map<String, String> pip = SampleProject.pipEnvironment();
            for (String folder : List.of("/opt/pypi", "/opt/pypi-more", pip.getOrDefault("PIP_FIND_LINKS", ""))) {
                if (!folder.isEmpty() && Files.isDirectory(Path.of(folder))) {
                    options.add("--bind-ro=" + folder);
                }
            }
            return new BuildMachine(BootedTarget.start(dir, suite, null, options, started), mirror, pip);
        } catch (Exception | AssertionError e) {
            mirror.close();
            throw e;
        }
    }

    /** The files of this checkout's working tree that git tracks or would track, as a repository of one commit. */
    private static void copyCheckout(Path copy) throws Exception {
        List<String> files = HOST.check(Command.of("git", "-C", HERE.toString(), "-c", "core.quotePath=false",
                "ls-files", "--cached", "--others", "--exclude-standard").quietly()).output();
        for (String name : files) {
            Path file = HERE.resolve(name);
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                Path target = copy.resolve(name);
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            }
        }
        for (List<String> git : List.of(List.of("init", "--quiet", "--initial-branch=main"), List.of("add", "--all"),
                List.of("-c", "user.name=djdd it", "-c", "user.email=it@example.org", "commit", "--quiet",
                        "--message=This checkout, as tested"))) {
            List<String> argv = new ArrayList<>(List.of("git", "-C", copy.toString()));
            argv.addAll(git);
            HOST.check(Command.of(argv).quietly());
        }
    }

    /** The machine's files, as the host sees them. */
    Path root() {
        return system.root();
    }

    /** A shell script run as root in {@code folder}, with the machine's {@code PIP_*} variables; any exit code. */
    CommandResult run(String folder, String script) throws Exception {
        long start = System.nanoTime();
        CommandResult result = system.run(environment, Duration.ofMinutes(30), "sh", "-ec", "cd \"$0\"\n" + script,
                folder);
        System.out.printf("[measure] on the build machine, '%s': %.1f s%n", script.strip().lines().findFirst()
                .orElse("") + (script.strip().contains("\n") ? " ..." : ""), (System.nanoTime() - start) / 1e9);
        return result;
    }

    /** As {@link #run(String, String)}; it must exit with 0. */
    CommandResult check(String folder, String script) throws Exception {
        CommandResult result = run(folder, script);
        if (!result.succeeded()) {
            throw new AssertionError("'" + script.strip() + "' failed on the build machine with exit code "
                    + result.exitCode() + ":\n" + result.tail(60));
        }
        return result;
    }

    @Override
    public void close() throws Exception {
        try {
            system.close();
        } finally {
            mirror.close();
        }
    }
}
