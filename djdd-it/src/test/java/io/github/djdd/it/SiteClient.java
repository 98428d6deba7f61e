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
        return new Load(path, clients, Duration.ZERO);
    }

    /**
     * As {@link #load(String, int)}, each client pausing {@code pause} after every response: enough
     * clients to keep requests in flight at every moment, without taking the CPU the server's own
     * work needs (a long upgrade).
     */
    Load load(String path, int clients, Duration pause) {
        return new Load(path, clients, pause);
    }

    final class Load implements AutoCloseable {
        private final ExecutorService pool;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong ok = new AtomicLong();
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
        /** When requests began to fail with none answered since (0: the site answers), and the sum of such spans. */
        private long downSince;
        private long downNanos;
        private long longestDownNanos;

        private Load(String path, int clients, Duration pause) {
            pool = Executors.newFixedThreadPool(clients);
            for (int i = 0; i < clients; i++) {
                pool.submit(() -> {
                    while (running.get()) {
                        long start = System.nanoTime();
                        try {
                            HttpResponse<String> response = get(path);
                            if (response.statusCode() == 200) {
                                ok.incrementAndGet();
                                answered();
                            } else {
                                failures.add("HTTP " + response.statusCode() + ": " + response.body().strip());
                                failed(start);
                            }
                        } catch (Exception e) {
                            failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                            failed(start);
                        }
                        latenciesMicros.add((System.nanoTime() - start) / 1000);
                        if (!pause.isZero()) {
                            Thread.sleep(pause.toMillis());
                        }
                    }
                    return null;
                });
            }
        }

        private synchronized void failed(long start) {
            if (downSince == 0) {
                downSince = start;
            }
        }

        private synchronized void answered() {
            if (downSince != 0) {
                long span = System.nanoTime() - downSince;
                downNanos += span;
                longestDownNanos = Math.max(longestDownNanos, span);
                downSince = 0;
            }
        }

        /**
         * How long the site was unavailable: the spans from a failed request's start to the next
         * answered one, summed, and the longest of them, in seconds.
         */
        synchronized String unavailable() {
            long open = downSince == 0 ? 0 : System.nanoTime() - downSince;
            return String.format(Locale.ROOT, "unavailable %.1f s in all, longest %.1f s",
                    (downNanos + open) / 1e9, Math.max(longestDownNanos, open) / 1e9);
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
