package io.tern.cluster;

/**
 * Makes the load balancers of one name, for the {@code loadbalance} setting. Tern's own are
 * built in; others are found with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.tern.cluster.LoadBalancerFactory}), and a name may be taken once.
 */
public interface LoadBalancerFactory {

    /** The name references select it by: lower case, as Dubbo's are. */
    String name();

    /** A new balancer for one cluster invoker. */
    LoadBalancer create(LoadBalancerContext context);
}
