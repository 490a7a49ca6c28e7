package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.DubboProtocol;
import io.tern.metrics.TernTracing;
import io.tern.testing.InMemoryTracing;
import java.time.Duration;
import java.util.List;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.TracingConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A trace crosses Tern and Apache Dubbo 3.3.5 both ways: Dubbo with its tracing enabled, both
 * observing into one OpenTelemetry SDK (micrometer-tracing's bridge, an in-memory exporter).
 * Dubbo's filters need a marker class Micrometer 1.17 dropped; see
 * {@code io.micrometer.observation.NoopObservationRegistry} in these tests.
 */
class TracingInteropTest {

    private static InMemoryTracing tracing;
    private static ObservationRegistry observations;
    private static DubboProtocol tern;
    private static DubboBootstrap dubbo;
    private static int dubboPort;
    private static ServiceUrl ternProvider;

    @BeforeAll
    static void start() {
        tracing = new InMemoryTracing();
        observations = tracing.observations();
        TernTracing filters = TernTracing.create(observations);
        tern = DubboProtocol.builder().providerFilters(List.of(filters.providerFilter()))
                .consumerFilters(List.of(filters.consumerFilter())).build();
        ternProvider = tern.export(Invokers.of(InteropService.class, new InteropServiceImpl("tern", key -> null,
                (key, value) -> { }), ServiceUrl.parse("dubbo://127.0.0.1:0/" + InteropService.class.getName()))).url();

        DubboPeer.freePort(); // loads DubboPeer: Dubbo kept on loopback
        dubboPort = DubboPeer.freePort();
        ApplicationConfig application = new ApplicationConfig("dubbo-tracing-peer");
        application.setQosEnable(false);
        TracingConfig tracingConfig = new TracingConfig();
        tracingConfig.setEnabled(true);
        ProtocolConfig protocol = new ProtocolConfig("dubbo", dubboPort);
        protocol.setHost("127.0.0.1");
        ServiceConfig<InteropService> service = new ServiceConfig<>();
        service.setInterface(InteropService.class);
        service.setRef(new InteropServiceImpl("dubbo", key -> null, (key, value) -> { }));
        dubbo = DubboBootstrap.newInstance().application(application).tracing(tracingConfig)
                .registry(new RegistryConfig(RegistryConfig.NO_AVAILABLE)).protocol(protocol).service(service);
        // Dubbo's observation filters take the application's ObservationRegistry bean: ours.
        dubbo.getApplicationModel().getBeanFactory().registerBean(observations);
        dubbo.start();
    }

    @AfterAll
    static void stop() {
        dubbo.destroy();
        tern.close();
        tracing.close();
    }

    @BeforeEach
    void clear() {
        tracing.reset();
    }

    private static String traced(java.util.function.Supplier<String> call) {
        Observation request = Observation.start("test.request", observations);
        Observation.Scope scope = request.openScope();
        try {
            call.get();
            return io.opentelemetry.api.trace.Span.current().getSpanContext().getTraceId();
        } finally {
            scope.close();
            request.stop();
        }
    }

    private static SpanData span(SpanKind kind) {
        return tracing.finished().stream().filter(s -> s.getKind() == kind).findFirst().orElseThrow();
    }

    @Test
    void aTraceFromATernConsumerContinuesInADubboProvider() {
        InteropService service = Proxies.create(tern.refer(InteropService.class, ServiceUrl.parse(
                "dubbo://127.0.0.1:" + dubboPort + "/" + InteropService.class.getName() + "?timeout=10000")));
        String traceId = traced(() -> service.echo("traced"));
        await().atMost(Duration.ofSeconds(10)).until(() -> tracing.finished().stream()
                .anyMatch(s -> s.getKind() == SpanKind.SERVER));
        SpanData client = span(SpanKind.CLIENT);
        SpanData server = span(SpanKind.SERVER); // Dubbo's
        assertThat(client.getTraceId()).isEqualTo(traceId);
        assertThat(server.getTraceId()).isEqualTo(traceId);
        assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
        assertThat(server.getName()).isEqualTo(InteropService.class.getName() + "/echo");
    }

    @Test
    void aTraceFromADubboConsumerContinuesInATernProvider() {
        ReferenceConfig<InteropService> reference = new ReferenceConfig<>();
        reference.setScopeModel(dubbo.getApplicationModel().getDefaultModule());
        reference.setInterface(InteropService.class);
        reference.setUrl("dubbo://127.0.0.1:" + ternProvider.port());
        reference.setTimeout(10_000);
        InteropService service = reference.get();
        try {
            String traceId = traced(() -> service.echo("traced"));
            await().atMost(Duration.ofSeconds(10)).until(() -> tracing.finished().stream()
                    .anyMatch(s -> s.getKind() == SpanKind.SERVER));
            SpanData client = span(SpanKind.CLIENT); // Dubbo's
            SpanData server = span(SpanKind.SERVER); // Tern's
            assertThat(client.getTraceId()).isEqualTo(traceId);
            assertThat(server.getTraceId()).isEqualTo(traceId);
            assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
            assertThat(server.getAttributes().asMap().toString()).contains("rpc.system=apache_dubbo");
        } finally {
            reference.destroy();
        }
    }
}
