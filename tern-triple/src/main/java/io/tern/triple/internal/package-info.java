/**
 * Triple's wire pieces, as Apache Dubbo 3.3 and gRPC put them on HTTP/2: gRPC message framing
 * ({@link io.tern.triple.internal.GrpcDeframer}), the wrapper messages plain Java interfaces
 * travel in ({@link io.tern.triple.internal.TripleRequestWrapper},
 * {@link io.tern.triple.internal.TripleResponseWrapper}), {@code grpc-timeout} and the status
 * codes. Public for Tern's own modules only: not API.
 */
@NullMarked
package io.tern.triple.internal;

import org.jspecify.annotations.NullMarked;
