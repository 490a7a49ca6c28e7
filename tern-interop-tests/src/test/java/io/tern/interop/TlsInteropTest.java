package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.dubbo.DubboProtocol;
import io.tern.testing.TestCertificates.Issued;
import io.tern.testing.TestCertificates;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.ServerTls;
import io.tern.triple.TripleProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.SslConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Apache Dubbo 3.3.5 with {@code dubbo.ssl.*} (mutual TLS both ways) and tokens, against Tern's
 * dubbo and Triple protocols with TLS, in both directions.
 */
@Timeout(180)
class TlsInteropTest {

    private static final String TERN_TOKEN = "tern-token-7f3a";
    private static final String DUBBO_TOKEN = "dubbo-token-91c2";
    private static final LifecycleTracker TRACKER = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);

    private static Path directory;
    private static DubboProtocol ternDubbo;
    private static TripleProtocol ternTriple;
    private static final Map<String, Integer> ternPorts = new LinkedHashMap<>();
    private static final Map<String, Integer> dubboPorts = new LinkedHashMap<>();
    private static DubboPeer dubbo;
    private static final List<Invoker<?>> invokers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        directory = Files.createTempDirectory("tern-tls-interop");
        TestCertificates certificates = TestCertificates.create(directory);
        Issued ternServer = certificates.server("tern-server");
        Issued ternClient = certificates.client("tern-client");
        Issued dubboServer = certificates.server("dubbo-server");
        Issued dubboClient = certificates.client("dubbo-client");

        // Tern: mutual TLS on both protocols, a token on each export
        ServerTls serverTls = ServerTls.of(ternServer.cert(), ternServer.key()).withTrust(certificates.caCert());
        ClientTls clientTls = ClientTls.trusting(certificates.caCert()).withKeyCert(ternClient.cert(), ternClient.key());
        ternDubbo = DubboProtocol.builder().tracker(TRACKER).serverTls(serverTls).clientTls(clientTls).build();
        ternTriple = TripleProtocol.create(TRACKER, ClassPolicy.strict(), serverTls, clientTls);
        Exporter<InteropService> overDubbo = ternDubbo.export(Invokers.of(InteropService.class, implementation("tern"),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + InteropService.class.getName() + "?token=" + TERN_TOKEN)));
        Exporter<InteropService> overTriple = ternTriple.export(Invokers.of(InteropService.class,
                implementation("tern-tri"),
                ServiceUrl.parse("tri://127.0.0.1:0/" + InteropService.class.getName() + "?token=" + TERN_TOKEN)));
        ternPorts.put("dubbo", overDubbo.url().port());
        ternPorts.put("tri", overTriple.url().port());

        // Dubbo: dubbo.ssl.* with both trust collections, so it requires client certificates too
        SslConfig ssl = new SslConfig();
        ssl.setServerKeyCertChainPath(dubboServer.cert().toString());
        ssl.setServerPrivateKeyPath(dubboServer.key().toString());
        ssl.setServerTrustCertCollectionPath(certificates.caCert().toString());
        ssl.setClientKeyCertChainPath(dubboClient.cert().toString());
        ssl.setClientPrivateKeyPath(dubboClient.key().toString());
        ssl.setClientTrustCertCollectionPath(certificates.caCert().toString());
        ServiceConfig<InteropService> service = new ServiceConfig<>();
        service.setInterface(InteropService.class);
        service.setRef(implementation("dubbo"));
        service.setToken(DUBBO_TOKEN);
        dubboPorts.put("dubbo", DubboPeer.freePort());
        dubboPorts.put("tri", DubboPeer.freePort());
        dubbo = DubboPeer.secured("tls-interop", ssl, dubboPorts, List.of(service));
    }

    private static InteropServiceImpl implementation(String name) {
        return new InteropServiceImpl(name, key -> null, (key, value) -> { });
    }

    @AfterAll
    static void stop() {
        invokers.forEach(Invoker::close);
        invokers.clear();
        dubbo.close();
        ternDubbo.close();
        ternTriple.close();
        assertThat(TRACKER.counts(ResourceKind.CLIENT).live()).isZero();
        assertThat(TRACKER.counts(ResourceKind.SERVER).live()).isZero();
    }

    private static InteropService dubboReference(String protocol, String query) {
        ReferenceConfig<InteropService> reference = new ReferenceConfig<>();
        reference.setScopeModel(dubbo.module());
        reference.setInterface(InteropService.class);
        reference.setUrl(protocol + "://127.0.0.1:" + ternPorts.get(protocol) + "/" + InteropService.class.getName()
                + query);
        reference.setRetries(0);
        reference.setTimeout(10_000);
        return reference.get();
    }

    private static InteropService ternReference(String protocol, String query) {
        ServiceUrl url = ServiceUrl.parse(protocol + "://127.0.0.1:" + dubboPorts.get(protocol) + "/"
                + InteropService.class.getName() + "?timeout=10000" + query);
        Invoker<InteropService> invoker = protocol.equals("dubbo") ? ternDubbo.refer(InteropService.class, url)
                : ternTriple.refer(InteropService.class, url);
        invokers.add(invoker);
        return Proxies.create(invoker);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dubbo", "tri"})
    void dubboCallsTernOverMutualTlsWithTheToken(String protocol) {
        InteropService service = dubboReference(protocol, "?token=" + TERN_TOKEN);
        assertThat(service.echo("from dubbo over " + protocol)).isEqualTo("from dubbo over " + protocol);
        var tls = protocol.equals("dubbo") ? ternDubbo.serverTlsContext().orElseThrow()
                : ternTriple.serverTlsContext().orElseThrow();
        assertThat(tls.handshakes()).isPositive();
        assertThat(tls.plaintextRefused()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dubbo", "tri"})
    void ternRefusesDubboWithoutTheToken(String protocol) {
        InteropService service = dubboReference(protocol, "?token=wrong");
        assertThatThrownBy(() -> service.echo("no")).isInstanceOf(org.apache.dubbo.rpc.RpcException.class)
                .hasMessageContaining("Invalid token!").hasMessageContaining(InteropService.class.getName())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TERN_TOKEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dubbo", "tri"})
    void ternCallsDubboOverMutualTlsWithTheToken(String protocol) {
        InteropService service = ternReference(protocol, "&token=" + DUBBO_TOKEN);
        assertThat(service.echo("from tern over " + protocol)).isEqualTo("from tern over " + protocol);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dubbo", "tri"})
    void dubboRefusesTernWithoutTheTokenAsForbidden(String protocol) {
        for (String query : new String[] {"", "&token=wrong"}) {
            InteropService service = ternReference(protocol, query);
            assertThatThrownBy(() -> service.echo("no")).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.status()).as(e.getMessage()).isEqualTo(RpcStatus.FORBIDDEN));
        }
    }

    @Test
    void ternVerifiesDubbosCertificateAgainstItsTrustCollection() throws Exception {
        // a client trusting another CA refuses Dubbo's certificate
        TestCertificates other = TestCertificates.create(directory.resolve("other"));
        try (DubboProtocol distrustful = DubboProtocol.builder().clientTls(ClientTls.trusting(other.caCert())).build()) {
            Invoker<InteropService> invoker = distrustful.refer(InteropService.class, ServiceUrl.parse("dubbo://127.0.0.1:"
                    + dubboPorts.get("dubbo") + "/" + InteropService.class.getName() + "?timeout=5000"));
            try {
                assertThatThrownBy(() -> Proxies.create(invoker).echo("x")).isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.status()).isEqualTo(RpcStatus.NETWORK));
            } finally {
                invoker.close();
            }
        }
    }
}
