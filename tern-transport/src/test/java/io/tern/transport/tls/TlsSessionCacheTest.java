package io.tern.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.testing.LifecycleAssertions;
import io.tern.testing.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSessionContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every TLS context Tern makes keeps a bounded number of sessions for a bounded time, on OpenSSL
 * and on the JDK's TLS alike: a long-lived client would otherwise keep every session it resumed.
 * And every context is a resource of the lifecycle tracker: one kept after it was closed, with
 * its session cache, is reported (that a protocol's contexts are destroyed with it is
 * {@code io.tern.dubbo.TlsLifecycleTest}).
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
        try (TlsContext serverContext = TlsContext.server(ServerTls.of(server.cert(), server.key()), scheduler,
                LifecycleTracker.global());
                TlsContext clientContext = TlsContext.client(ClientTls.trusting(certificates.caCert()), true,
                        scheduler, LifecycleTracker.global())) {
            assertBounded(serverContext.sslContext().sessionContext());
            assertBounded(clientContext.sslContext().sessionContext());
        }
    }

    @Test
    void theJdkClientContextBoundsItsSessions() {
        assertBounded(TlsContext.jdkClient(ClientTls.trusting(certificates.caCert())).getClientSessionContext());
    }

    @Test
    void aContextKeptAfterItWasClosedIsReported() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        TestCertificates.Issued server = certificates.server("localhost");
        TlsContext kept = TlsContext.server(ServerTls.of(server.cert(), server.key()), scheduler, tracker);
        kept.close();
        kept.close(); // closing twice destroys once

        assertThatThrownBy(() -> LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(30)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("tls_context")
                .hasMessageContaining("server tls");
        assertThat(tracker.counts(ResourceKind.TLS_CONTEXT).destroyed()).isEqualTo(1);
        assertThat(kept.handshakes()).isZero(); // still reachable here, as the report says
    }
}
