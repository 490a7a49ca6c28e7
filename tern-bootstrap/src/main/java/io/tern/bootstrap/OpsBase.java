package io.tern.bootstrap;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.ops.OpsTarget;
import org.jspecify.annotations.Nullable;

/** What a server's and a client's operations endpoints both report: the tracker and the meters. */
abstract class OpsBase implements OpsTarget {

    private final LifecycleTracker tracker;
    private final @Nullable PrometheusMeterRegistry prometheus;

    OpsBase(LifecycleTracker tracker, @Nullable PrometheusMeterRegistry prometheus) {
        this.tracker = tracker;
        this.prometheus = prometheus;
    }

    @Override
    public LifecycleReport lifecycle() {
        return tracker.report();
    }

    @Override
    public @Nullable String prometheus() {
        return prometheus == null ? null : prometheus.scrape();
    }
}
