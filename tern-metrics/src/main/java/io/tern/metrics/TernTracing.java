package io.tern.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import io.tern.Filter;
import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.ServiceKey;
import java.util.concurrent.CompletableFuture;

/**
 * Tern's calls as Micrometer {@link Observation}s named as Apache Dubbo names them:
 * {@code rpc.client.duration} on the consumer, {@code rpc.server.duration} on the provider,
 * contextual name {@code {service}/{method}}, with {@code rpc.system=apache_dubbo},
 * {@code rpc.service} and {@code rpc.method}. The context travels in the call's attachments,
 * which the tracer's propagator fills ({@code traceparent}, {@code tracestate}, {@code baggage}
 * with W3C propagation), so a trace continues across Tern and Dubbo services.
 *
 * <p>While a call runs, its observation is in scope on the calling thread (the consumer's caller,
 * the provider's service thread): a tracer that puts the trace in the logging MDC shows it in
 * every log line of the call.
 */
public final class TernTracing {

    /** Consumer-side observations come before the metrics filter's timing, provider-side after. */
    static final int ORDER = MetricsFilter.ORDER + 1;

    private final ObservationRegistry registry;

    private TernTracing(ObservationRegistry registry) {
        this.registry = registry;
    }

    public static TernTracing create(ObservationRegistry registry) {
        return new TernTracing(requireNonNull(registry, "registry"));
    }

    /** The filter that observes a consumer's calls and sends their context. */
    public Filter consumerFilter() {
        return new Filter() {
            @Override
            public CompletableFuture<Result> invoke(Invoker<?> next, Invocation invocation) {
                SenderContext<Invocation> context = new SenderContext<>((carrier, key, value) -> {
                    if (carrier != null) {
                        carrier.setAttachment(key, value);
                    }
                }, Kind.CLIENT);
                context.setCarrier(invocation);
                context.setRemoteServiceName(invocation.serviceKey().interfaceName());
                return observe(Observation.createNotStarted("rpc.client.duration", () -> context, registry),
                        next, invocation);
            }

            @Override
            public int order() {
                return ORDER;
            }
        };
    }

    /** The filter that observes a provider's calls, continuing the context they carry. */
    public Filter providerFilter() {
        return new Filter() {
            @Override
            public CompletableFuture<Result> invoke(Invoker<?> next, Invocation invocation) {
                ReceiverContext<Invocation> context = new ReceiverContext<>((carrier, key) -> {
                    Object value = carrier.attachment(key);
                    return value instanceof String s ? s : null;
                }, Kind.SERVER);
                context.setCarrier(invocation);
                return observe(Observation.createNotStarted("rpc.server.duration", () -> context, registry),
                        next, invocation);
            }

            @Override
            public int order() {
                return ORDER;
            }
        };
    }

    private static CompletableFuture<Result> observe(Observation observation, Invoker<?> next, Invocation invocation) {
        ServiceKey service = invocation.serviceKey();
        observation.contextualName(service.interfaceName() + "/" + invocation.methodName())
                .lowCardinalityKeyValues(KeyValues.of("rpc.system", "apache_dubbo", "rpc.service",
                        service.interfaceName(), "rpc.method", invocation.methodName()))
                .start();
        CompletableFuture<Result> future;
        Observation.Scope scope = observation.openScope(); // the call's thread sees the trace while it sends
        try {
            future = next.invoke(invocation);
        } catch (RuntimeException e) {
            observation.error(e);
            observation.stop();
            throw e;
        } finally {
            scope.close();
        }
        future.whenComplete((result, failure) -> {
            if (failure != null) {
                observation.error(failure);
            } else if (result.hasException()) {
                observation.error(result.exception());
            }
            observation.stop();
        });
        return future;
    }
}
