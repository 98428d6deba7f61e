package io.github.djdd.it;

import io.github.djdd.core.process.Command;
import io.github.djdd.core.process.ProcessRunner;
import io.github.djdd.core.store.BuiltPackage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The root every server of a fleet boots from, as an overlay's lower layer: a Debian of the suite
 * with systemd, the services of each role (PostgreSQL and RabbitMQ for the database server, nginx
 * for the balancer and the sites) and every Debian package the site packages under test depend
 * on, since the fleet's network of its own has no way to Debian's archive. Bootstrapped once into
 * a tarball beside the cached build dir, named after a hash of its package list (new dependencies,
 * a new image), and unpacked once into a folder beside it.
 */
final class FleetImage {
    private static final ProcessRunner RUNNER = new ProcessRunner(new ItSupport.RecordingConsole());
    /** A booted server's own (as {@link BootedTarget}'s), the roles' services, unattended-upgrades. */
    private static final List<String> BASE = List.of("systemd", "systemd-sysv", "dbus", "procps", "iproute2",
            "postgresql", "rabbitmq-server", "nginx", "memcached", "unattended-upgrades");

    private FleetImage() {}

    /** The unpacked image for servers that install {@code packages} (the software's own come from its repository). */
    static synchronized Path of(String suite, String software, Collection<BuiltPackage> packages) throws Exception {
        SortedSet<String> include = new TreeSet<>(BASE);
        for (BuiltPackage built : packages) {
            String depends = String.join("", RUNNER.check(Command.of("dpkg-deb", "--field", built.file().toString(),
                    "Depends").quietly()).output());
            for (String dependency : depends.split(",")) {
                String name = dependency.split("\\|")[0].strip().split("[\\s(:]", 2)[0];
                if (!name.isEmpty() && !name.startsWith(software + "-")) {
                    include.add(name);
                }
            }
        }
        String list = String.join(",", include);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(list.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        Path tarball = TargetRoot.bootstrap("fleet-root-" + hash, suite, list);
        Path root = tarball.resolveSibling(tarball.getFileName().toString().replaceFirst("\\.tar$", ""));
        if (!Files.isDirectory(root)) {
            Path partial = tarball.resolveSibling(root.getFileName() + ".partial");
            RUNNER.check(Command.of("rm", "-rf", "--one-file-system", partial.toString()).quietly());
            Files.createDirectories(partial);
            RUNNER.check(Command.of("tar", "--extract", "--file", tarball.toString(), "--directory", partial.toString())
                    .quietly());
            Files.move(partial, root);
        }
        return root;
    }
}
