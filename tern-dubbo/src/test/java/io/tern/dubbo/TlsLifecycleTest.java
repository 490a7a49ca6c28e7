package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.testing.LifecycleAssertions;
import io.tern.testing.TestCertificates;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dubbo protocol's TLS contexts are tracked resources, destroyed when it closes and then collected. */
class TlsLifecycleTest {

    @TempDir
    Path directory;

    @Test
    void aProtocolsContextsAreDestroyedWithItAndCollected() {
        TestCertificates certificates = TestCertificates.create(directory.resolve("certs"));
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        TestCertificates.Issued server = certificates.server("localhost");
        DubboProtocol protocol = DubboProtocol.builder().tracker(tracker)
                .serverTls(ServerTls.of(server.cert(), server.key()))
                .clientTls(ClientTls.trusting(certificates.caCert())).build();
        assertThat(tracker.counts(ResourceKind.TLS_CONTEXT).live()).as("the server's and the client's").isEqualTo(2);

        protocol.close();
        protocol = null; // a closed protocol still referenced holds its contexts, and would be reported
        LifecycleReport report = LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(30));
        LifecycleAssertions.assertNoneLive(report, ResourceKind.TLS_CONTEXT);
        assertThat(report.counts(ResourceKind.TLS_CONTEXT).collected()).isEqualTo(2);
    }
}
