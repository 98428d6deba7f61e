package io.github.djdd.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP port on the host's loopback (a free one) whose connections go on to a Unix socket: how
 * {@link SiteClient}, which speaks TCP, reaches the fleet's load balancer, which listens on a socket
 * in a folder bound into its network of its own. Each direction of each connection is relayed by a
 * thread of its own, byte for byte.
 */
final class UnixSocketRelay implements AutoCloseable {
    private final ServerSocket server;
    private final Path socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "unix-socket-relay");
        thread.setDaemon(true);
        return thread;
    });

    UnixSocketRelay(Path socket) throws IOException {
        this.socket = socket;
        server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        threads.submit(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private Void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                SocketChannel unix;
                try {
                    unix = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                threads.submit(() -> toUnix(client, unix));
                threads.submit(() -> fromUnix(unix, client));
            } catch (IOException e) {
                // closed
            }
        }
        return null;
    }

    private Void toUnix(Socket client, SocketChannel unix) throws IOException {
        byte[] buffer = new byte[16384];
        // Not closed here: closing a socket's stream closes the socket, and the answer still comes back.
        InputStream in = client.getInputStream();
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                while (bytes.hasRemaining()) {
                    unix.write(bytes);
                }
            }
            unix.shutdownOutput();
        } catch (IOException e) {
            unix.close();
            client.close();
        }
        return null;
    }

    private Void fromUnix(SocketChannel unix, Socket client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16384);
        try (unix; client; OutputStream out = client.getOutputStream()) {
            while (unix.read(buffer.clear()) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                out.flush();
            }
        } catch (IOException e) {
            // either side went away: both are closed
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
