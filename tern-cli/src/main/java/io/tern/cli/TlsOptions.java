package io.tern.cli;

import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.ServerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The TLS options the commands share, in PEM files as Dubbo's {@code dubbo.ssl.*} takes them:
 * {@code --tls-cert} and {@code --tls-key} (the certificate chain and key a server presents, or a
 * client's for mutual TLS), {@code --tls-trust} (the CAs a client verifies the server against, or
 * a server its clients against, which makes it require client certificates) and
 * {@code --tls-key-password} for an encrypted key.
 */
final class TlsOptions {

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain: the server's, or the client's for mutual TLS (with --tls-key)")
    @Nullable Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key (PKCS#8) of --tls-cert")
    @Nullable Path key;

    @Option(names = "--tls-key-password", paramLabel = "PASSWORD", description = "the password of an encrypted --tls-key")
    @Nullable String keyPassword;

    @Option(names = "--tls-trust", paramLabel = "FILE",
            description = "PEM CA certificates: a client verifies the server's certificate and host name against"
                    + " them; a server requires client certificates signed by them")
    @Nullable Path trust;

    /** Whether any TLS option was given. */
    boolean any() {
        return cert != null || key != null || trust != null || keyPassword != null;
    }

    /** A client's TLS, or {@code null} when no option asks for it. */
    @Nullable ClientTls client() {
        if (!given()) {
            return null;
        }
        readable();
        ClientTls tls = trust != null ? ClientTls.trusting(trust) : ClientTls.systemTrust();
        return cert != null && key != null ? tls.withKeyCert(cert, key).withKeyPassword(keyPassword) : tls;
    }

    /** TLS to ZooKeeper's secure client port, or {@code null} when no option asks for it. */
    io.tern.registry.@Nullable ZooKeeperTls zookeeper() {
        if (!given()) {
            return null;
        }
        if (trust == null) {
            throw new UsageException("--tls-cert and --tls-key without --tls-trust (expected: the CAs ZooKeeper's"
                    + " certificate is signed by)");
        }
        readable();
        return io.tern.registry.ZooKeeperTls.clientConfig(trust, cert, key, keyPassword);
    }

    /** A server's TLS, or {@code null} when no option asks for it. */
    @Nullable ServerTls server(ServerTls.Mode mode) {
        if (!given()) {
            return null;
        }
        if (cert == null || key == null) {
            throw new UsageException("--tls-trust or --tls-key-password without --tls-cert and --tls-key"
                    + " (expected: a server's certificate chain and key for TLS)");
        }
        readable();
        return ServerTls.of(cert, key).withKeyPassword(keyPassword).withTrust(trust).withMode(mode);
    }

    /**
     * Whether any TLS option was given; when so, checks that the certificate and key come
     * together and a key password has its key.
     */
    private boolean given() {
        if (!any()) {
            return false;
        }
        if ((cert == null) != (key == null)) {
            throw new UsageException((cert == null ? "--tls-key without --tls-cert" : "--tls-cert without --tls-key")
                    + " (expected: both, the certificate chain and its private key)");
        }
        if (keyPassword != null && key == null) {
            throw new UsageException("--tls-key-password without --tls-key (expected: the key it decrypts)");
        }
        return true;
    }

    /** Checks that every file named can be read; after what each use of the options requires of them. */
    private void readable() {
        readable("--tls-trust", trust);
        readable("--tls-cert", cert);
        readable("--tls-key", key);
    }

    private static void readable(String option, @Nullable Path file) {
        if (file != null && !Files.isReadable(file)) {
            throw new UsageException(option + " " + file + ": no such readable file (expected: a PEM file)");
        }
    }
}
