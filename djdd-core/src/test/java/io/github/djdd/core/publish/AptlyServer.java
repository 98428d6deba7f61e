package io.github.djdd.core.publish;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real aptly API server ({@code aptly api serve}) on a free loopback port, with a root and a
 * GnuPG home of its own in {@code dir}: local repositories created and published once, as an
 * operator does, their publications signed with the key in the GnuPG home and written to
 * {@code aptly-root/public} for a web server to serve.
 */
public final class AptlyServer implements AutoCloseable {
    private final Path root;
    private final Path config;
    private final Path gnupg;
    private final int port;
    private final Process process;

    private AptlyServer(Path root, Path config, Path gnupg, int port, Process process) {
        this.root = root;
        this.config = config;
        this.gnupg = gnupg;
        this.port = port;
        this.process = process;
    }

    /** Starts aptly with a new signing key named {@code aptly-signer@example.org}. */
    public static AptlyServer start(Path dir) throws Exception {
        TestDebs.gpgKey(dir, "aptly-signer", "");
        Path gnupg = dir.resolve("gnupg-aptly-signer");
        Path config = dir.resolve("aptly.conf");
        Path root = dir.resolve("aptly-root");
        Files.writeString(config, "{\"rootDir\": \"" + root + "\", \"gpgProvider\": \"gpg\","
                + " \"architectures\": [\"amd64\"]}\n");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder("aptly", "-config=" + config, "api", "serve",
                "-listen=127.0.0.1:" + port, "-no-lock").redirectErrorStream(true)
                .redirectOutput(dir.resolve("aptly.log").toFile());
        builder.environment().put("GNUPGHOME", gnupg.toString());
        AptlyServer server = new AptlyServer(root, config, gnupg, port, builder.start());
        for (int i = 0; i < 200; i++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return server;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        server.close();
        throw new IllegalStateException("aptly did not listen on " + port + ": " + Files.readString(
                dir.resolve("aptly.log")));
    }

    /** The API's URL, as {@code <aptly>} names it: plain http on loopback, so with {@code <aptlyInsecure>}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    /** The folder with its publications, which a web server serves. */
    public Path publications() {
        return root.resolve("public");
    }

    /** Runs the aptly command line on the server's root (which {@code -no-lock} leaves to share). */
    public String aptly(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("env", "GNUPGHOME=" + gnupg, "aptly", "-config=" + config));
        argv.addAll(List.of(args));
        return TestDebs.run(argv);
    }

    /**
     * A local repository {@code name}, empty, published as {@code suite} under the prefix
     * {@code name}, as an operator sets it up.
     *
     * @return the publication's folder
     */
    public Path createPublished(String name, String suite) throws Exception {
        aptly("repo", "create", "-distribution=" + suite, "-component=main", name);
        aptly("publish", "repo", "-batch", "-architectures=amd64", name, name);
        return publications().resolve(name);
    }

    /** The key aptly signs with, as a keyring for gpgv or apt's Signed-By. */
    public Path keyring(Path file) throws Exception {
        TestDebs.run(List.of("gpg", "--homedir", gnupg.toString(), "--batch", "--yes", "--output", file.toString(),
                "--export", "aptly-signer@example.org"));
        return file;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
