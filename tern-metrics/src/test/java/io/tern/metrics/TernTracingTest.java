package io.tern.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.DubboProtocol;
import io.tern.testing.InMemoryTracing;
import io.tern.testing.TernCleanup;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;

/** A trace through a Tern consumer and a Tern provider, with a real tracer (OpenTelemetry's SDK). */
class TernTracingTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Greeter {
        String greet(String name);
    }

    /** What the service saw while it ran: the trace in scope and in the MDC, and the traceparent it was sent. */
    static final Map<String, String> SEEN = new ConcurrentHashMap<>();

    private InMemoryTracing tracing;
    private DubboProtocol provider;
    private DubboProtocol consumer;

    @BeforeEach
    void start() {
        tracing = cleanup.register(new InMemoryTracing());
        TernTracing filters = TernTracing.create(tracing.observations());
        provider = cleanup.register(DubboProtocol.builder().providerFilters(List.of(filters.providerFilter())).build());
        consumer = cleanup.register(DubboProtocol.builder().consumerFilters(List.of(filters.consumerFilter())).build());
        SEEN.clear();
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

        Observation request = Observation.start("http.request", tracing.observations());
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

        await().until(() -> tracing.finished().size() == 3);
        List<SpanData> finished = tracing.finished();
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
