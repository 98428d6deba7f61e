package io.github.djdd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.djdd.core.BuildFailedException;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.deb.Compression;
import io.github.djdd.core.deb.DebControl;
import io.github.djdd.core.deb.PackageSettings;
import io.github.djdd.core.env.PipOptions;
import io.github.djdd.core.naming.SoftwareName;
import io.github.djdd.core.naming.VariantName;
import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.project.BuildRequest;
import io.github.djdd.core.project.ProjectBuild;
import io.github.djdd.core.site.SiteOptions;
import io.github.djdd.core.site.SiteVariant;
import io.github.djdd.core.site.SiteVariants;
import io.github.djdd.core.store.BuiltPackage;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The network goes away during a build: the package index while pip downloads, the git remote
 * of a software already cloned. The build says what happened and leaves no package; the next build
 * with the network back succeeds. (The Debian mirror unreachable for init is the invoker IT
 * {@code init-unreachable-mirror}.)
 */
class UnreachableIT {
    private static final Path MIRROR = Path.of("/opt/pypi/simple");

    @TempDir
    static Path dir;

    private static BuildDir buildDir;
    private static Path upstream;

    @BeforeAll
    static void buildRootAndUpstream() throws Exception {
        buildDir = ItSupport.buildDir();
        ItSupport.cachedRoot();
        upstream = SampleProject.create(dir, Map.of());
    }

    private static List<BuiltPackage> build(SoftwareName software, String repository, String ref, PipOptions pip,
            ItSupport.RecordingConsole console) throws DjddException {
        return new ProjectBuild(new BuildRequest(buildDir, ItSupport.SUITE, software, repository,
                new SiteVariants(List.of(SiteVariant.defaults(VariantName.of("blue"))), true), ref, "", pip,
                new PackageSettings(DebControl.DEFAULT_MAINTAINER, Compression.GZIP, Optional.empty()),
                SiteOptions.DEFAULTS), console).run();
    }

    private static List<String> files(SoftwareName software) throws Exception {
        try (Stream<Path> files = Files.list(buildDir.packages())) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.contains(software.value())).toList();
        }
    }

    /**
     * This machine's PyPI mirror served over HTTP on loopback, which answers {@code files} wheel
     * downloads and then goes away, as an index behind a failing proxy does.
     */
    private static HttpServer index(int files) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger served = new AtomicInteger();
        server.createContext("/opt/", exchange -> {
            Path path = Path.of(exchange.getRequestURI().getPath()).normalize();
            if (Files.isDirectory(path)) {
                path = path.resolve("index.html");
            }
            boolean wheel = path.toString().endsWith(".whl") || path.toString().endsWith(".tar.gz");
            if (wheel && files >= 0 && served.incrementAndGet() > files) {
                exchange.close();
                new Thread(() -> server.stop(0)).start();
                return;
            }
            if (!path.startsWith("/opt/") || !Files.isRegularFile(path)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", path.toString().endsWith(".html") ? "text/html"
                    : "application/octet-stream");
            exchange.sendResponseHeaders(200, Files.size(path));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(path, out);
            }
        });
        server.start();
        return server;
    }

    private static PipOptions pipFrom(HttpServer server) throws Exception {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        List<String> extra = new ArrayList<>();
        if (Files.isDirectory(Path.of("/opt/pypi-more/simple"))) {
            extra.add(base + "/opt/pypi-more/simple/");
        }
        Path wheelhouse = Path.of(System.getProperty("djdd.it.wheelhouse", "../../shared/wheelhouse"));
        return PipOptions.of(base + "/opt/pypi/simple/", extra,
                Files.isDirectory(wheelhouse) ? List.of(wheelhouse.toAbsolutePath().normalize().toString()) : List.of(),
                List.of(), List.of("--retries", "1", "--timeout", "10"), Path.of("."), Map.of());
    }

    @Test
    void packageIndexGoneWhilePipDownloadsStopsTheBuildAndTheNextOneSucceeds() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(MIRROR), "needs this machine's PyPI mirror to serve over HTTP");
        SoftwareName software = new SoftwareName("djddindex");
        ItSupport.deletePackages(software.value(), name -> true);
        // djdd would take the wheels from its download cache instead of the index.
        new ProcessRunner(Console.NULL).check(Command.of("rm", "-rf", buildDir.cache().resolve("downloads")
                .toString()));
        HttpServer failing = index(5);
        try {
            assertThatThrownBy(() -> build(software, upstream.toString(), null, pipFrom(failing),
                    new ItSupport.RecordingConsole()))
                    .isInstanceOf(DjddException.class)
                    .hasMessageStartingWith("pip lost the connection to the package index (")
                    .hasMessageContaining("): check the <pip> index settings and that the build machine reaches"
                            + " them, then build again.");
        } finally {
            failing.stop(0);
        }
        assertThat(files(software)).isEmpty();

        HttpServer back = index(-1);
        try {
            List<BuiltPackage> built = build(software, upstream.toString(), null, pipFrom(back),
                    new ItSupport.RecordingConsole());

            assertThat(built).hasSize(3).noneMatch(BuiltPackage::reused);
            for (BuiltPackage deb : built) {
                assertThat(PackageChecksum.matches(deb.file())).isTrue();
            }
        } finally {
            back.stop(0);
        }
    }

    @Test
    void gitRemoteGoneBuildsRefsTheCloneHasAndNamesTheOthers() throws Exception {
        SoftwareName software = new SoftwareName("djddoffline");
        Path served = Files.createDirectories(dir.resolve("served"));
        new ProcessRunner(Console.NULL).check(Command.of("cp", "-a", upstream.toString(), served.resolve("upstream")
                .toString()));
        new ProcessRunner(Console.NULL).check(Command.of("rm", "-rf", buildDir.sources().resolve(software.value())
                .toString()));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String remote = "git://127.0.0.1:" + port + "/upstream";
        Process daemon = new ProcessBuilder("git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1",
                "--port=" + port, "--base-path=" + served, served.toString()).inheritIO().start();
        try {
            awaitPort(port);
            build(software, remote, "main", SampleProject.pip(), new ItSupport.RecordingConsole());
            SampleProject.branch(served.resolve("upstream"), "main", "after-the-clone",
                    Map.of("mysite/version.py", "CODE_VERSION = \"9\"\n"), Instant.parse("2026-11-02T12:00:00Z"));
        } finally {
            daemon.destroy();
            daemon.waitFor();
        }
        ItSupport.RecordingConsole console = new ItSupport.RecordingConsole();

        List<BuiltPackage> built = build(software, remote, "main", SampleProject.pip(), console);

        assertThat(built).hasSize(3);
        assertThat(console.lines).anyMatch(line -> line.startsWith("Cannot fetch " + remote + " (")
                && line.endsWith("): going on with the clone in " + buildDir.sources().resolve(software.value())
                        + ", for refs it already has."))
                .anyMatch(line -> line.startsWith("Building 'main' as the clone last fetched it: commit "));
        assertThatThrownBy(() -> build(software, remote, "after-the-clone", SampleProject.pip(),
                new ItSupport.RecordingConsole()))
                .isInstanceOf(BuildFailedException.class)
                .hasMessageContaining("has no ref 'after-the-clone', and " + remote + " cannot be fetched (")
                .hasMessageEndingWith("): make the repository reachable from the build machine, then build again.");
    }

    private static void awaitPort(int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("git daemon did not listen on " + port);
    }
}
