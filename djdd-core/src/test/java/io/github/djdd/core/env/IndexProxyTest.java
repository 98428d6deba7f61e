package io.github.djdd.core.env;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.djdd.core.Console;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** djdd's index proxy against real HTTP servers on loopback, asked over its real Unix socket. */
class IndexProxyTest {
    private static final byte[] WHEEL = "the wheel's bytes".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CDN_WHEEL = "the CDN's wheel".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private HttpServer index;
    private HttpServer files;
    private final Map<String, String> authorization = new ConcurrentHashMap<>();
    private DownloadCache cache;
    private IndexProxy proxy;
    private String wheelSha;
    private String cdnSha;

    @BeforeEach
    void indexAndFileHost() throws Exception {
        wheelSha = sha256(WHEEL);
        cdnSha = sha256(CDN_WHEEL);
        files = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        files.createContext("/", exchange -> {
            authorization.put("files", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = exchange.getRequestURI().getPath().endsWith("tampered-1.0-py3-none-any.whl")
                    ? "other bytes".getBytes(StandardCharsets.UTF_8) : CDN_WHEEL;
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        files.start();
        index = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        index.createContext("/", exchange -> {
            authorization.put("index", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            String page = """
                    <html><body>
                    <a href="../../files/foo-1.0-py3-none-any.whl#sha256=%1$s" data-requires-python="&gt;=3.9">foo</a>
                    <a href='http://127.0.0.1:%2$d/cdn/foo-1.1-py3-none-any.whl#sha256=%3$s'>foo</a>
                    <a href="http://127.0.0.1:%2$d/cdn/tampered-1.0-py3-none-any.whl#sha256=%1$s">tampered</a>
                    </body></html>
                    """.formatted(wheelSha, files.getAddress().getPort(), cdnSha);
            byte[] body = exchange.getRequestURI().getPath().startsWith("/files/") ? WHEEL
                    : page.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        index.start();
        cache = new DownloadCache(new BuildDir(dir.resolve("build")));
        proxy = IndexProxy.start(dir.resolve("socket"), List.of("http://deploy:s%40cret@127.0.0.1:"
                + index.getAddress().getPort() + "/simple/"), cache, Console.NULL);
    }

    @AfterEach
    void stop() {
        proxy.close();
        index.stop(0);
        files.stop(0);
    }

    @Test
    void aPageComesWithEveryLinkPointingAtTheProxyAndItsHashKept() throws Exception {
        String page = get(path(proxy.url(0)) + "foo/");

        assertThat(page).startsWith("HTTP/1.1 200 ");
        assertThat(page).containsPattern("<a href=\"http://127\\.0\\.0\\.1:3141/[A-Za-z0-9_-]+/f/[0-9a-f]{24}/"
                + "foo-1\\.0-py3-none-any\\.whl#sha256=" + wheelSha + "\" data-requires-python=\"&gt;=3.9\">");
        assertThat(page).containsPattern("<a href='http://127\\.0\\.0\\.1:3141/[A-Za-z0-9_-]+/f/[0-9a-f]{24}/"
                + "foo-1\\.1-py3-none-any\\.whl#sha256=" + cdnSha + "'>").doesNotContain("/cdn/", "../../files");
        assertThat(authorization.get("index")).isEqualTo("Basic ZGVwbG95OnNAY3JldA=="); // deploy:s@cret
    }

    @Test
    void aLinkedFileIsServedAndKeptByItsHashAndTheCredentialsGoToTheirOwnHostOnly() throws Exception {
        String page = get(path(proxy.url(0)) + "foo/");
        String local = href(page, "foo-1.0-py3-none-any.whl");
        String elsewhere = href(page, "foo-1.1-py3-none-any.whl");

        assertThat(get(local)).startsWith("HTTP/1.1 200 ").endsWith("the wheel's bytes");
        assertThat(get(elsewhere)).startsWith("HTTP/1.1 200 ").endsWith("the CDN's wheel");

        assertThat(cache.find(wheelSha)).hasValueSatisfying(file -> assertThat(file).hasBinaryContent(WHEEL));
        assertThat(cache.find(cdnSha)).hasValueSatisfying(file -> assertThat(file).hasBinaryContent(CDN_WHEEL));
        assertThat(proxy.served()).containsOnlyKeys(wheelSha, cdnSha);
        assertThat(authorization.get("files")).as("credentials sent to the file host").isEqualTo("null");
    }

    @Test
    void aFileThatDoesNotMatchThePagesHashIsRefusedAndNotKept() throws Exception {
        String tampered = href(get(path(proxy.url(0)) + "foo/"), "tampered-1.0-py3-none-any.whl");

        assertThat(get(tampered)).startsWith("HTTP/1.1 502 ");

        assertThat(proxy.failures()).singleElement().asString().contains("tampered-1.0-py3-none-any.whl has the"
                + " SHA-256 " + sha256("other bytes".getBytes(StandardCharsets.UTF_8)) + ", not the " + wheelSha);
        assertThat(cache.find(sha256("other bytes".getBytes(StandardCharsets.UTF_8)))).isEmpty();
    }

    @Test
    void withoutTheSecretPathForALinkNoPageGaveOutOrOutsideTheIndexItAnswersNothing() throws Exception {
        String token = path(proxy.url(0)).split("/")[1];

        assertThat(get("/guess/i0/foo/")).startsWith("HTTP/1.1 403 ");
        assertThat(get("/" + token + "/f/0123456789abcdef01234567/x.whl")).startsWith("HTTP/1.1 403 ");
        assertThat(get("/" + token + "/i0/../../admin/")).startsWith("HTTP/1.1 403 ");
        assertThat(get("/" + token + "/i7/foo/")).startsWith("HTTP/1.1 404 ");
        assertThat(request("POST " + path(proxy.url(0)) + "foo/ HTTP/1.1\r\nHost: x\r\n\r\n"))
                .startsWith("HTTP/1.1 405 ");
        assertThat(authorization).doesNotContainKey("files");
    }

    private static String path(String url) {
        return url.replaceFirst("^http://127\\.0\\.0\\.1:3141", "");
    }

    private static String href(String page, String file) {
        return path(page.replaceFirst("(?s).*href=[\"'](http://[^\"'#]*/" + file.replace(".", "\\.") + ")[#\"'].*",
                "$1"));
    }

    private String get(String path) throws IOException {
        return request("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:3141\r\nAccept: text/html\r\n\r\n");
    }

    private String request(String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(proxy.socket()));
            OutputStream out = Channels.newOutputStream(channel);
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = Channels.newInputStream(channel);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private String sha256(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("hash-me"), bytes);
        return PackageChecksum.sha256(file);
    }
}
