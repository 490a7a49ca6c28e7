package io.tern.core.injvm;

import static java.util.Objects.requireNonNull;

import io.tern.ClassPolicy;
import io.tern.Filter;
import io.tern.core.FilterChain;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.List;

/** Builds an {@link InjvmProtocol}. */
public final class InjvmProtocolBuilder {

    private LifecycleTracker tracker = LifecycleTracker.global();
    private FilterChain providerFilters = FilterChain.empty();
    private FilterChain consumerFilters = FilterChain.empty();
    private ClassPolicy classPolicy = ClassPolicy.strict();

    InjvmProtocolBuilder() {
    }

    /** The tracker the protocol's exporters and invokers register with; the global one by default. */
    public InjvmProtocolBuilder tracker(LifecycleTracker tracker) {
        this.tracker = requireNonNull(tracker, "tracker");
        return this;
    }

    /** Filters every exported service's calls pass through, before the implementation. */
    public InjvmProtocolBuilder providerFilters(List<? extends Filter> filters) {
        this.providerFilters = FilterChain.of(filters);
        return this;
    }

    /** Filters every referred invoker's calls pass through, before they reach the provider. */
    public InjvmProtocolBuilder consumerFilters(List<? extends Filter> filters) {
        this.consumerFilters = FilterChain.of(filters);
        return this;
    }

    /**
     * The classes a generic call's arguments may name (a {@code "class"} entry choosing a subtype);
     * a strict policy by default, which every exported interface is added to.
     */
    public InjvmProtocolBuilder classPolicy(ClassPolicy policy) {
        this.classPolicy = requireNonNull(policy, "policy");
        return this;
    }

    public InjvmProtocol build() {
        return new InjvmProtocol(tracker, providerFilters, consumerFilters, classPolicy);
    }
}
