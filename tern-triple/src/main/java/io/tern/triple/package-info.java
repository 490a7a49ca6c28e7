/**
 * The Triple protocol ({@code tri}): gRPC over HTTP/2 as Apache Dubbo 3 speaks it. So far unary
 * calls of plain Java interfaces: {@link io.tern.triple.TripleProtocol} exports services that
 * Dubbo's Triple consumers call, and refers Dubbo's Triple providers.
 */
@NullMarked
package io.tern.triple;

import org.jspecify.annotations.NullMarked;
