/**
 * Tern's public model: {@link io.tern.ServiceUrl}, {@link io.tern.Invocation}, {@link io.tern.Result},
 * {@link io.tern.Invoker}, {@link io.tern.Exporter}, {@link io.tern.Protocol}, {@link io.tern.Filter}
 * and {@link io.tern.RpcException}. Nothing here names an implementation type.
 */
@NullMarked
package io.tern;

import org.jspecify.annotations.NullMarked;
