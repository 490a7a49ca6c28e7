package io.tern.registry;

import io.tern.RpcException;
import io.tern.RpcStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A ZooKeeper server inside this process (ZooKeeper's own embedded server), so one machine needs
 * nothing installed and still runs the production discovery path. Listens on 127.0.0.1; keeps
 * its data in a temporary directory it deletes when closed. Owned by whoever started it.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {

    private final ZooKeeperServerEmbedded server;
    private final Path dataDir;
    private final int port;

    private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, Path dataDir, int port) {
        this.server = server;
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * Starts a server on a port of 127.0.0.1, any free one for {@code 0}.
     *
     * @throws RpcException {@link RpcStatus#NETWORK} when it cannot start
     */
    public static EmbeddedZooKeeper start(int port) {
        int chosen = port == 0 ? freePort() : port;
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tern-zookeeper-");
            Properties config = new Properties();
            config.setProperty("clientPort", Integer.toString(chosen));
            config.setProperty("clientPortAddress", "127.0.0.1");
            config.setProperty("dataDir", dir.resolve("data").toString());
            config.setProperty("tickTime", "500");
            config.setProperty("initLimit", "10");
            config.setProperty("syncLimit", "5");
            config.setProperty("admin.enableServer", "false");
            config.setProperty("4lw.commands.whitelist", "");
            ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder().baseDir(dir).configuration(config)
                    .exitHandler(ExitHandler.LOG_ONLY).build();
            server.start(30_000);
            return new EmbeddedZooKeeper(server, dir, chosen);
        } catch (Exception e) {
            if (dir != null) {
                delete(dir);
            }
            throw new RpcException(RpcStatus.NETWORK, "embedded ZooKeeper: cannot start on 127.0.0.1:" + chosen
                    + ": " + e + " (expected: a free port)", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}. */
    public String connectString() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.close();
        delete(dataDir);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans up what is left
        }
    }
}
