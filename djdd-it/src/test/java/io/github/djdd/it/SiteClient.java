package io.github.djdd.it;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * HTTP to a site through the target's nginx on the host's loopback, addressed by its server name
 * in the {@code Host} header (needs {@code -Djdk.httpclient.allowRestrictedHeaders=host}, which
 * the failsafe configuration sets).
 */
final class SiteClient {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final String host;
    private final int port;

    SiteClient(String host, int port) {
        this.host = host;
        this.port = port;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Host", host)
                .timeout(Duration.ofSeconds(150));
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> e.getKey() + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return http.send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> upload(String path, String fileName, String content) throws Exception {
        String boundary = "djddboundary" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: text/plain\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
        return http.send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Requests {@code path} from {@code clients} threads at once, each in a loop, until stopped:
     * every response and every connection error is counted.
     */
    Load load(String path, int clients) {
        return new Load(path, clients);
    }

    final class Load implements AutoCloseable {
        private final ExecutorService pool;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong ok = new AtomicLong();
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());

        private Load(String path, int clients) {
            pool = Executors.newFixedThreadPool(clients);
            for (int i = 0; i < clients; i++) {
                pool.submit(() -> {
                    while (running.get()) {
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> response = get(path);
                            if (response.statusCode() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failures.add("HTTP " + response.statusCode() + ": " + response.body().strip());
                            }
                        } catch (Exception e) {
                            failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                        latenciesMicros.add((System.nanoTime() - start) / 1000);
                    }
                    return null;
                });
            }
        }

        long served() {
            return ok.get();
        }

        /**
         * Waits until {@code count} requests have been answered in all (instead of sleeping for a
         * while and hoping that the clients ran).
         */
        void awaitServed(long count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (ok.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (ok.get() < count) {
                throw new AssertionError("only " + ok.get() + " of " + count + " requests answered within 2 minutes;"
                        + " failures: " + failures.size());
            }
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        /** Stops the clients and returns a one-line report. */
        String stop() throws InterruptedException {
            close();
            List<Long> sorted = new ArrayList<>(latenciesMicros);
            Collections.sort(sorted);
            long p99 = sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1));
            long max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
            long p50 = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
            return String.format(Locale.ROOT, "requests %d, served %d, failed %d, p50 %.1f ms, p99 %.1f ms,"
                    + " max %.1f ms", sorted.size(), ok.get(), failures.size(), p50 / 1000.0, p99 / 1000.0, max / 1000.0);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            pool.shutdown();
            pool.awaitTermination(3, TimeUnit.MINUTES);
        }
    }
}
