package io.tern.transport.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * TLS for a server's ports: its certificate chain and private key (PEM files, the key
 * optionally encrypted), and, with a trust collection, the certificates client certificates must
 * be signed by, which makes them required (mutual TLS). The files are read again whenever they
 * change: new connections get the new certificate, existing ones keep theirs.
 *
 * <p>Dubbo's names for these settings are {@code dubbo.ssl.server-key-cert-chain-path},
 * {@code server-private-key-path}, {@code server-key-password} and
 * {@code server-trust-cert-collection-path}.
 *
 * @param certChain the server's certificate chain, PEM
 * @param privateKey the server's private key, PEM (PKCS#8, or PKCS#1 unencrypted)
 * @param keyPassword the key's password, when it is encrypted
 * @param trustCerts CA certificates, PEM, that must have signed a client's certificate; none for no client certificates
 * @param mode whether plaintext connections are refused ({@link Mode#REQUIRED}) or still taken
 * @param reloadInterval how often the files are checked for changes
 * @param handshakeTimeout how long a connection may take to finish its handshake
 */
public record ServerTls(Path certChain, Path privateKey, @Nullable String keyPassword, @Nullable Path trustCerts,
        Mode mode, Duration reloadInterval, Duration handshakeTimeout) {

    /** The URL parameter by which a provider says it takes TLS, in Dubbo's name. */
    public static final String SSL_ENABLED = "ssl-enabled";

    /** What a server does with a connection that does not start a TLS handshake. */
    public enum Mode {
        /** Closes it. */
        REQUIRED,
        /** Serves it in plaintext and counts it: for moving an estate to TLS one side at a time. */
        PERMISSIVE;

        /** The mode of a setting's value: {@code required} or {@code permissive}, in any case. */
        public static Mode parse(String value) {
            for (Mode mode : values()) {
                if (mode.name().equalsIgnoreCase(value.trim())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("tls mode: '" + value + "' (expected: required or permissive)");
        }
    }

    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public ServerTls {
        requireNonNull(certChain, "certChain");
        requireNonNull(privateKey, "privateKey");
        requireNonNull(mode, "mode");
        requireNonNull(reloadInterval, "reloadInterval");
        requireNonNull(handshakeTimeout, "handshakeTimeout");
        TlsFiles.positive("reloadInterval", reloadInterval);
        TlsFiles.positive("handshakeTimeout", handshakeTimeout);
    }

    /** TLS with this certificate chain and key, plaintext refused, no client certificates asked for. */
    public static ServerTls of(Path certChain, Path privateKey) {
        return new ServerTls(certChain, privateKey, null, null, Mode.REQUIRED, DEFAULT_RELOAD_INTERVAL,
                DEFAULT_HANDSHAKE_TIMEOUT);
    }

    public ServerTls withKeyPassword(@Nullable String keyPassword) {
        return new ServerTls(certChain, privateKey, keyPassword, trustCerts, mode, reloadInterval, handshakeTimeout);
    }

    /** Requires client certificates signed by one of these CA certificates (mutual TLS). */
    public ServerTls withTrust(@Nullable Path trustCerts) {
        return new ServerTls(certChain, privateKey, keyPassword, trustCerts, mode, reloadInterval, handshakeTimeout);
    }

    public ServerTls withMode(Mode mode) {
        return new ServerTls(certChain, privateKey, keyPassword, trustCerts, mode, reloadInterval, handshakeTimeout);
    }

    public ServerTls withReloadInterval(Duration reloadInterval) {
        return new ServerTls(certChain, privateKey, keyPassword, trustCerts, mode, reloadInterval, handshakeTimeout);
    }

    public ServerTls withHandshakeTimeout(Duration handshakeTimeout) {
        return new ServerTls(certChain, privateKey, keyPassword, trustCerts, mode, reloadInterval, handshakeTimeout);
    }

    /** Whether clients must present a certificate. */
    public boolean mutual() {
        return trustCerts != null;
    }

    /** Names the files, never the password. */
    @Override
    public String toString() {
        return "ServerTls[cert=" + certChain + ", key=" + privateKey + (keyPassword != null ? " (encrypted)" : "")
                + (trustCerts != null ? ", clients trusted from " + trustCerts : "") + ", " + mode + "]";
    }
}
