package io.github.djdd.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * This machine's Maven repository ({@code ~/.m2/repository}) served read-only over HTTP on
 * loopback, as a company's repository manager mirrors Maven Central: a booted build machine's
 * Maven reads it instead of the internet, for root and for its other users alike (the folder
 * itself is root's alone, so a bind mount would serve root only). It answers files by their
 * path, and each file's SHA-1 sum (which a local repository does not keep) as Maven asks for it;
 * nothing else: no listing, no path out of the folder.
 */
final class MavenMirror implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads;

    private MavenMirror(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    static MavenMirror serve(Path repository) throws IOException {
        Path folder = repository.toAbsolutePath().normalize();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                Path file = folder.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
                boolean head = exchange.getRequestMethod().equals("HEAD");
                byte[] body = null;
                if (file.startsWith(folder) && !Files.exists(file) && file.getFileName().toString().endsWith(".sha1")) {
                    // A local repository keeps no checksums: Maven gets each one computed, instead of a warning.
                    Path artifact = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.sha1$", ""));
                    if (Files.isRegularFile(artifact)) {
                        body = sha1(artifact).getBytes(StandardCharsets.US_ASCII);
                    }
                } else if (file.startsWith(folder) && Files.isRegularFile(file)) {
                    body = Files.readAllBytes(file);
                }
                if (body == null || !(head || exchange.getRequestMethod().equals("GET"))) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                if (head) {
                    exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
                    exchange.sendResponseHeaders(200, -1);
                    return;
                }
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        // Maven downloads several files at once.
        ExecutorService threads = Executors.newFixedThreadPool(4);
        server.setExecutor(threads);
        server.start();
        return new MavenMirror(server, threads);
    }

    private static String sha1(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /**
     * A Maven settings file whose mirror sends every repository on the network (Maven Central)
     * here; repositories in folders ({@code file:}), such as the one a build machine deploys
     * djdd into, are read as they are.
     */
    String settings() {
        return """
                <settings>
                  <mirrors>
                    <mirror>
                      <id>djdd-it-host</id>
                      <mirrorOf>external:*</mirrorOf>
                      <url>%s</url>
                    </mirror>
                  </mirrors>
                </settings>
                """.formatted(url());
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
