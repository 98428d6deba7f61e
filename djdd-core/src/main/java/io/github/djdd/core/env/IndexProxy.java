package io.github.djdd.core.env;

import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The package indexes as the sandbox sees them: djdd's own HTTP server on a Unix socket that is
 * bound into the sandbox, where a relay ({@link #RELAY}) makes it {@code http://127.0.0.1:3141}
 * in the sandbox's own network namespace, its only network. It answers only under a secret path
 * ({@link #url}) and only GET: for each configured remote location, its pages (fetched from the
 * location with its credentials, which stay in this JVM, every link rewritten to this server)
 * and the files those pages link to, and nothing else. pip in the sandbox thus reads the indexes
 * it was given, while code that runs there (an sdist's build backend, preparing its metadata)
 * reaches no other host and no listener of the build machine, and never sees a credential.
 *
 * <p>Every file it serves it keeps in the {@link DownloadCache}, checked against the hash the
 * page gave; a file already there by that hash is served without asking the index.
 */
public final class IndexProxy implements AutoCloseable {
    /** The port the relay listens on in the sandbox's network namespace. */
    public static final int PORT = 3141;

    /**
     * Listens on 127.0.0.1:{@link #PORT} in the sandbox, then runs the command after its two
     * arguments (the proxy's socket and the port) as its child and relays every connection to
     * the socket until the child ends, with the child's exit status: listening first, the
     * command never finds the port closed.
     */
    public static final String RELAY = String.join("\n",
            "import os, socket, sys, threading",
            "path, port, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]",
            "server = socket.socket()",
            "server.bind(('127.0.0.1', port))",
            "server.listen(64)",
            "child = os.fork()",
            "if child == 0:",
            "    server.close()",
            "    os.execvp(argv[0], argv)",
            "def pump(source, target):",
            "    try:",
            "        while True:",
            "            data = source.recv(65536)",
            "            if not data:",
            "                break",
            "            target.sendall(data)",
            "    except OSError:",
            "        pass",
            "    try:",
            "        target.shutdown(socket.SHUT_WR)",
            "    except OSError:",
            "        pass",
            "def serve():",
            "    while True:",
            "        client, _ = server.accept()",
            "        upstream = socket.socket(socket.AF_UNIX)",
            "        try:",
            "            upstream.connect(path)",
            "        except OSError:",
            "            client.close()",
            "            continue",
            "        threading.Thread(target=pump, args=(client, upstream), daemon=True).start()",
            "        threading.Thread(target=pump, args=(upstream, client), daemon=True).start()",
            "threading.Thread(target=serve, daemon=True).start()",
            "_, status = os.waitpid(child, 0)",
            "sys.exit(os.waitstatus_to_exitcode(status))");

    private static final Pattern HREF = Pattern.compile("(?i)(href\\s*=\\s*)([\"'])(.*?)\\2");
    private static final Pattern SHA256_FRAGMENT = Pattern.compile("(?:^|&)sha256=([0-9a-fA-F]{64})");
    private static final int MAX_HEADER = 16 * 1024;

    /** A file a page linked to: where it is, and the SHA-256 the page gave for it, if any. */
    record Link(URI url, String sha256) {}

    /** A file this proxy served: where it came from and where its bytes are kept. */
    public record Served(URI url, String sha256, Path file) {}

    private final Path socket;
    private final ServerSocketChannel server;
    private final String token;
    private final List<URI> locations;
    private final DownloadCache cache;
    private final Console console;
    private final IndexClient client;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "djdd-index-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Map<String, Served> served = new ConcurrentHashMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    private IndexProxy(Path socket, ServerSocketChannel server, String token, List<URI> locations,
            DownloadCache cache, Console console) {
        this.socket = socket;
        this.server = server;
        this.token = token;
        this.locations = locations;
        this.cache = cache;
        this.console = console;
        this.client = new IndexClient(locations);
    }

    /**
     * Starts the proxy on a socket in {@code folder} for the remote {@code locations} (their
     * credentials, if any, in their user info).
     */
    public static IndexProxy start(Path folder, List<String> locations, DownloadCache cache, Console console)
            throws DjddException {
        List<URI> uris = new ArrayList<>();
        for (String location : locations) {
            try {
                String text = location.strip();
                uris.add(new URI(text.endsWith("/") ? text : text + "/"));
            } catch (URISyntaxException e) {
                throw new DjddException("The package index " + redacted(location) + " is no URL (" + e.getReason()
                        + "): fix the <pip> location.", e);
            }
        }
        Path socket = folder.resolve("s");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > 100) {
            throw new DjddException("The build dir's path is too long for the socket " + socket + " that the sandbox"
                    + " reaches the package index through (at most 100 bytes): choose a shorter -Ddjdd.buildDir.");
        }
        try {
            Files.createDirectories(folder);
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            byte[] secret = new byte[18];
            new SecureRandom().nextBytes(secret);
            IndexProxy proxy = new IndexProxy(socket, server, Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(secret), List.copyOf(uris), cache, console);
            Thread accept = new Thread(proxy::accept, "djdd-index-proxy-accept");
            accept.setDaemon(true);
            accept.start();
            return proxy;
        } catch (IOException e) {
            throw new DjddException("Cannot open the socket " + socket + " for the package index proxy ("
                    + e.getMessage() + "): check the build dir.", e);
        }
    }

    /** The socket, for the sandbox's bind mount. */
    public Path socket() {
        return socket;
    }

    /** The URL in the sandbox that stands for the {@code index}-th remote location given to {@link #start}. */
    public String url(int index) {
        return base() + "i" + index + "/";
    }

    private String base() {
        return "http://127.0.0.1:" + PORT + "/" + token + "/";
    }

    /**
     * The file behind a URL of this proxy that pip reported, as a page of the index linked to it:
     * its location and the hash the page gave; empty for a URL this proxy never gave out.
     */
    Optional<Link> link(String url) {
        if (!url.startsWith(base() + "f/")) {
            return Optional.empty();
        }
        String id = url.substring((base() + "f/").length()).replaceFirst("/.*", "");
        return Optional.ofNullable(links.get(id));
    }

    /** Whether a URL is one of this proxy's. */
    boolean owns(String url) {
        return url.startsWith(base());
    }

    /** The files served so far, by their SHA-256. */
    public Map<String, Served> served() {
        return Map.copyOf(served);
    }

    /** What went wrong reaching the indexes, first failure first; empty when nothing did. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /**
     * Downloads a file a page linked to into the cache (a file pip chose without downloading it,
     * from its metadata alone), checked against the page's hash.
     */
    Path download(Link link) throws DjddException {
        Optional<Path> cached = cache.find(link.sha256());
        if (cached.isPresent()) {
            return cached.get();
        }
        Path partial = cache.temporary();
        try {
            HttpResponse<InputStream> response = client.get(link.url(), "*/*");
            if (response.statusCode() != 200) {
                response.body().close();
                throw new DjddException(redacted(link.url().toString()) + " answered HTTP " + response.statusCode()
                        + ": check the package index, then build again.");
            }
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(partial)) {
                in.transferTo(out);
            }
        } catch (IOException e) {
            throw new DjddException("Cannot download " + redacted(link.url().toString()) + " (" + e.getMessage()
                    + "): check that the build machine reaches the package index, then build again.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DjddException("Interrupted while downloading " + redacted(link.url().toString()) + ".", e);
        }
        return cache.store(partial, link.sha256(), redacted(link.url().toString()));
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel connection = server.accept();
                connections.execute(() -> answer(connection));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void answer(SocketChannel connection) {
        try (connection; InputStream in = Channels.newInputStream(connection);
                OutputStream out = Channels.newOutputStream(connection)) {
            String head = head(in);
            String[] request = head.lines().findFirst().orElse("").split(" ");
            if (request.length != 3 || !request[0].equals("GET")) {
                respond(out, 405, "text/plain", "djdd's index proxy answers GET only\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String prefix = "/" + token + "/";
            if (!request[1].startsWith(prefix)) {
                respond(out, 403, "text/plain", new byte[0]);
                return;
            }
            String path = request[1].substring(prefix.length());
            if (path.startsWith("f/")) {
                file(out, path.substring(2));
            } else if (path.matches("i[0-9]+/.*")) {
                int index = Integer.parseInt(path.substring(1, path.indexOf('/')));
                page(out, index, path.substring(path.indexOf('/') + 1));
            } else {
                respond(out, 404, "text/plain", new byte[0]);
            }
        } catch (IOException e) {
            // pip gave up on the connection; it says so itself
        }
    }

    /** A page of a location: fetched, its links made this proxy's. */
    private void page(OutputStream out, int index, String rest) throws IOException {
        if (index >= locations.size()) {
            respond(out, 404, "text/plain", new byte[0]);
            return;
        }
        URI location = locations.get(index);
        URI url;
        try {
            url = location.resolve(new URI(null, null, URLDecoder.decode(rest.replaceFirst("\\?.*", ""),
                    StandardCharsets.UTF_8), null)).normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            respond(out, 404, "text/plain", new byte[0]);
            return;
        }
        if (!url.toString().startsWith(location.normalize().toString())) {
            respond(out, 403, "text/plain", new byte[0]);
            return;
        }
        try {
            HttpResponse<InputStream> response = client.get(url, "text/html");
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readAllBytes();
            }
            if (response.statusCode() != 200) {
                if (response.statusCode() >= 500 || response.statusCode() == 401 || response.statusCode() == 403) {
                    failures.add(redacted(url.toString()) + " answered HTTP " + response.statusCode());
                }
                respond(out, response.statusCode(), "text/plain", new byte[0]);
                return;
            }
            URI page = response.uri();
            respond(out, 200, "text/html; charset=utf-8", rewrite(new String(body, StandardCharsets.UTF_8), page)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            failures.add(redacted(url.toString()) + ": " + e);
            respond(out, 502, "text/plain", new byte[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(out, 502, "text/plain", new byte[0]);
        }
    }

    /** Every link of a page, pointing at this proxy's {@code f/ID/NAME}, its fragment (the hash) kept. */
    String rewrite(String html, URI page) {
        Matcher matcher = HREF.matcher(html);
        StringBuilder rewritten = new StringBuilder();
        while (matcher.find()) {
            String href = unescape(matcher.group(3));
            String fragment = href.contains("#") ? href.substring(href.indexOf('#') + 1) : "";
            String target = href.contains("#") ? href.substring(0, href.indexOf('#')) : href;
            String replacement;
            try {
                URI url = page.resolve(new URI(target.replace(" ", "%20"))).normalize();
                String name = url.getPath() == null ? "" : url.getPath().replaceFirst(".*/", "");
                Matcher sha256 = SHA256_FRAGMENT.matcher(fragment);
                String id = id(url);
                links.put(id, new Link(url, sha256.find() ? sha256.group(1).toLowerCase(Locale.ROOT) : null));
                replacement = base() + "f/" + id + "/" + name + (fragment.isEmpty() ? "" : "#" + fragment);
            } catch (URISyntaxException | IllegalArgumentException e) {
                replacement = "#";
            }
            matcher.appendReplacement(rewritten, Matcher.quoteReplacement(matcher.group(1) + matcher.group(2)
                    + escape(replacement) + matcher.group(2)));
        }
        matcher.appendTail(rewritten);
        return rewritten.toString();
    }

    /** A file a page linked to, or its PEP 658 metadata ({@code NAME.metadata}). */
    private void file(OutputStream out, String path) throws IOException {
        String id = path.replaceFirst("/.*", "");
        Link link = links.get(id);
        if (link == null) {
            respond(out, 403, "text/plain", new byte[0]);
            return;
        }
        boolean metadata = path.endsWith(".metadata") && !link.url().getPath().endsWith(".metadata");
        try {
            if (metadata) {
                HttpResponse<InputStream> response = client.get(URI.create(link.url() + ".metadata"), "*/*");
                try (InputStream in = response.body()) {
                    respond(out, response.statusCode(), "application/octet-stream", in.readAllBytes());
                }
                return;
            }
            Path file = download(link);
            String sha256 = file.getFileName().toString();
            served.put(sha256, new Served(link.url(), sha256, file));
            String head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                    + Files.size(file) + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            Files.copy(file, out);
            out.flush();
        } catch (DjddException e) {
            failures.add(e.getMessage());
            respond(out, 502, "text/plain", e.getMessage().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            failures.add(redacted(link.url().toString()) + ": " + e);
            respond(out, 502, "text/plain", new byte[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(out, 502, "text/plain", new byte[0]);
        }
    }

    /** A URL as messages show it: without its credentials. */
    public static String redacted(String url) {
        return url.replaceFirst("(?<=//)[^/@]*@", "");
    }

    private static String id(URI url) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(url.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String unescape(String value) {
        return value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&#x27;", "'").replace("&amp;", "&");
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < MAX_HEADER) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
            String tail = head.toString(StandardCharsets.ISO_8859_1);
            if (matched >= 2 && (tail.endsWith("\r\n\r\n") || tail.endsWith("\n\n"))) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static void respond(OutputStream out, int status, String type, byte[] body) throws IOException {
        String head = "HTTP/1.1 " + status + " " + (status == 200 ? "OK" : "djdd") + "\r\nContent-Type: " + type
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            console.debug("Closing the index proxy: " + e.getMessage());
        }
        connections.shutdownNow();
    }
}
