/**
 * Many providers behind one invoker: {@link io.tern.cluster.Directory directories} hold the
 * current providers, {@link io.tern.cluster.Router routers} narrow them per call,
 * {@link io.tern.cluster.LoadBalancer load balancers} pick one, and a
 * {@link io.tern.cluster.ClusterStrategy strategy} decides what a failure means.
 */
@NullMarked
package io.tern.cluster;

import org.jspecify.annotations.NullMarked;
