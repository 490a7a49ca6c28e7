/**
 * The dubbo protocol over Netty, wire-compatible with Apache Dubbo: {@link io.tern.transport.DubboProtocol}
 * exports services on servers and refers them through shared, reference-counted connections.
 */
@NullMarked
package io.tern.transport;

import org.jspecify.annotations.NullMarked;
