/**
 * The dubbo protocol over Netty, wire-compatible with Apache Dubbo: {@link io.tern.dubbo.DubboProtocol}
 * exports services on ports of the shared transport and refers them through shared,
 * reference-counted connections.
 */
@NullMarked
package io.tern.dubbo;

import org.jspecify.annotations.NullMarked;
