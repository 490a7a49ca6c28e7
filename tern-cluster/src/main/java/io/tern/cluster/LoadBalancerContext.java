package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/** What a cluster gives the load balancers it makes: its call statistics, randomness and clock. */
public final class LoadBalancerContext {

    private final Function<Provider<?>, CallStats> stats;
    private final RandomGenerator random;
    private final LongSupplier clock;

    public LoadBalancerContext(Function<Provider<?>, CallStats> stats, RandomGenerator random, LongSupplier clock) {
        this.stats = requireNonNull(stats, "stats");
        this.random = requireNonNull(random, "random");
        this.clock = requireNonNull(clock, "clock");
    }

    /** The cluster's statistics of a provider. */
    public CallStats stats(Provider<?> provider) {
        return stats.apply(provider);
    }

    /** The randomness to draw from; thread-safe. */
    public RandomGenerator random() {
        return random;
    }

    /** Now, in milliseconds since the epoch, for warm-up. */
    public long nowMillis() {
        return clock.getAsLong();
    }
}
