package io.tern.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.tern.testing.TestCertificates;
import java.nio.file.Path;
import javax.net.ssl.SSLSessionContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every TLS context Tern makes keeps a bounded number of sessions for a bounded time, on OpenSSL
 * and on the JDK's TLS alike: a long-lived client would otherwise keep every session it resumed.
 */
class TlsSessionCacheTest {

    @TempDir
    static Path directory;
    private static TestCertificates certificates;
    private static DefaultEventExecutor scheduler;

    @BeforeAll
    static void certificates() {
        certificates = TestCertificates.create(directory.resolve("certs"));
        scheduler = new DefaultEventExecutor();
    }

    @AfterAll
    static void stop() {
        scheduler.shutdownGracefully();
    }

    private static void assertBounded(SSLSessionContext sessions) {
        assertThat(sessions.getSessionCacheSize()).isEqualTo(TlsContext.SESSION_CACHE_SIZE);
        assertThat(sessions.getSessionTimeout()).isEqualTo((int) TlsContext.SESSION_TIMEOUT.toSeconds());
    }

    @Test
    void serverAndClientContextsBoundTheirSessions() {
        TestCertificates.Issued server = certificates.server("localhost");
        try (TlsContext serverContext = TlsContext.server(ServerTls.of(server.cert(), server.key()), scheduler);
                TlsContext clientContext = TlsContext.client(ClientTls.trusting(certificates.caCert()), true,
                        scheduler)) {
            assertBounded(serverContext.sslContext().sessionContext());
            assertBounded(clientContext.sslContext().sessionContext());
        }
    }

    @Test
    void theJdkClientContextBoundsItsSessions() {
        assertBounded(TlsContext.jdkClient(ClientTls.trusting(certificates.caCert())).getClientSessionContext());
    }
}
