package io.tern.testing;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.EventPublishingContextWrapper;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.otel.bridge.Slf4JEventListener;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.ContextStorage;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.List;

/**
 * A real tracer for tests: micrometer-tracing's OpenTelemetry bridge over the OpenTelemetry SDK,
 * every span sampled and kept in memory, W3C propagation, and the trace put in the SLF4J MDC
 * ({@code traceId}, {@code spanId}) while a span is in scope. Close it after the test.
 */
public final class InMemoryTracing implements AutoCloseable {

    private static final Slf4JEventListener MDC = new Slf4JEventListener();

    static {
        // How the bridge learns of scopes opening and closing, to keep the MDC: once per JVM.
        ContextStorage.addWrapper(new EventPublishingContextWrapper(MDC::onEvent));
    }

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final SdkTracerProvider provider;
    private final ObservationRegistry observations = ObservationRegistry.create();

    public InMemoryTracing() {
        provider = SdkTracerProvider.builder().setSampler(Sampler.alwaysOn())
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        io.opentelemetry.api.trace.Tracer otel = provider.get("tern-tests");
        OtelCurrentTraceContext current = new OtelCurrentTraceContext();
        OtelTracer tracer = new OtelTracer(otel, current, MDC::onEvent,
                new OtelBaggageManager(current, List.of(), List.of()));
        OtelPropagator propagator = new OtelPropagator(
                ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
        observations.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
                new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
                new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
                new DefaultTracingObservationHandler(tracer)));
    }

    /** The registry to observe into: what it observes becomes spans. */
    public ObservationRegistry observations() {
        return observations;
    }

    /** The spans finished so far. */
    public List<SpanData> finished() {
        return spans.getFinishedSpanItems();
    }

    /** Forgets the spans finished so far. */
    public void reset() {
        spans.reset();
    }

    @Override
    public void close() {
        provider.close();
    }
}
