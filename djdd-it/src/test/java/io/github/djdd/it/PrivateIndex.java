package io.github.djdd.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import io.github.djdd.core.store.PackageChecksum;

/**
 * A private package index on loopback, as a company runs one (a devpi or a repository manager):
 * PEP 503 pages over the distributions in one folder, answered only with HTTP basic
 * authentication, so that its URL holds a user and a token as operators write it
 * ({@code PIP_INDEX_URL=http://user:token@host/simple/}).
 */
final class PrivateIndex implements AutoCloseable {
    static final String USER = "deploy";

    private final HttpServer server;
    private final String token;

    private PrivateIndex(HttpServer server, String token) {
        this.server = server;
        this.token = token;
    }

    static PrivateIndex serve(Path folder, String token) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + token)
                .getBytes(StandardCharsets.UTF_8));
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"index\"");
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                answer(exchange, folder);
            }
        });
        server.start();
        return new PrivateIndex(server, token);
    }

    private static void answer(HttpExchange exchange, Path folder) throws IOException {
        String path = exchange.getRequestURI().getPath();
        List<Path> files;
        try (Stream<Path> listed = Files.list(folder)) {
            files = listed.sorted().toList();
        }
        if (path.startsWith("/files/")) {
            Path file = folder.resolve(path.substring("/files/".length()));
            if (!files.contains(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
            return;
        }
        String project = path.replaceFirst("^/simple/?", "").replaceFirst("/$", "");
        StringBuilder page = new StringBuilder("<!DOCTYPE html><html><body>\n");
        for (Path file : files) {
            String name = file.getFileName().toString();
            String normalized = name.replaceFirst("-[0-9].*", "").toLowerCase().replaceAll("[-_.]+", "-");
            if (project.isEmpty()) {
                page.append("<a href=\"").append(normalized).append("/\">").append(normalized).append("</a>\n");
            } else if (normalized.equals(project)) {
                page.append("<a href=\"../../files/").append(name).append("#sha256=")
                        .append(PackageChecksum.sha256(file)).append("\">").append(name).append("</a>\n");
            }
        }
        byte[] body = page.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The index URL with its credentials, as an operator sets {@code PIP_INDEX_URL}. */
    String url() {
        return "http://" + USER + ":" + token + "@127.0.0.1:" + server.getAddress().getPort() + "/simple/";
    }

    /** Where its files are, without credentials: {@code http://127.0.0.1:PORT/files/NAME}. */
    String files() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/files/";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
