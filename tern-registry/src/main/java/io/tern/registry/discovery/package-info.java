/**
 * Application-level service discovery as Apache Dubbo 3 does it: what an application instance
 * serves ({@link io.tern.registry.discovery.AppMetadata}, {@link io.tern.registry.discovery.ServiceInfo})
 * and the revision that names it.
 */
@NullMarked
package io.tern.registry.discovery;

import org.jspecify.annotations.NullMarked;
