package io.tern.triple;

import io.tern.MethodDescriptor;
import io.tern.StreamObserver;
import io.tern.triple.internal.GrpcReflectionService;
import io.tern.triple.internal.ProtoDescriptors;
import io.tern.triple.internal.ReflectionMessages;
import io.tern.triple.internal.ReflectionMessages.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * gRPC's server reflection on a {@link TripleProtocol}'s servers, under both names clients ask
 * ({@code grpc.reflection.v1.ServerReflection} and {@code v1alpha}), so that {@code grpcurl
 * list}, {@code describe} and calls work without the {@code .proto}: it lists and describes the
 * protobuf services exported (and gRPC's health service), as {@link ProtoDescriptors} finds
 * their files. Services of plain Java interfaces have no {@code .proto} and are not listed.
 * Served only where protobuf-java is present.
 */
final class TripleReflection implements GrpcReflectionService {

    static final String V1 = "grpc.reflection.v1.ServerReflection";
    static final String V1ALPHA = "grpc.reflection.v1alpha.ServerReflection";

    private final TripleProtocol protocol;

    TripleReflection(TripleProtocol protocol) {
        this.protocol = protocol;
    }

    @Override
    public StreamObserver<byte[]> serverReflectionInfo(StreamObserver<byte[]> responses) {
        return new StreamObserver<>() {
            /** The files, read once per stream at its first request: what is exported then. */
            private @Nullable ProtoDescriptors files;

            @Override
            public void onNext(byte[] message) {
                Request request;
                try {
                    request = ReflectionMessages.request(message);
                } catch (IllegalArgumentException e) {
                    responses.onError(new GrpcStatusException(GrpcStatus.INVALID_ARGUMENT, e.getMessage()));
                    return;
                }
                ProtoDescriptors index = files;
                if (index == null) {
                    index = describe();
                    files = index;
                }
                responses.onNext(answer(index, request));
            }

            @Override
            public void onError(Throwable error) {
                // the caller went away: nothing to answer
            }

            @Override
            public void onCompleted() {
                responses.onCompleted();
            }
        };
    }

    private static byte[] answer(ProtoDescriptors index, Request request) {
        return switch (request.kind()) {
            case ReflectionMessages.LIST_SERVICES -> ReflectionMessages.services(request, index.services());
            case ReflectionMessages.FILE_BY_FILENAME ->
                    files(request, index.fileByName(request.value()), "file " + request.value());
            case ReflectionMessages.FILE_CONTAINING_SYMBOL ->
                    files(request, index.fileContainingSymbol(request.value()), "symbol " + request.value());
            case ReflectionMessages.FILE_CONTAINING_EXTENSION -> files(request,
                    index.fileContainingExtension(request.value(), request.extensionNumber()),
                    "extension " + request.extensionNumber() + " of " + request.value());
            case ReflectionMessages.ALL_EXTENSION_NUMBERS_OF_TYPE -> {
                List<Integer> numbers = index.extensionNumbers(request.value());
                yield numbers == null ? notFound(request, "type " + request.value())
                        : ReflectionMessages.extensionNumbers(request, request.value(), numbers);
            }
            default -> ReflectionMessages.error(request, GrpcStatus.INVALID_ARGUMENT.code(),
                    "a request that asks nothing (expected: list_services, file_by_filename,"
                            + " file_containing_symbol, file_containing_extension or all_extension_numbers_of_type)");
        };
    }

    private static byte[] files(Request request, @Nullable List<byte[]> files, String what) {
        return files == null ? notFound(request, what) : ReflectionMessages.files(request, files);
    }

    private static byte[] notFound(Request request, String what) {
        return ReflectionMessages.error(request, GrpcStatus.NOT_FOUND.code(), "not found: " + what
                + " (expected: one of the protobuf services this server exports, or what their files declare)");
    }

    /** The protobuf methods of what is exported now, by service name. */
    private ProtoDescriptors describe() {
        Map<String, List<ProtoDescriptors.Method>> services = new TreeMap<>();
        for (TripleExporter<?> exporter : protocol.exporters()) {
            for (TripleMethod method : exporter.wireMethods()) {
                if (!method.protobuf()) {
                    continue;
                }
                MethodDescriptor.Kind kind = method.kind();
                services.computeIfAbsent(exporter.key().interfaceName(), name -> new ArrayList<>())
                        .add(new ProtoDescriptors.Method(method.wireName, method.descriptor.requestType(),
                                method.descriptor.responseType(), kind == MethodDescriptor.Kind.BIDI_STREAMING,
                                kind != MethodDescriptor.Kind.UNARY));
            }
        }
        return ProtoDescriptors.of(services);
    }
}
