package io.github.djdd.core.env;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * djdd's own requests to package indexes, in this JVM: an index's credentials (the user info of
 * its configured URL) go with every request to that scheme, host and port, and to no other host,
 * also not one that a redirect or a page's link names.
 */
final class IndexClient {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final int MAX_REDIRECTS = 5;

    private final List<URI> locations;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** @param locations the configured index and find-links URLs, with their credentials */
    IndexClient(List<URI> locations) {
        this.locations = List.copyOf(locations);
    }

    /**
     * GETs {@code url}, following redirects itself: a location's credentials go only to the
     * scheme, host and port they were given for, never to the host a redirect names.
     */
    HttpResponse<InputStream> get(URI url, String accept) throws IOException, InterruptedException {
        URI current = url;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(withoutUserInfo(current)).timeout(TIMEOUT)
                    .header("Accept", accept);
            credentials(current).ifPresent(value -> request.header("Authorization", value));
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            Optional<String> redirect = response.headers().firstValue("Location");
            if (response.statusCode() / 100 != 3 || redirect.isEmpty() || hop == MAX_REDIRECTS) {
                return response;
            }
            response.body().close();
            try {
                current = current.resolve(new URI(redirect.get()));
            } catch (URISyntaxException e) {
                throw new IOException(IndexProxy.redacted(current.toString()) + " redirects to a malformed URL", e);
            }
        }
    }

    /** The Basic credentials of the configured location with {@code url}'s scheme, host and port. */
    private Optional<String> credentials(URI url) {
        for (URI location : locations) {
            if (location.getRawUserInfo() != null && location.getScheme().equalsIgnoreCase(url.getScheme())
                    && location.getHost().equalsIgnoreCase(url.getHost()) && port(location) == port(url)) {
                String userInfo = URLDecoder.decode(location.getRawUserInfo().replace("+", "%2B"),
                        StandardCharsets.UTF_8);
                return Optional.of("Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(
                        StandardCharsets.UTF_8)));
            }
        }
        return Optional.empty();
    }

    static int port(URI url) {
        return url.getPort() != -1 ? url.getPort() : url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    static URI withoutUserInfo(URI url) {
        if (url.getRawUserInfo() == null) {
            return url;
        }
        return URI.create(url.toString().replaceFirst("//[^/@]*@", "//"));
    }

}
