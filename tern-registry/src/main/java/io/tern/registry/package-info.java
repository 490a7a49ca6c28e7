/**
 * Service discovery: the {@link io.tern.registry.Registry} API, an in-JVM registry, and
 * ZooKeeper in exactly the layout Apache Dubbo uses for interface-level discovery.
 */
@NullMarked
package io.tern.registry;

import org.jspecify.annotations.NullMarked;
