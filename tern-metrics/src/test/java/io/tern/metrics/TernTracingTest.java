package io.tern.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.otel.bridge.Slf4JEventListener;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.transport.DubboProtocol;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** A trace through a Tern consumer and a Tern provider, with a real tracer (OpenTelemetry's SDK). */
class TernTracingTest {

    public interface Greeter {
        String greet(String name);
    }

    /** What the service saw while it ran: the trace in scope and in the MDC, and the traceparent it was sent. */
    static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    private static final Slf4JEventListener MDC_LISTENER = new Slf4JEventListener();

    static {
        // How the OpenTelemetry bridge learns of scopes opening and closing, to keep the MDC: once per JVM.
        io.opentelemetry.context.ContextStorage.addWrapper(
                new io.micrometer.tracing.otel.bridge.EventPublishingContextWrapper(MDC_LISTENER::onEvent));
    }

    private InMemorySpanExporter spans;
    private SdkTracerProvider tracerProvider;
    private ObservationRegistry observations;
    private DubboProtocol provider;
    private DubboProtocol consumer;

    @BeforeEach
    void start() {
        spans = InMemorySpanExporter.create();
        tracerProvider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        io.opentelemetry.api.trace.Tracer otel = tracerProvider.get("tern-test");
        ContextPropagators propagators = ContextPropagators.create(W3CTraceContextPropagator.getInstance());
        OtelCurrentTraceContext current = new OtelCurrentTraceContext();
        OtelTracer tracer = new OtelTracer(otel, current, MDC_LISTENER::onEvent,
                new OtelBaggageManager(current, List.of(), List.of()));
        OtelPropagator propagator = new OtelPropagator(propagators, otel);
        observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                new DefaultTracingObservationHandler(tracer)));
        TernTracing tracing = TernTracing.create(observations);
        provider = DubboProtocol.builder().providerFilters(List.of(tracing.providerFilter())).build();
        consumer = DubboProtocol.builder().consumerFilters(List.of(tracing.consumerFilter())).build();
        SEEN.clear();
    }

    @AfterEach
    void stop() {
        consumer.close();
        provider.close();
        tracerProvider.close();
    }

    @Test
    void aTraceStartedByTheCallerContinuesInTheProviderWithTheTraceInTheMdc() {
        ServiceUrl url = provider.export(Invokers.of(Greeter.class, name -> {
            SEEN.put("scopeTraceId", Span.current().getSpanContext().getTraceId());
            SEEN.put("mdcTraceId", String.valueOf(MDC.get("traceId"))); // put there by the tracer's Slf4JEventListener
            SEEN.put("mdcSpanId", String.valueOf(MDC.get("spanId")));
            Object traceparent = io.tern.core.RpcContext.requestAttachments().get("traceparent");
            SEEN.put("traceparent", String.valueOf(traceparent));
            return "Hello, " + name;
        }, ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName()))).url();
        Greeter greeter = Proxies.create(consumer.refer(Greeter.class, url));

        Observation request = Observation.start("http.request", observations);
        String traceId;
        Observation.Scope scope = request.openScope();
        try {
            traceId = Span.current().getSpanContext().getTraceId();
            assertThat(MDC.get("traceId")).as("the caller's MDC").isEqualTo(traceId);
            assertThat(greeter.greet("trace")).isEqualTo("Hello, trace");
        } finally {
            scope.close();
            request.stop();
        }

        await().until(() -> spans.getFinishedSpanItems().size() == 3);
        List<SpanData> finished = spans.getFinishedSpanItems();
        SpanData client = finished.stream().filter(s -> s.getName().equals(Greeter.class.getName() + "/greet")
                && s.getKind() == io.opentelemetry.api.trace.SpanKind.CLIENT).findFirst().orElseThrow();
        SpanData server = finished.stream().filter(s -> s.getKind() == io.opentelemetry.api.trace.SpanKind.SERVER)
                .findFirst().orElseThrow();
        assertThat(finished).extracting(SpanData::getTraceId).containsOnly(traceId);
        assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
        assertThat(server.getAttributes().asMap().toString()).contains("rpc.system=apache_dubbo")
                .contains("rpc.method=greet");
        assertThat(SEEN.get("scopeTraceId")).isEqualTo(traceId);
        assertThat(SEEN.get("mdcTraceId")).as("the service's MDC").isEqualTo(traceId);
        assertThat(SEEN.get("mdcSpanId")).isEqualTo(server.getSpanId());
        assertThat(SEEN.get("traceparent")).startsWith("00-" + traceId + "-" + client.getSpanId() + "-"); // then flags
    }
}
