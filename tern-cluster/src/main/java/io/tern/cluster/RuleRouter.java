package io.tern.cluster;

import io.tern.Invocation;
import io.tern.ServiceUrl;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The routes an operator sets for one reference, changed while calls run: tag routing (by a
 * {@link TagRule}, or the providers' own tags while there is none), then the condition routes in
 * Dubbo's order (the service's, the provider application's, the consumer application's, those
 * under {@code /routers}). Each call reads one set of routes whole; {@link #set} replaces it.
 * Takes the place of {@link TagRouter} in a reference's chain, at its priority.
 */
public final class RuleRouter implements Router {

    /** The tag router, then the condition routes; replaced whole. */
    private volatile List<Router> routes = List.of(TagRouter.create());

    /** Routes by the providers' own tags until {@link #set}. */
    public static RuleRouter create() {
        return new RuleRouter();
    }

    /** The routes from now on. */
    public void set(@Nullable TagRule tag, List<ConditionRouter> conditions) {
        List<Router> next = new ArrayList<>(conditions.size() + 1);
        next.add(TagRouter.of(tag));
        next.addAll(conditions);
        routes = List.copyOf(next);
    }

    @Override
    public int priority() {
        return TagRouter.create().priority();
    }

    @Override
    public <T> List<Provider<T>> route(List<Provider<T>> providers, ServiceUrl consumerUrl, Invocation invocation) {
        return RouterChain.route(routes, providers, consumerUrl, invocation);
    }

    @Override
    public <T> @Nullable String whyNone(List<Provider<T>> providers, ServiceUrl consumerUrl, Invocation invocation) {
        return RouterChain.whyNone(routes, providers, consumerUrl, invocation);
    }

    @Override
    public String toString() {
        return "routes" + routes;
    }
}
