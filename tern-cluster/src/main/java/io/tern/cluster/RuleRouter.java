package io.tern.cluster;

import static java.util.Objects.requireNonNull;

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

    private volatile Routes routes = new Routes(TagRouter.create(), List.of());

    /** Routes by the providers' own tags until {@link #set}. */
    public static RuleRouter create() {
        return new RuleRouter();
    }

    /** The routes from now on. */
    public void set(@Nullable TagRule tag, List<ConditionRouter> conditions) {
        routes = new Routes(TagRouter.of(tag), List.copyOf(conditions));
    }

    /** The tag rule in force; null when the providers' own tags route. */
    public @Nullable TagRule tagRule() {
        return routes.tag.rule();
    }

    /** The condition routes in force, in the order they run. */
    public List<ConditionRouter> conditions() {
        return routes.conditions;
    }

    @Override
    public int priority() {
        return TagRouter.create().priority();
    }

    @Override
    public <T> List<Provider<T>> route(List<Provider<T>> providers, ServiceUrl consumerUrl, Invocation invocation) {
        Routes now = routes;
        List<Provider<T>> current = now.tag.route(providers, consumerUrl, invocation);
        for (int i = 0; i < now.conditions.size() && !current.isEmpty(); i++) {
            current = now.conditions.get(i).route(current, consumerUrl, invocation);
        }
        return current;
    }

    @Override
    public <T> @Nullable String whyNone(List<Provider<T>> providers, ServiceUrl consumerUrl, Invocation invocation) {
        Routes now = routes;
        List<Router> parts = new ArrayList<>(now.conditions.size() + 1);
        parts.add(now.tag);
        parts.addAll(now.conditions);
        List<Provider<T>> current = providers;
        for (Router part : parts) {
            List<Provider<T>> next = part.route(current, consumerUrl, invocation);
            if (next.isEmpty() && !current.isEmpty()) {
                return part.toString() + (part instanceof ConditionRouter c && !c.force() ? " (a black list)" : "");
            }
            current = next;
        }
        return null;
    }

    @Override
    public String toString() {
        Routes now = routes;
        return "routes[" + now.tag + (now.conditions.isEmpty() ? "" : ", " + now.conditions) + "]";
    }

    private record Routes(TagRouter tag, List<ConditionRouter> conditions) {
        Routes {
            requireNonNull(tag, "tag");
        }
    }
}
