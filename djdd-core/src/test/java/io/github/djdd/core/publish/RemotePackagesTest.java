package io.github.djdd.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.djdd.core.Console;
import io.github.djdd.core.DjddException;
import io.github.djdd.core.InvalidConfigurationException;
import io.github.djdd.core.store.PackageChecksum;
import io.github.djdd.core.workspace.BuildDir;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package cache a second build agent reads: a repository made by FolderRepository, signed by a gpg key. */
class RemotePackagesTest {
    @TempDir
    Path dir;

    private Path folder;
    private Path keyring;
    private BuildDir agent;
    private Path env;
    private final List<String> warnings = new ArrayList<>();
    private final Console console = new Console() {
        @Override
        public void debug(String message) {}

        @Override
        public void info(String message) {}

        @Override
        public void warn(String message) {
            warnings.add(message);
        }
    };

    @BeforeEach
    void aPublishedRepository() throws Exception {
        ReleaseSigner signer = ReleaseSigner.load(TestDebs.gpgKey(dir, "ops", ""), new char[0], Instant.now());
        folder = dir.resolve("repo");
        env = deb("mysoftware-env-aaaa", "amd64");
        new FolderRepository(folder, "mysoftware", signer, Console.NULL, Clock.systemUTC()).publish("trixie",
                List.of(env, deb("mysoftware-src-1111", "all")), 5);
        keyring = folder.resolve("mysoftware-archive-keyring.gpg");
        agent = BuildDir.prepare(dir.resolve("agent2"));
    }

    private Path deb(String name, String arch) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree-" + name).resolve("DEBIAN"));
        Files.writeString(tree.resolve("control"), "Package: " + name + "\nVersion: 1\nArchitecture: " + arch
                + "\nMaintainer: ops <ops@example.org>\nDescription: test\n");
        Path deb = dir.resolve(name + ".deb");
        TestDebs.run(List.of("dpkg-deb", "--root-owner-group", "--build", tree.getParent().toString(),
                deb.toString()));
        return deb;
    }

    @Test
    void aPackageTheRepositoryHasIsDownloadedCheckedAndRecordedAsDjddRecordsItsOwn() throws Exception {
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);

        Path fetched = remote.fetch("mysoftware-env-aaaa").orElseThrow();
        assertThat(fetched).isEqualTo(agent.packages().resolve("mysoftware-env-aaaa_1_amd64.deb"))
                .hasSameBinaryContentAs(env);
        assertThat(PackageChecksum.matches(fetched)).isTrue();
        assertThat(remote.fetch("mysoftware-src-1111")).isPresent();
        assertThat(remote.fetch("mysoftware-env-bbbb")).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void overHttpToo() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Path file = folder.resolve(exchange.getRequestURI().getPath().substring(1));
            if (Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(200, Files.size(file));
                Files.copy(file, exchange.getResponseBody());
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        server.start();
        try {
            RemotePackages remote = RemotePackages.of("http://127.0.0.1:" + server.getAddress().getPort(), keyring,
                    "trixie", agent, console);
            assertThat(remote.fetch("mysoftware-env-aaaa").orElseThrow()).hasSameBinaryContentAs(env);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aPackageAlteredInThePoolIsRefused() throws Exception {
        Path pooled = folder.resolve("pool/trixie/mysoftware-env-aaaa/mysoftware-env-aaaa_1_amd64.deb");
        Files.writeString(pooled, "tampered", java.nio.file.StandardOpenOption.APPEND);
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), keyring, "trixie", agent, console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessageStartingWith(folder.toUri().resolve("pool/trixie/mysoftware-env-aaaa/mysoftware-env-aaaa_1_amd64.deb")
                        + " does not match the SHA-256 its signed index gives (")
                .hasMessageEndingWith("): the repository was altered after publishing; nothing was taken from it.");
        assertThat(agent.packages()).isEmptyDirectory();
    }

    @Test
    void anIndexSignedByAnotherKeyIsRefused() throws Exception {
        ReleaseSigner other = ReleaseSigner.load(TestDebs.gpgKey(dir, "other", ""), new char[0], Instant.now());
        Path otherKeyring = Files.write(dir.resolve("other.gpg"), other.publicKeyring());
        RemotePackages remote = RemotePackages.of(folder.toUri().toString(), otherKeyring, "trixie", agent, console);

        assertThatThrownBy(() -> remote.fetch("mysoftware-env-aaaa")).isInstanceOf(DjddException.class)
                .hasMessageStartingWith("The InRelease of " + folder.toUri() + " is not signed by the key in "
                        + otherKeyring + " (")
                .hasMessageEndingWith("): check <aptRepositoryKey>; nothing was taken from the repository.");
    }

    @Test
    void anUnreachableRepositoryIsAWarningAndTheBuildGoesOn() throws Exception {
        RemotePackages remote = RemotePackages.of("http://127.0.0.1:9/", keyring, "trixie", agent, console);

        assertThat(remote.fetch("mysoftware-env-aaaa")).isEmpty();
        assertThat(warnings).singleElement().asString().startsWith("Cannot read the package index of"
                + " http://127.0.0.1:9/ (").endsWith("): building every package here.");
    }

    @Test
    void aBadUrlOrAMissingKeyIsNamed() {
        assertThatThrownBy(() -> RemotePackages.of("ftp://example.org/", keyring, "trixie", agent, console))
                .isInstanceOf(InvalidConfigurationException.class).hasMessage("Invalid <aptRepository>"
                        + " 'ftp://example.org/': use the http, https or file URL of a repository that djdd:publish"
                        + " made.");
        assertThatThrownBy(() -> RemotePackages.of("http://example.org/", null, "trixie", agent, console))
                .isInstanceOf(InvalidConfigurationException.class).hasMessage("<aptRepository> needs its public"
                        + " key: set <aptRepositoryKey> (-Ddjdd.aptRepositoryKey) to the repository's"
                        + " {software}-archive-keyring.gpg.");
    }
}
