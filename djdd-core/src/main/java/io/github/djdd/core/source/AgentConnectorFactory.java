package io.github.djdd.core.source;

import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.transport.sshd.agent.AbstractConnector;
import org.eclipse.jgit.transport.sshd.agent.Connector;
import org.eclipse.jgit.transport.sshd.agent.ConnectorFactory;

/**
 * The build user's ssh-agent, over the Unix socket {@code SSH_AUTH_SOCK} names (or the
 * {@code IdentityAgent} of the SSH configuration), through the JDK's own Unix domain sockets:
 * JGit's JNA-based connector is no longer released with JGit.
 */
final class AgentConnectorFactory implements ConnectorFactory {
    private static final ConnectorDescriptor UNIX_SOCKET = new ConnectorDescriptor() {
        @Override
        public String getIdentityAgent() {
            return "SSH_AUTH_SOCK";
        }

        @Override
        public String getDisplayName() {
            return "ssh-agent (SSH_AUTH_SOCK)";
        }
    };

    private final Map<String, String> environment;

    AgentConnectorFactory(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Connector create(String identityAgent, File homeDir) {
        String socket = identityAgent == null || identityAgent.isEmpty() || identityAgent.equals("SSH_AUTH_SOCK")
                ? environment.get("SSH_AUTH_SOCK") : identityAgent;
        return new UnixSocketConnector(socket);
    }

    @Override
    public boolean isSupported() {
        return true;
    }

    @Override
    public String getName() {
        return "djdd-unix-socket";
    }

    @Override
    public Collection<ConnectorDescriptor> getSupportedConnectors() {
        return List.of(UNIX_SOCKET);
    }

    @Override
    public ConnectorDescriptor getDefaultConnector() {
        return UNIX_SOCKET;
    }

    /** One agent connection: a request with its length and type, then the reply's length and body. */
    private static final class UnixSocketConnector extends AbstractConnector {
        private final String socket;
        private SocketChannel channel;

        UnixSocketConnector(String socket) {
            this.socket = socket;
        }

        @Override
        public synchronized boolean connect() throws IOException {
            if (socket == null || socket.isEmpty()) {
                return false;
            }
            if (channel == null) {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(Path.of(socket)));
            }
            return true;
        }

        @Override
        public synchronized byte[] rpc(byte command, byte[] message) throws IOException {
            if (channel == null) {
                throw new IOException("Not connected to the ssh-agent at " + socket);
            }
            prepareMessage(command, message);
            ByteBuffer request = ByteBuffer.wrap(message);
            while (request.hasRemaining()) {
                channel.write(request);
            }
            byte[] length = new byte[4];
            readFully(ByteBuffer.wrap(length));
            byte[] reply = new byte[toLength(command, length)];
            readFully(ByteBuffer.wrap(reply));
            return reply;
        }

        private void readFully(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new IOException("The ssh-agent at " + socket + " closed the connection");
                }
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }
    }
}
