package io.github.djdd.it;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A network of its own for the servers of a fleet: a network namespace held by a process of this
 * test (it dies with the JVM, and the namespace with its last process), with a bridge the servers'
 * {@code systemd-nspawn --network-bridge} interfaces join. Nothing of it is on the host's network:
 * no address, route or interface another test could meet, and every server may listen on any port.
 * The host reaches it only through files: the load balancer listens on a Unix socket in a folder
 * bound into it ({@link UnixSocketRelay}).
 */
final class FleetNetwork implements AutoCloseable {
    /** The bridge, inside the namespace: no name of the host's. */
    static final String BRIDGE = "br0";
    /** The fleet's addresses: {@code 10.29.0.N/24}. */
    static final String PREFIX = "10.29.0.";

    private final Process holder;

    private FleetNetwork(Process holder) {
        this.holder = holder;
    }

    static FleetNetwork create() throws Exception {
        Process holder = BootedTarget.LAUNCHER.submit(() -> new ProcessBuilder("setpriv", "--pdeathsig", "KILL", "--",
                "unshare", "--net", "--", "sh", "-c", "ip link set lo up && ip link add " + BRIDGE + " type bridge"
                        + " && ip link set " + BRIDGE + " up && echo ready && exec sleep infinity")
                .redirectErrorStream(true).start()).get();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"ready".equals(line)) {
            holder.destroyForcibly();
            throw new IllegalStateException("The fleet's network namespace could not be made: " + line);
        }
        return new FleetNetwork(holder);
    }

    /** The namespace, for {@code nsenter --net=}. */
    String namespace() {
        return "/proc/" + holder.pid() + "/ns/net";
    }

    @Override
    public void close() throws Exception {
        holder.destroy();
        holder.waitFor(10, TimeUnit.SECONDS);
    }
}
