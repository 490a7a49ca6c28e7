package io.tern.transport.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * TLS for a client's connections: the CA certificates a server's certificate must be signed by
 * (the JVM's own trust store when none are given), whether the server's certificate must name
 * the host connected to (it must, unless turned off), and a certificate and key of the client's
 * own for servers that ask for one (mutual TLS). A Tern client with TLS set uses it on every
 * connection, whether or not it presents a certificate of its own. The files are read again
 * whenever they change, for the connections made afterwards.
 *
 * <p>Dubbo's names for these settings are {@code dubbo.ssl.client-trust-cert-collection-path},
 * {@code client-key-cert-chain-path}, {@code client-private-key-path} and
 * {@code client-key-password}.
 *
 * @param trustCerts CA certificates, PEM; {@code null} for the JVM's trust store
 * @param certChain the client's certificate chain, PEM, for mutual TLS
 * @param privateKey the client's private key, PEM, with {@code certChain}
 * @param keyPassword the key's password, when it is encrypted
 * @param verifyHostname whether the server's certificate must be valid for the host connected to
 * @param reloadInterval how often the files are checked for changes
 * @param handshakeTimeout how long a handshake may take
 */
public record ClientTls(@Nullable Path trustCerts, @Nullable Path certChain, @Nullable Path privateKey,
        @Nullable String keyPassword, boolean verifyHostname, Duration reloadInterval, Duration handshakeTimeout) {

    public ClientTls {
        requireNonNull(reloadInterval, "reloadInterval");
        requireNonNull(handshakeTimeout, "handshakeTimeout");
        if ((certChain == null) != (privateKey == null)) {
            throw new IllegalArgumentException("client tls: certificate " + certChain + " and key " + privateKey
                    + " (expected: both or neither)");
        }
        TlsFiles.positive("reloadInterval", reloadInterval);
        TlsFiles.positive("handshakeTimeout", handshakeTimeout);
    }

    /** TLS verifying servers against these CA certificates. */
    public static ClientTls trusting(Path trustCerts) {
        return new ClientTls(requireNonNull(trustCerts, "trustCerts"), null, null, null, true,
                ServerTls.DEFAULT_RELOAD_INTERVAL, ServerTls.DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** TLS verifying servers against the JVM's trust store. */
    public static ClientTls systemTrust() {
        return new ClientTls(null, null, null, null, true, ServerTls.DEFAULT_RELOAD_INTERVAL,
                ServerTls.DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** Presents this certificate to servers that ask for one. */
    public ClientTls withKeyCert(Path certChain, Path privateKey) {
        return new ClientTls(trustCerts, requireNonNull(certChain, "certChain"), requireNonNull(privateKey,
                "privateKey"), keyPassword, verifyHostname, reloadInterval, handshakeTimeout);
    }

    public ClientTls withKeyPassword(@Nullable String keyPassword) {
        return new ClientTls(trustCerts, certChain, privateKey, keyPassword, verifyHostname, reloadInterval,
                handshakeTimeout);
    }

    /** Takes any certificate signed by a trusted CA, whatever host it names. */
    public ClientTls withoutHostnameVerification() {
        return new ClientTls(trustCerts, certChain, privateKey, keyPassword, false, reloadInterval, handshakeTimeout);
    }

    public ClientTls withReloadInterval(Duration reloadInterval) {
        return new ClientTls(trustCerts, certChain, privateKey, keyPassword, verifyHostname, reloadInterval,
                handshakeTimeout);
    }

    public ClientTls withHandshakeTimeout(Duration handshakeTimeout) {
        return new ClientTls(trustCerts, certChain, privateKey, keyPassword, verifyHostname, reloadInterval,
                handshakeTimeout);
    }

    /** Names the files, never the password. */
    @Override
    public String toString() {
        return "ClientTls[trust=" + (trustCerts != null ? trustCerts : "the JVM's trust store")
                + (certChain != null ? ", cert=" + certChain + ", key=" + privateKey : "")
                + (keyPassword != null ? " (encrypted)" : "") + (verifyHostname ? "" : ", host names not verified") + "]";
    }
}
