package io.github.djdd.core.buildroot;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Asks the mirror and the security archive for the suite's {@code Release} files before init
 * changes anything, so that a typo in the suite or an unreachable archive fails in seconds with a
 * message that says which, instead of deep inside debootstrap's or apt's output. The three
 * requests run at once.
 */
final class MirrorCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private MirrorCheck() {}

    /**
     * What the archives hold now.
     *
     * @param updates whether the mirror has the suite's point-release updates ({@code {suite}-updates})
     * @param fingerprint the {@code Last-Modified} and {@code ETag} of each archive's {@code Release}
     *     (or a hash of it when a proxy drops both): while it stays the same, there is nothing new to install
     */
    record Archives(boolean updates, String fingerprint) {}

    /** One archive's answer for a {@code Release} file. */
    private record Answer(int status, String version) {}

    /** Checks the suite on the mirror and on the security archive; nothing in the root has changed yet. */
    static Archives check(BuildRootOptions options) throws DjddException {
        String fix = "check the mirror URL (-Ddjdd.mirror)";
        String securityFix = "check -Ddjdd.securityMirror, or set it to " + BuildRootOptions.NO_SECURITY_MIRROR
                + " for a mirror without a security archive";
        ExecutorService executor = Executors.newFixedThreadPool(3, task -> {
            Thread thread = new Thread(task, "djdd-mirror-check");
            thread.setDaemon(true);
            return thread;
        });
        try {
            return check(options, executor, fix, securityFix);
        } finally {
            executor.shutdownNow();
        }
    }

    private static Archives check(BuildRootOptions options, Executor executor, String fix, String securityFix)
            throws DjddException {
        CompletableFuture<Answer> suite = ask(options.mirror(), options.suite(), executor);
        Optional<CompletableFuture<Answer>> security = options.security()
                .map(archive -> ask(archive, options.securitySuite(), executor));
        CompletableFuture<Answer> updates = ask(options.mirror(), options.updatesSuite(), executor);

        Answer answer = await(suite, options.mirror(), "the Debian mirror", fix);
        if (answer.status() == 404) {
            throw new InvalidConfigurationException("suite", "Suite '" + options.suite() + "' does not exist on mirror "
                    + options.mirror() + " (no " + release(options.mirror(), options.suite())
                    + "): use a Debian codename such as bookworm or trixie (-Ddjdd.suite).");
        }
        failed(answer.status(), options.mirror(), options.suite(), fix);
        StringBuilder fingerprint = new StringBuilder(answer.version());
        if (security.isPresent()) {
            URI archive = options.security().get();
            Answer found = await(security.get(), archive, "the Debian security archive", securityFix);
            if (found.status() == 404) {
                throw new InvalidConfigurationException("securityMirror", "The security archive " + archive
                        + " has no " + options.securitySuite() + " (no " + release(archive, options.securitySuite())
                        + "): " + securityFix + ".");
            }
            failed(found.status(), archive, options.securitySuite(), securityFix);
            fingerprint.append(' ').append(found.version());
        }
        Answer updated = await(updates, options.mirror(), "the Debian mirror", fix);
        failed(updated.status() == 404 ? 200 : updated.status(), options.mirror(), options.updatesSuite(), fix);
        fingerprint.append(' ').append(updated.version());
        return new Archives(updated.status() != 404, fingerprint.toString());
    }

    private static URI release(URI archive, String suite) {
        return URI.create(archive + "/dists/" + suite + "/Release");
    }

    private static void failed(int status, URI archive, String suite, String fix) throws DjddException {
        if (status >= 400) {
            throw new DjddException("Archive " + archive + " answered HTTP " + status + " for "
                    + release(archive, suite) + ": " + fix + ".");
        }
    }

    private static Answer await(CompletableFuture<Answer> answer, URI archive, String what, String fix)
            throws DjddException {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DjddException("Interrupted while checking " + what + " " + archive, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while ((cause instanceof CompletionException || cause instanceof UncheckedIOException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new DjddException("Cannot reach " + what + " " + archive + " ("
                    + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage())
                    + "): " + fix + ", and the network or proxy (http_proxy).", cause);
        }
    }

    /** HEAD of the suite's {@code Release}; its whole body only when no validator came back. */
    private static CompletableFuture<Answer> ask(URI archive, String suite, Executor executor) {
        URI release = release(archive, suite);
        if ("file".equals(release.getScheme())) {
            Path file = Path.of(release);
            try {
                return CompletableFuture.completedFuture(Files.isRegularFile(file)
                        ? new Answer(200, Files.getLastModifiedTime(file) + "/" + Files.size(file))
                        : new Answer(404, "-"));
            } catch (IOException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                HttpURLConnection head = open(release);
                head.setRequestMethod("HEAD");
                int status = head.getResponseCode();
                String modified = head.getHeaderField("Last-Modified");
                String tag = head.getHeaderField("ETag");
                head.disconnect();
                if (status != 200 || modified != null || tag != null) {
                    return new Answer(status, (modified == null ? "-" : modified) + "/" + (tag == null ? "-" : tag));
                }
                // A proxy that drops both validators: the file itself (tens of KiB) tells whether it changed.
                HttpURLConnection get = open(release);
                try (InputStream body = get.getInputStream()) {
                    return new Answer(get.getResponseCode(), "sha256:" + sha256(body.readAllBytes()));
                } finally {
                    get.disconnect();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, executor);
    }

    /** A connection through the proxy of http_proxy/https_proxy, as debootstrap and apt use. */
    private static HttpURLConnection open(URI uri) throws IOException {
        Proxy proxy = proxy(uri.getScheme());
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(proxy);
        connection.setConnectTimeout((int) TIMEOUT.toMillis());
        connection.setReadTimeout((int) TIMEOUT.toMillis());
        connection.setInstanceFollowRedirects(true);
        return connection;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Honours the http_proxy/https_proxy variables that debootstrap and apt honour too. */
    private static Proxy proxy(String scheme) {
        String value = System.getenv(scheme + "_proxy");
        if (value == null || value.isBlank()) {
            return Proxy.NO_PROXY;
        }
        URI uri = URI.create(value.contains("://") ? value : "http://" + value);
        return new Proxy(Proxy.Type.HTTP, new InetSocketAddress(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort()));
    }
}
