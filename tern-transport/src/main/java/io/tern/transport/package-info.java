/**
 * What every protocol's server and client share: {@link io.tern.transport.EventLoops} (the event
 * loops of a server or client, shared by all its protocols), {@link io.tern.transport.ServerPort}
 * (binding, connection limits, inbound budget, water marks, and telling a connection's protocol
 * from its first bytes through each {@link io.tern.transport.PortProtocol}),
 * {@link io.tern.transport.ConnectionLimits} with their option names, and TLS
 * ({@code io.tern.transport.tls}).
 */
@NullMarked
package io.tern.transport;

import org.jspecify.annotations.NullMarked;
