package io.tern.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.tern.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import tern.example.Greeter;
import tern.example.GreeterImpl;
import tern.example.HelloReply;
import tern.example.HelloRequest;

/**
 * grpc-java 1.85.1 as the benchmarks run it: its Netty transport with default settings, serving
 * and calling {@code tern.example.Greeter} of {@code greeter.proto} through method descriptors
 * (the same calls generated stubs make), with {@link GreeterImpl}'s answers on both sides.
 */
final class GrpcSide {

    private static final String SERVICE = "tern.example.Greeter";
    private static final MethodDescriptor<HelloRequest, HelloReply> SAY_HELLO =
            method(MethodDescriptor.MethodType.UNARY, "SayHello");
    private static final MethodDescriptor<HelloRequest, HelloReply> SAY_HELLO_STREAM =
            method(MethodDescriptor.MethodType.SERVER_STREAMING, "SayHelloStream");
    private static final MethodDescriptor<HelloRequest, HelloReply> CHAT =
            method(MethodDescriptor.MethodType.BIDI_STREAMING, "Chat");

    private GrpcSide() {
    }

    private static MethodDescriptor<HelloRequest, HelloReply> method(MethodDescriptor.MethodType type, String name) {
        return MethodDescriptor.<HelloRequest, HelloReply>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(HelloRequest.getDefaultInstance()))
                .setResponseMarshaller(ProtoUtils.marshaller(HelloReply.getDefaultInstance())).build();
    }

    /** A grpc-java server of {@link GreeterImpl} on 127.0.0.1 and a free port. */
    static Server serve() throws IOException {
        Greeter greeter = new GreeterImpl();
        ServerServiceDefinition definition = ServerServiceDefinition.builder(SERVICE)
                .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall((request, replies) -> {
                    replies.onNext(greeter.sayHello(request));
                    replies.onCompleted();
                }))
                .addMethod(SAY_HELLO_STREAM, ServerCalls.asyncServerStreamingCall(
                        (request, replies) -> greeter.sayHelloStream(request, tern(replies))))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(replies -> grpc(greeter.chat(tern(replies)))))
                .build();
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(definition).build()
                .start();
    }

    /** A grpc-java channel to {@code port}, plaintext. */
    static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** Closes a channel, waiting for its calls to end. */
    static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    /** A {@link Greeter} calling grpc-java's {@code channel}, as a generated stub would. */
    static Greeter client(ManagedChannel channel) {
        return new Greeter() {
            @Override
            public HelloReply sayHello(HelloRequest request) {
                return ClientCalls.blockingUnaryCall(channel, SAY_HELLO, CallOptions.DEFAULT, request);
            }

            @Override
            public void sayHelloStream(HelloRequest request, StreamObserver<HelloReply> replies) {
                ClientCalls.asyncServerStreamingCall(channel.newCall(SAY_HELLO_STREAM, CallOptions.DEFAULT), request,
                        grpc(replies));
            }

            @Override
            public StreamObserver<HelloRequest> chat(StreamObserver<HelloReply> replies) {
                return tern(ClientCalls.asyncBidiStreamingCall(channel.newCall(CHAT, CallOptions.DEFAULT),
                        grpc(replies)));
            }
        };
    }

    private static <T> StreamObserver<T> tern(io.grpc.stub.StreamObserver<T> observer) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                observer.onNext(value);
            }

            @Override
            public void onError(Throwable error) {
                observer.onError(error);
            }

            @Override
            public void onCompleted() {
                observer.onCompleted();
            }
        };
    }

    private static <T> io.grpc.stub.StreamObserver<T> grpc(StreamObserver<T> observer) {
        return new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(T value) {
                observer.onNext(value);
            }

            @Override
            public void onError(Throwable error) {
                observer.onError(error);
            }

            @Override
            public void onCompleted() {
                observer.onCompleted();
            }
        };
    }
}
