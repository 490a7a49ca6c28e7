package io.tern.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tern.Filter;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.dubbo.DubboProtocol;
import io.tern.dubbo.DubboProtocolBuilder;
import io.tern.metrics.TernMetrics;
import io.tern.metrics.TernTracing;
import io.tern.registry.Registries;
import io.tern.registry.Registry;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a server or a client is built on — its registry (when it owns one), its meters, its
 * protocol, and the filters (meters, tracing) its invokers go through — made together: when one
 * cannot be made, those made before it are closed.
 */
record Parts(@Nullable Registry ownedRegistry, @Nullable TernMetrics metrics,
        @Nullable PrometheusMeterRegistry prometheus, DubboProtocol protocol, List<Filter> filters) {

    /**
     * Makes the parts; {@code provider} says which side's metrics filter the protocol gets.
     * With an operations endpoint and no meter registry, the meters go to a Prometheus registry
     * made here, which the endpoint's {@code /metrics} shows.
     */
    static Parts make(String application, @Nullable ServiceUrl registryUrl, @Nullable Registry givenRegistry,
            @Nullable MeterRegistry meterRegistry,
            @Nullable ObservationRegistry observations, boolean ops, LifecycleTracker tracker,
            DubboProtocolBuilder protocol, boolean provider) {
        MeterRegistry meters = meterRegistry;
        if (meters == null && ops) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        }
        TernMetrics metrics = meters == null ? null : TernMetrics.create(meters, application);
        Registry owned = null;
        try {
            owned = registryUrl != null ? Registries.connect(registryUrl, tracker) : null;
            List<Filter> filters = new ArrayList<>();
            if (metrics != null) {
                filters.add(provider ? metrics.providerFilter() : metrics.consumerFilter());
            }
            if (observations != null) {
                TernTracing tracing = TernTracing.create(observations);
                filters.add(provider ? tracing.providerFilter() : tracing.consumerFilter());
            }
            if (provider) {
                protocol.providerFilters(filters);
            } else {
                protocol.consumerFilters(filters);
            }
            DubboProtocol built = protocol.tracker(tracker).build();
            if (metrics != null) {
                metrics.bindLifecycle(tracker).bindProtocol(provider ? "provider" : "consumer", built.stats());
                Registry used = givenRegistry != null ? givenRegistry : owned;
                if (used != null) {
                    metrics.bindRegistry(used.url().address(), used::isConnected);
                }
            }
            return new Parts(owned, metrics, prometheus(meters), built, List.copyOf(filters));
        } catch (RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            if (owned != null) {
                owned.close();
            }
            throw e;
        }
    }

    /** The Prometheus registry among {@code meters}, if there is one. */
    private static @Nullable PrometheusMeterRegistry prometheus(@Nullable MeterRegistry meters) {
        if (meters instanceof PrometheusMeterRegistry p) {
            return p;
        }
        if (meters instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry r : composite.getRegistries()) {
                if (r instanceof PrometheusMeterRegistry p) {
                    return p;
                }
            }
        }
        return null;
    }
}
