package io.github.djdd.core.publish;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A web server on loopback that serves a repository folder as nginx would, except for the paths
 * an attacker who controls the server (or a mirror on the way) answers otherwise. It counts the
 * bytes of every body it gets onto the wire, so a test sees when a client stopped reading.
 */
final class HostileMirror implements AutoCloseable {
    /** What the attacker sends instead of a file. */
    @FunctionalInterface
    interface Answer {
        void send(HttpExchange exchange) throws IOException;
    }

    private final Path folder;
    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();

    private HostileMirror(Path folder) throws IOException {
        this.folder = folder;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath().substring(1);
                Answer answer = answers.entrySet().stream().filter(entry -> path.startsWith(entry.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(this::file);
                answer.send(exchange);
            } catch (IOException e) {
                // the client hung up: what it read is what the test looks at
            }
        });
        server.start();
    }

    static HostileMirror serving(Path folder) throws IOException {
        return new HostileMirror(folder);
    }

    /** The URL a build agent is given, with a trailing slash. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Every path that starts with {@code prefix} (no leading slash) gets {@code answer}. */
    HostileMirror answer(String prefix, Answer answer) {
        answers.put(prefix, answer);
        return this;
    }

    /** Bytes of response bodies written so far. */
    long sent() {
        return sent.get();
    }

    /**
     * An answer of {@code size} bytes of {@code filler}, sent in chunks without a Content-Length,
     * so the client learns the size only by reading.
     */
    Answer endless(long size, byte filler) {
        return stream(0, size, filler);
    }

    /** An answer of {@code size} bytes of {@code filler} that says its Content-Length first. */
    Answer announced(long size, byte filler) {
        return stream(size, size, filler);
    }

    private Answer stream(long contentLength, long size, byte filler) {
        return exchange -> {
            exchange.sendResponseHeaders(200, contentLength);
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, filler);
            OutputStream body = exchange.getResponseBody();
            for (long written = 0; written < size; written += chunk.length) {
                body.write(chunk);
                sent.addAndGet(chunk.length);
            }
            body.close();
        };
    }

    /** {@code content} in place of the file, with its Content-Length. */
    Answer bytes(byte[] content) {
        return exchange -> {
            exchange.sendResponseHeaders(200, content.length);
            exchange.getResponseBody().write(content);
            sent.addAndGet(content.length);
        };
    }

    private void file(HttpExchange exchange) throws IOException {
        Path file = folder.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
        if (!file.startsWith(folder) || !Files.isRegularFile(file)) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        exchange.sendResponseHeaders(200, Files.size(file));
        sent.addAndGet(Files.copy(file, exchange.getResponseBody()));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
