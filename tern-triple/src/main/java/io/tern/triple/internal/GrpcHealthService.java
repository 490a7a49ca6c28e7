package io.tern.triple.internal;

import io.tern.StreamObserver;

/**
 * gRPC's health service ({@code grpc.health.v1.Health}) with its messages as their protobuf
 * bytes, so that it runs without protobuf-java: {@link HealthMessages} reads and writes them.
 * Every Triple server answers it under that name; see {@code io.tern.triple.TripleHealth}.
 */
public interface GrpcHealthService {

    /** {@code Check}: a {@code HealthCheckRequest} in, a {@code HealthCheckResponse} out. */
    byte[] check(byte[] request);

    /** {@code Watch}: the status now, then each change, as {@code HealthCheckResponse}s. */
    void watch(byte[] request, StreamObserver<byte[]> responses);
}
