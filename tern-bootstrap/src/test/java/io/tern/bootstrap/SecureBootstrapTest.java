package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.dubbo.DubboProtocol;
import io.tern.registry.InJvmRegistry;
import io.tern.testing.TernCleanup;
import io.tern.testing.TestCertificates.Issued;
import io.tern.testing.TestCertificates;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server with TLS and a token on one port for both protocols: its registered URLs say so, and
 * a client that finds them through the registry calls over TLS with the token, dubbo and Triple.
 */
class SecureBootstrapTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    @TempDir
    Path directory;

    public interface Greeter {
        String greet(String name);
    }

    @Test
    void tlsAndTheTokenReachConsumersThroughTheRegistryForBothProtocols() {
        TestCertificates certificates = TestCertificates.create(directory);
        Issued issued = certificates.server("provider");
        InJvmRegistry registry = new InJvmRegistry();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TernServer server = cleanup.register(Tern.server().application("secure").registry(registry).triple(true)
                .metrics(meters).tls(ServerTls.of(issued.cert(), issued.key()))
                .service(Greeter.class, who -> "Hello, " + who, o -> o.token("true")).start());

        assertThat(server.urls()).hasSize(2).allSatisfy(url -> {
            assertThat(url.parameter("ssl-enabled")).isEqualTo("true");
            assertThat(url.parameter("token")).hasSize(36);
        });
        assertThat(server.urls()).extracting(u -> u.parameter("token")).as("one token, both protocols")
                .containsOnly(server.urls().get(0).parameter("token"));

        try (TernClient client = Tern.client().application("web").registry(registry)
                .tls(ClientTls.trusting(certificates.caCert())).build()) {
            Greeter overDubbo = client.reference(Greeter.class, r -> r.timeout(Duration.ofSeconds(5))).get();
            Greeter overTriple = client.reference(Greeter.class, r -> r.protocol("tri")).get();
            assertThat(overDubbo.greet("dubbo")).isEqualTo("Hello, dubbo");
            assertThat(overTriple.greet("tri")).isEqualTo("Hello, tri");

            // a direct reference has no token from the registry, and is refused
            for (String protocol : new String[] {"dubbo", "tri"}) {
                Greeter direct = client.reference(Greeter.class,
                        r -> r.url(protocol + "://127.0.0.1:" + server.port() + "?ssl-enabled=true")).get();
                assertThatThrownBy(() -> direct.greet(protocol)).isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
                    assertThat(e.getMessage()).contains(Greeter.class.getName())
                            .doesNotContain(server.urls().get(0).parameter("token"));
                });
            }
        }
        assertThat(((DubboProtocol) server.protocol("dubbo")).serverTlsContext().orElseThrow().plaintextRefused())
                .isZero();
        assertThat(meters.get("tern.tls.handshakes").tags("protocol", "dubbo", "result", "ok").functionCounter()
                .count()).as("the client's one dubbo and one Triple connection, both through the port's TLS").isEqualTo(2);
        assertThat(meters.get("tern.tls.plaintext").tags("action", "refused").functionCounter().count()).isZero();
        assertThat(meters.get("tern.provider.requests.forbidden.total").counters())
                .as("the refused calls, one over each protocol").extracting(c -> c.count()).containsExactly(2.0);
    }

    @Test
    void aTripleOnlyServerHasTlsOnItsOwnPort() {
        TestCertificates certificates = TestCertificates.create(directory);
        Issued issued = certificates.server("provider");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        InJvmRegistry registry = new InJvmRegistry();
        TernServer server = cleanup.register(Tern.server().application("tri-only").registry(registry).triple(true)
                .metrics(meters).tls(ServerTls.of(issued.cert(), issued.key()))
                .service(Greeter.class, who -> "Hello, " + who, ServiceOptions::tripleOnly).start());
        assertThat(server.urls()).singleElement().satisfies(url -> {
            assertThat(url.protocol()).isEqualTo("tri");
            assertThat(url.parameter("ssl-enabled")).isEqualTo("true");
        });
        assertThat(((DubboProtocol) server.protocol("dubbo")).serverTlsContext()).as("no dubbo port, no dubbo TLS")
                .isEmpty();

        try (TernClient client = Tern.client().application("web").registry(registry)
                .tls(ClientTls.trusting(certificates.caCert())).build()) {
            assertThat(client.reference(Greeter.class, r -> r.protocol("tri")).get().greet("tri")).isEqualTo("Hello, tri");
        }
        assertThat(meters.get("tern.tls.handshakes").tags("protocol", "tri", "result", "ok").functionCounter().count())
                .isEqualTo(1);
    }

    @Test
    void aPermissivePortServesPlaintextToo() {
        TestCertificates certificates = TestCertificates.create(directory);
        Issued issued = certificates.server("provider");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TernServer server = cleanup.register(Tern.server().application("migrating").registry(new InJvmRegistry())
                .metrics(meters).tls(ServerTls.of(issued.cert(), issued.key()).withMode(ServerTls.Mode.PERMISSIVE))
                .service(Greeter.class, who -> "Hello, " + who).start());
        try (TernClient plain = Tern.client().build();
                TernClient secure = Tern.client().tls(ClientTls.trusting(certificates.caCert())).build()) {
            String address = "dubbo://127.0.0.1:" + server.port();
            assertThat(plain.reference(Greeter.class, r -> r.url(address)).get().greet("plain"))
                    .isEqualTo("Hello, plain");
            assertThat(secure.reference(Greeter.class, r -> r.url(address)).get().greet("tls")).isEqualTo("Hello, tls");
        }
        assertThat(meters.get("tern.tls.plaintext").tags("action", "accepted").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("tern.tls.handshakes").tags("result", "ok").functionCounter().count()).isEqualTo(1);
    }

    @Test
    void aClientWithoutTrustInTheProvidersCaIsRefused() {
        TestCertificates certificates = TestCertificates.create(directory);
        Issued issued = certificates.server("provider");
        TernServer server = cleanup.register(Tern.server().application("secure").registry(new InJvmRegistry())
                .tls(ServerTls.of(issued.cert(), issued.key())).service(Greeter.class, who -> "Hello, " + who).start());
        ServiceUrl url = server.urls().get(0);

        try (TernClient client = Tern.client().application("web").registry(new InJvmRegistry()).build()) {
            // ssl-enabled=true without a trust collection: the JVM's trust store, which does not know the test CA
            Greeter greeter = client.reference(Greeter.class,
                    r -> r.url("dubbo://127.0.0.1:" + url.port() + "?ssl-enabled=true")).get();
            assertThatThrownBy(() -> greeter.greet("x")).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.status()).isEqualTo(RpcStatus.NETWORK));
        }
    }
}
