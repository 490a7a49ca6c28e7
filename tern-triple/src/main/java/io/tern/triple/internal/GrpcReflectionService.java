package io.tern.triple.internal;

import io.tern.StreamObserver;

/**
 * gRPC's server reflection ({@code grpc.reflection.v1.ServerReflection} and its older name
 * {@code grpc.reflection.v1alpha.ServerReflection}) with its messages as their protobuf bytes:
 * {@link ReflectionMessages} reads and writes them, {@link ProtoDescriptors} answers them.
 */
public interface GrpcReflectionService {

    /** {@code ServerReflectionInfo}: a {@code ServerReflectionResponse} for each {@code ServerReflectionRequest}. */
    StreamObserver<byte[]> serverReflectionInfo(StreamObserver<byte[]> responses);
}
