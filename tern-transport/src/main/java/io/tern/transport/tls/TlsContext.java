package io.tern.transport.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS a protocol's servers or clients use now, made from PEM files and made again when they
 * change: every {@code reloadInterval} the files are read, and content that has changed and
 * then read the same twice in a row (so that a certificate and key written one after the other
 * are taken together) becomes the context for new connections. A new file that does not make a
 * context is reported once and the context in use stays. OpenSSL (netty-tcnative) when it is on
 * the class path, else the JDK's TLS.
 *
 * <p>Owned by the protocol that made it, which closes it; closing stops the checks.
 */
public final class TlsContext implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsContext.class);

    private final String role;
    private final List<Path> files;
    private final Function<byte[][], SslContext> build;
    private final long handshakeTimeoutMillis;
    private final @Nullable ScheduledFuture<?> checks;
    private final LifecycleTracker.Tracked tracked;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong reloadFailures = new AtomicLong();
    private final LongAdder handshakes = new LongAdder();
    private final LongAdder handshakeFailures = new LongAdder();
    private final LongAdder plaintextAccepted = new LongAdder();
    private final LongAdder plaintextRefused = new LongAdder();
    /**
     * Sessions a context keeps for resumption, and for how long: without a bound, a long-lived
     * client on the JDK's TLS keeps every session it resumed (each resumption is remembered by the
     * session it resumed), a few hundred bytes per connection for as long as the client lives.
     */
    static final int SESSION_CACHE_SIZE = 1024;
    static final java.time.Duration SESSION_TIMEOUT = java.time.Duration.ofMinutes(5);

    private volatile SslContext current;
    private byte[][] loaded;
    private byte @Nullable [][] changed;
    private byte @Nullable [][] rejected;

    private TlsContext(String role, List<Path> files, Function<byte[][], SslContext> build, long reloadMillis,
            long handshakeTimeoutMillis, ScheduledExecutorService scheduler, LifecycleTracker tracker) {
        this.role = role;
        this.files = files;
        this.build = build;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.loaded = read();
        this.current = build.apply(loaded);
        this.checks = files.isEmpty() ? null
                : scheduler.scheduleWithFixedDelay(this::check, reloadMillis, reloadMillis, TimeUnit.MILLISECONDS);
        this.tracked = tracker.track(ResourceKind.TLS_CONTEXT, role + " tls " + files);
    }

    /**
     * A server's TLS, its files checked on {@code scheduler}.
     *
     * @throws IllegalArgumentException naming the file when one cannot be read or used
     */
    public static TlsContext server(ServerTls tls, ScheduledExecutorService scheduler, LifecycleTracker tracker) {
        List<Path> files = new ArrayList<>(List.of(tls.certChain(), tls.privateKey()));
        if (tls.trustCerts() != null) {
            files.add(tls.trustCerts());
        }
        return new TlsContext("server", files, content -> buildServer(tls, content), tls.reloadInterval().toMillis(),
                tls.handshakeTimeout().toMillis(), scheduler, tracker);
    }

    /**
     * The same client TLS as a JDK {@link javax.net.ssl.SSLContext}, for clients that are not
     * Netty's (the JDK's HTTP client): the trust collection (the JVM's when none is set) and the
     * client certificate and key when set. Read once; it does not follow file changes.
     *
     * @throws IllegalArgumentException naming the file when one cannot be read or used
     */
    public static javax.net.ssl.SSLContext jdkClient(ClientTls tls) {
        List<Path> files = clientFiles(tls);
        byte[][] content = new byte[files.size()][];
        for (int i = 0; i < content.length; i++) {
            content[i] = TlsFiles.read("client tls", files.get(i));
        }
        ClientMaterial material = ClientMaterial.parse(tls, content);
        try {
            javax.net.ssl.TrustManager[] trust = null;
            if (material.trust() != null) {
                java.security.KeyStore store = emptyStore();
                int i = 0;
                for (X509Certificate ca : material.trust()) {
                    store.setCertificateEntry("ca-" + i++, ca);
                }
                javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            }
            javax.net.ssl.KeyManager[] keys = null;
            if (material.key() != null && material.chain() != null) {
                java.security.KeyStore store = emptyStore();
                char[] none = "in-memory".toCharArray(); // a store that never leaves this method
                store.setKeyEntry("client", material.key(), none, material.chain().toArray(new X509Certificate[0]));
                javax.net.ssl.KeyManagerFactory factory = javax.net.ssl.KeyManagerFactory.getInstance(
                        javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
                factory.init(store, none);
                keys = factory.getKeyManagers();
            }
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            context.getClientSessionContext().setSessionCacheSize(SESSION_CACHE_SIZE);
            context.getClientSessionContext().setSessionTimeout((int) SESSION_TIMEOUT.toSeconds());
            return context;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("client tls: no TLS context can be made: " + e.getMessage()
                    + " (expected: PEM certificates and a PKCS#8 key)", e);
        }
    }

    private static java.security.KeyStore emptyStore() throws java.security.GeneralSecurityException,
            java.io.IOException {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    /**
     * A client's TLS; {@code http2} offers {@code h2} by ALPN, as gRPC servers expect.
     *
     * @throws IllegalArgumentException naming the file when one cannot be read or used
     */
    public static TlsContext client(ClientTls tls, boolean http2, ScheduledExecutorService scheduler,
            LifecycleTracker tracker) {
        return new TlsContext("client", clientFiles(tls), content -> buildClient(tls, http2, content),
                tls.reloadInterval().toMillis(), tls.handshakeTimeout().toMillis(), scheduler, tracker);
    }

    /** The files a client's TLS reads, in the order {@link ClientMaterial#parse} takes their content. */
    private static List<Path> clientFiles(ClientTls tls) {
        List<Path> files = new ArrayList<>();
        if (tls.trustCerts() != null) {
            files.add(tls.trustCerts());
        }
        if (tls.certChain() != null && tls.privateKey() != null) {
            files.add(tls.certChain());
            files.add(tls.privateKey());
        }
        return files;
    }

    /** A client's trust collection and its own chain and key, parsed and checked; {@code null} where not set. */
    private record ClientMaterial(@Nullable List<X509Certificate> trust, @Nullable List<X509Certificate> chain,
            @Nullable PrivateKey key) {
        static ClientMaterial parse(ClientTls tls, byte[][] content) {
            int next = 0;
            Path trustFile = tls.trustCerts();
            List<X509Certificate> trust = trustFile == null ? null
                    : TlsFiles.certificates("client-trust-cert-collection-path", trustFile, content[next++]);
            Path certFile = tls.certChain();
            Path keyFile = tls.privateKey();
            if (certFile == null || keyFile == null) {
                return new ClientMaterial(trust, null, null);
            }
            List<X509Certificate> chain = TlsFiles.certificates("client-key-cert-chain-path", certFile, content[next++]);
            PrivateKey key = TlsFiles.privateKey("client-private-key-path", keyFile, content[next], tls.keyPassword());
            TlsFiles.checkPair("client-key-cert-chain-path", certFile, chain.get(0), "client-private-key-path",
                    keyFile, key);
            return new ClientMaterial(trust, chain, key);
        }
    }

    /** A handler for a connection a server accepted. */
    public SslHandler newServerHandler(ByteBufAllocator alloc) {
        SslHandler handler = current.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }

    /** A handler for a connection to {@code host}, whose certificate must name it unless verification is off. */
    public SslHandler newClientHandler(ByteBufAllocator alloc, String host, int port) {
        SslHandler handler = current.newHandler(alloc, host, port);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }

    /** The context handshakes start from now; for tests. */
    SslContext sslContext() {
        return current;
    }

    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /** Times the files were read anew and taken. */
    public long reloads() {
        return reloads.get();
    }

    /** Times changed files could not be used, the context in use staying. */
    public long reloadFailures() {
        return reloadFailures.get();
    }

    /** Handshakes completed on connections this context made. */
    public long handshakes() {
        return handshakes.sum();
    }

    /** Handshakes that failed or timed out. */
    public long handshakeFailures() {
        return handshakeFailures.sum();
    }

    /** Plaintext connections a permissive server served. */
    public long plaintextAccepted() {
        return plaintextAccepted.sum();
    }

    /** Plaintext connections a server closed because it requires TLS. */
    public long plaintextRefused() {
        return plaintextRefused.sum();
    }

    void handshakeDone(boolean success) {
        (success ? handshakes : handshakeFailures).increment();
    }

    /** Counts a handshake's end on a client connection. */
    public void clientHandshakeDone(boolean success) {
        handshakeDone(success);
    }

    void plaintext(boolean accepted) {
        (accepted ? plaintextAccepted : plaintextRefused).increment();
    }

    /**
     * Stops checking the files; the context is then destroyed for the lifecycle tracker, which
     * reports it if it stays reachable. Connections made keep their TLS.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (checks != null) {
            checks.cancel(false);
        }
        tracked.destroyed(this);
    }

    private byte[][] read() {
        byte[][] content = new byte[files.size()][];
        for (int i = 0; i < content.length; i++) {
            content[i] = TlsFiles.read(role + " tls", files.get(i));
        }
        return content;
    }

    /** One check of the files; runs on the scheduler, one at a time. */
    private void check() {
        byte[][] now;
        try {
            now = read();
        } catch (IllegalArgumentException e) {
            return; // a file being replaced can be missing for a moment; the next check reads it again
        }
        if (Arrays.deepEquals(now, loaded)) {
            changed = null;
            return;
        }
        if (rejected != null && Arrays.deepEquals(now, rejected)) {
            return; // reported already
        }
        if (changed == null || !Arrays.deepEquals(now, changed)) {
            changed = now; // wait one more check, for the rest of a rotation to be written
            return;
        }
        changed = null;
        try {
            current = build.apply(now);
            loaded = now;
            rejected = null;
            reloads.incrementAndGet();
            log.info("{} tls: reloaded {}", role, files);
        } catch (RuntimeException e) {
            rejected = now;
            reloadFailures.incrementAndGet();
            log.warn("{} tls: the changed files cannot be used, the certificate in use stays: {}", role,
                    e.getMessage());
        }
    }

    private static SslContext buildServer(ServerTls tls, byte[][] content) {
        List<X509Certificate> chain = TlsFiles.certificates("server-key-cert-chain-path", tls.certChain(), content[0]);
        PrivateKey key = TlsFiles.privateKey("server-private-key-path", tls.privateKey(), content[1],
                tls.keyPassword());
        TlsFiles.checkPair("server-key-cert-chain-path", tls.certChain(), chain.get(0), "server-private-key-path",
                tls.privateKey(), key);
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain).sslProvider(provider())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
        Path trust = tls.trustCerts();
        if (trust != null) {
            builder.trustManager(TlsFiles.certificates("server-trust-cert-collection-path", trust, content[2]))
                    .clientAuth(ClientAuth.REQUIRE);
        }
        return build(builder, "server", tls.certChain());
    }

    private static SslContext buildClient(ClientTls tls, boolean http2, byte[][] content) {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(provider())
                .endpointIdentificationAlgorithm(tls.verifyHostname() ? "HTTPS" : null);
        ClientMaterial material = ClientMaterial.parse(tls, content);
        if (material.trust() != null) {
            builder.trustManager(material.trust());
        }
        if (material.key() != null && material.chain() != null) {
            builder.keyManager(material.key(), material.chain());
        }
        if (http2) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2));
        }
        return build(builder, "client", tls.certChain() != null ? tls.certChain() : tls.trustCerts());
    }

    private static SslContext build(SslContextBuilder builder, String role, @Nullable Path file) {
        try {
            return builder.sessionCacheSize(SESSION_CACHE_SIZE).sessionTimeout(SESSION_TIMEOUT.toSeconds()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(role + " tls: " + (file != null ? file + ": " : "")
                    + "no TLS context can be made: " + e.getMessage() + " (expected: PEM certificates and a PKCS#8 key)",
                    e);
        }
    }

    /** OpenSSL when netty-tcnative is there, else the JDK. */
    static SslProvider provider() {
        try {
            return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        } catch (LinkageError e) {
            return SslProvider.JDK;
        }
    }

    @Override
    public String toString() {
        return "TlsContext[" + role + ", " + files + "]";
    }
}
