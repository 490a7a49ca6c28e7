package io.tern.bench;

import io.tern.testing.TestCertificates;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.ServerTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.dubbo.config.SslConfig;

/**
 * The TLS material of the benchmark's TLS rows: a CA, a server certificate and a client one (the
 * Dubbo consumer uses TLS only with a client certificate), made once per run into a directory
 * every JVM of the run reads through {@code -Dtern.bench.tls.dir}. EC P-256 keys.
 */
public final class BenchTls {

    public static final String DIRECTORY = "tern.bench.tls.dir";

    private BenchTls() {
    }

    /** Makes the certificates and returns their directory. */
    public static Path create() throws IOException {
        Path directory = Files.createTempDirectory("tern-bench-tls");
        TestCertificates certificates = TestCertificates.create(directory);
        certificates.server("bench-server");
        certificates.client("bench-client");
        return directory;
    }

    private static Path file(String name) {
        String directory = System.getProperty(DIRECTORY);
        if (directory == null) {
            throw new IllegalStateException("-D" + DIRECTORY + " is not set (expected: the directory the"
                    + " side-by-side benchmark made its certificates in)");
        }
        return Path.of(directory, name);
    }

    public static ServerTls server() {
        return ServerTls.of(file("bench-server.pem"), file("bench-server.key"));
    }

    public static ClientTls client() {
        return ClientTls.trusting(file("ca.pem"));
    }

    /** Dubbo's {@code dubbo.ssl.*}: the server's certificate, and the client's with the CA to trust. */
    static SslConfig dubbo() {
        SslConfig ssl = new SslConfig();
        ssl.setServerKeyCertChainPath(file("bench-server.pem").toString());
        ssl.setServerPrivateKeyPath(file("bench-server.key").toString());
        ssl.setClientKeyCertChainPath(file("bench-client.pem").toString());
        ssl.setClientPrivateKeyPath(file("bench-client.key").toString());
        ssl.setClientTrustCertCollectionPath(file("ca.pem").toString());
        return ssl;
    }

    /**
     * Full TLS handshakes per second {@code threads} JDK clients complete against {@code port}
     * in {@code millis}, each on a new connection with its session thrown away (no resumption).
     */
    static double handshakesPerSecond(int port, int threads, long millis) throws Exception {
        SSLContext context = io.tern.transport.tls.TlsContext.jdkClient(client());
        java.util.concurrent.atomic.LongAdder done = new java.util.concurrent.atomic.LongAdder();
        java.util.concurrent.atomic.LongAdder failed = new java.util.concurrent.atomic.LongAdder();
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
        java.util.List<Thread> running = new java.util.ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
                        socket.setSoTimeout(10_000);
                        socket.startHandshake();
                        socket.getSession().invalidate();
                        done.increment();
                    } catch (IOException e) {
                        failed.increment();
                    }
                }
            }, "handshaker");
            running.add(thread);
            thread.start();
        }
        for (Thread thread : running) {
            thread.join();
        }
        if (failed.sum() > 0) {
            System.err.println("handshakes with port " + port + ": " + failed.sum() + " failed");
        }
        return done.sum() * 1e9 / (System.nanoTime() - start);
    }
}
