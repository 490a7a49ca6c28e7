package io.tern.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.zookeeper.client.ZKClientConfig;
import org.jspecify.annotations.Nullable;

/**
 * ZooKeeper client settings for a ZooKeeper that takes TLS on its secure client port, from PEM
 * files: Netty's client socket, {@code zookeeper.client.secure}, the CAs to trust and, for a
 * ZooKeeper that requires client certificates, a certificate chain and its key. ZooKeeper reads a
 * PEM key store from one file holding both, so {@link #clientConfig} writes them together to a
 * file only the owner can read, which {@link #close} deletes.
 */
public final class ZooKeeperTls implements AutoCloseable {

    private final ZKClientConfig config;
    private final @Nullable Path keyStore;

    private ZooKeeperTls(ZKClientConfig config, @Nullable Path keyStore) {
        this.config = config;
        this.keyStore = keyStore;
    }

    /**
     * Settings trusting {@code trust}, presenting {@code cert} and {@code key} when both are set;
     * host names are verified.
     *
     * @throws UncheckedIOException when a file cannot be read or the key store written
     */
    public static ZooKeeperTls clientConfig(Path trust, @Nullable Path cert, @Nullable Path key,
            @Nullable String keyPassword) {
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
        config.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
        config.setProperty("zookeeper.ssl.trustStore.location", trust.toString());
        config.setProperty("zookeeper.ssl.trustStore.type", "PEM");
        config.setProperty("zookeeper.ssl.hostnameVerification", "true");
        Path keyStore = null;
        if (cert != null && key != null) {
            try {
                keyStore = Files.createTempFile("tern-zookeeper-", ".pem",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(keyStore, concat(Files.readAllBytes(key), Files.readAllBytes(cert)));
            } catch (IOException e) {
                if (keyStore != null) {
                    keyStore.toFile().delete();
                }
                throw new UncheckedIOException("zookeeper tls: " + cert + " and " + key + " cannot be read into a"
                        + " key store: " + e.getMessage() + " (expected: readable PEM files)", e);
            }
            config.setProperty("zookeeper.ssl.keyStore.location", keyStore.toString());
            config.setProperty("zookeeper.ssl.keyStore.type", "PEM");
            if (keyPassword != null) {
                config.setProperty("zookeeper.ssl.keyStore.password", keyPassword);
            }
        }
        return new ZooKeeperTls(config, keyStore);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + 1 + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        both[first.length] = '\n';
        System.arraycopy(second, 0, both, first.length + 1, second.length);
        return both;
    }

    /** The settings, for {@link ZooKeeperRegistry#connect(io.tern.ServiceUrl, io.tern.core.lifecycle.LifecycleTracker, ZKClientConfig)}. */
    public ZKClientConfig config() {
        return config;
    }

    /**
     * Deletes the key store file, if one was written. ZooKeeper reads it at each connection, so
     * close this after the registry that uses it.
     */
    @Override
    public void close() {
        if (keyStore != null) {
            try {
                Files.deleteIfExists(keyStore);
            } catch (IOException e) {
                throw new UncheckedIOException("zookeeper tls: " + keyStore + " cannot be deleted", e);
            }
        }
    }
}
