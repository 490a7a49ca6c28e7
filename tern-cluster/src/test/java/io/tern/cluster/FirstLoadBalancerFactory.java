package io.tern.cluster;

import io.tern.Invocation;
import java.util.List;

/** A load balancer found through ServiceLoader (see META-INF/services): always the first provider. */
public final class FirstLoadBalancerFactory implements LoadBalancerFactory {

    @Override
    public String name() {
        return "first";
    }

    @Override
    public LoadBalancer create(LoadBalancerContext context) {
        return new LoadBalancer() {
            @Override
            public <T> Provider<T> select(List<Provider<T>> providers, Invocation invocation) {
                return providers.get(0);
            }
        };
    }
}
