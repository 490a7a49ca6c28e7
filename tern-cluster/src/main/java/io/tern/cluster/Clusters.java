package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** Joins a directory's providers into one invoker. */
public final class Clusters {

    private Clusters() {
    }

    /**
     * One invoker over a directory, configured by the directory's consumer URL (see
     * {@link ClusterConfig#from}) with a tag router and these routers (a {@link RuleRouter} among them is
     * the tag router). The invoker owns the
     * directory: closing it closes the directory and its invokers.
     */
    public static <T> Invoker<T> join(Directory<T> directory, List<? extends Router> routers) {
        return join(directory, routers, LifecycleTracker.global());
    }

    /** As {@link #join(Directory, List)}, registering with {@code tracker}. */
    public static <T> Invoker<T> join(Directory<T> directory, List<? extends Router> routers,
            LifecycleTracker tracker) {
        requireNonNull(directory, "directory");
        ClusterConfig config = ClusterConfig.from(directory.consumerUrl(), ClusterConfig.DEFAULT);
        List<Router> all = new java.util.ArrayList<>(routers);
        if (all.stream().noneMatch(RuleRouter.class::isInstance)) { // a RuleRouter routes by tag itself
            all.add(TagRouter.create());
        }
        return join(directory, RouterChain.of(all), config, null, tracker);
    }

    /**
     * One invoker over a directory, fully specified.
     *
     * @param random the randomness of load balancing; {@code null} for
     *     {@link java.util.concurrent.ThreadLocalRandom}
     */
    public static <T> Invoker<T> join(Directory<T> directory, RouterChain routers, ClusterConfig config,
            @Nullable RandomGenerator random, LifecycleTracker tracker) {
        requireNonNull(directory, "directory");
        requireNonNull(routers, "routers");
        requireNonNull(config, "config");
        requireNonNull(tracker, "tracker");
        RandomGenerator source = random != null ? random : LoadBalancers.threadLocalRandom();
        return new ClusterInvoker<>(directory, routers, config, source, System::currentTimeMillis, tracker);
    }

    /**
     * Has an invoker made by {@link #join} take the retries, load balancing and stickiness
     * {@code consumerUrl} says from its next call on, as an operator's override rule changes
     * them; the cluster strategy stays.
     *
     * @throws IllegalArgumentException when the URL has a value that does not parse, or
     *     {@code cluster} was not made by {@link #join}
     */
    public static void reconfigure(Invoker<?> cluster, ServiceUrl consumerUrl) {
        requireNonNull(consumerUrl, "consumerUrl");
        if (!(cluster instanceof ClusterInvoker<?> invoker)) {
            throw new IllegalArgumentException("reconfigure: " + cluster + " (expected: an invoker made by"
                    + " Clusters.join)");
        }
        invoker.reconfigure(ClusterConfig.from(consumerUrl, ClusterConfig.DEFAULT));
    }
}
