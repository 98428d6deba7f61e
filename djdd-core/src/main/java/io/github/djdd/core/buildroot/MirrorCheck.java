package io.github.djdd.core.buildroot;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks the mirror for the suite's {@code Release} file before a bootstrap starts, so that a typo
 * in the suite or an unreachable mirror fails in seconds with a message that says which, instead
 * of deep inside debootstrap's output.
 */
final class MirrorCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private MirrorCheck() {}

    static void check(BuildRootOptions options) throws DjddException {
        URI release = URI.create(options.mirror() + "/dists/" + options.suite() + "/Release");
        int status;
        if ("file".equals(release.getScheme())) {
            status = Files.isRegularFile(Path.of(release)) ? 200 : 404;
        } else {
            status = head(release, options);
        }
        if (status == 404) {
            throw new InvalidConfigurationException("suite", "Suite '" + options.suite() + "' does not exist on mirror "
                    + options.mirror() + " (no " + release + "): use a Debian codename such as bookworm or trixie"
                    + " (-Ddjdd.suite).");
        }
        if (status >= 400) {
            throw new DjddException("Mirror " + options.mirror() + " answered HTTP " + status + " for " + release
                    + ": check the mirror URL (-Ddjdd.mirror).");
        }
    }

    private static int head(URI release, BuildRootOptions options) throws DjddException {
        HttpClient.Builder client = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL);
        proxy(release.getScheme()).ifPresent(client::proxy);
        HttpRequest request = HttpRequest.newBuilder(release)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(TIMEOUT)
                .build();
        try {
            return client.build().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new DjddException("Cannot reach the Debian mirror " + options.mirror() + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "): check the mirror URL (-Ddjdd.mirror) and the network or proxy (http_proxy).", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DjddException("Interrupted while checking the mirror " + options.mirror(), e);
        }
    }

    /** Honours the http_proxy/https_proxy variables that debootstrap and apt honour too. */
    private static Optional<ProxySelector> proxy(String scheme) {
        String value = System.getenv(scheme + "_proxy");
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        URI uri = URI.create(value.contains("://") ? value : "http://" + value);
        return Optional.of(ProxySelector.of(new InetSocketAddress(uri.getHost(),
                uri.getPort() == -1 ? 80 : uri.getPort())));
    }
}
