/**
 * TLS for Tern's protocols: {@link io.tern.transport.tls.ServerTls} and
 * {@link io.tern.transport.tls.ClientTls} say which PEM files to use;
 * {@link io.tern.transport.tls.TlsContext} makes Netty's TLS from them and makes it again when
 * they change; {@link io.tern.transport.tls.PortTls} puts TLS in front of a server's
 * connections, or refuses plaintext.
 */
@NullMarked
package io.tern.transport.tls;

import org.jspecify.annotations.NullMarked;
