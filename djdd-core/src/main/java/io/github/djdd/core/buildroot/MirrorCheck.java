package io.github.djdd.core.buildroot;

import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks the mirror and the security archive for the suite's {@code Release} files before init
 * changes anything, so that a typo in the suite or an unreachable archive fails in seconds with a
 * message that says which, instead of deep inside debootstrap's or apt's output.
 */
final class MirrorCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private MirrorCheck() {}

    /**
     * What the archives hold now.
     *
     * @param updates whether the mirror has the suite's point-release updates ({@code {suite}-updates})
     * @param fingerprint the {@code Last-Modified} and {@code ETag} of each archive's {@code Release}:
     *     while it stays the same, there is nothing new to install
     */
    record Archives(boolean updates, String fingerprint) {}

    /** One archive's answer for a {@code Release} file. */
    private record Answer(int status, String version) {}

    /**
     * Checks the suite on the mirror and on the security archive; nothing in the root has changed yet.
     */
    static Archives check(BuildRootOptions options) throws DjddException {
        String fix = "check the mirror URL (-Ddjdd.mirror)";
        StringBuilder fingerprint = new StringBuilder();
        Answer answer = status(options.mirror(), options.suite(), "the Debian mirror", fix);
        fingerprint.append(answer.version());
        int status = answer.status();
        if (status == 404) {
            throw new InvalidConfigurationException("suite", "Suite '" + options.suite() + "' does not exist on mirror "
                    + options.mirror() + " (no " + release(options.mirror(), options.suite())
                    + "): use a Debian codename such as bookworm or trixie (-Ddjdd.suite).");
        }
        failed(status, options.mirror(), options.suite(), fix);
        if (options.security().isPresent()) {
            URI security = options.security().get();
            String securityFix = "check -Ddjdd.securityMirror, or set it to " + BuildRootOptions.NO_SECURITY_MIRROR
                    + " for a mirror without a security archive";
            Answer securityAnswer = status(security, options.securitySuite(), "the Debian security archive",
                    securityFix);
            fingerprint.append(' ').append(securityAnswer.version());
            int found = securityAnswer.status();
            if (found == 404) {
                throw new InvalidConfigurationException("securityMirror", "The security archive " + security
                        + " has no " + options.securitySuite() + " (no " + release(security, options.securitySuite())
                        + "): " + securityFix + ".");
            }
            failed(found, security, options.securitySuite(), securityFix);
        }
        Answer updates = status(options.mirror(), options.updatesSuite(), "the Debian mirror", fix);
        failed(updates.status() == 404 ? 200 : updates.status(), options.mirror(), options.updatesSuite(), fix);
        fingerprint.append(' ').append(updates.version());
        return new Archives(updates.status() != 404, fingerprint.toString());
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

    private static Answer status(URI archive, String suite, String what, String fix) throws DjddException {
        URI release = release(archive, suite);
        if ("file".equals(release.getScheme())) {
            Path file = Path.of(release);
            try {
                return Files.isRegularFile(file)
                        ? new Answer(200, Files.getLastModifiedTime(file) + "/" + Files.size(file))
                        : new Answer(404, "-");
            } catch (IOException e) {
                throw new DjddException("Cannot read " + file + " (" + e.getMessage() + "): " + fix + ".", e);
            }
        }
        HttpClient.Builder client = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL);
        proxy(release.getScheme()).ifPresent(client::proxy);
        HttpRequest request = HttpRequest.newBuilder(release)
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .timeout(TIMEOUT)
                .build();
        try {
            HttpResponse<Void> response = client.build().send(request, HttpResponse.BodyHandlers.discarding());
            HttpHeaders headers = response.headers();
            return new Answer(response.statusCode(), headers.firstValue("Last-Modified").orElse("-") + "/"
                    + headers.firstValue("ETag").orElse("-"));
        } catch (IOException e) {
            throw new DjddException("Cannot reach " + what + " " + archive + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "): " + fix + ", and the network or proxy (http_proxy).", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DjddException("Interrupted while checking " + what + " " + archive, e);
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
