package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCalls;
import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.StreamObserver;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.triple.TripleProtocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tern.example.Greeter;
import tern.example.GreeterImpl;
import tern.example.HelloReply;
import tern.example.HelloRequest;

/**
 * grpc-java 1.85.1 and Tern's Triple both ways over {@code tern.example.Greeter} (protobuf):
 * a grpc-java client calling a Tern provider, and a Tern consumer calling a grpc-java server.
 * Unary calls, a server stream, a bidirectional chat, deadlines, cancellation and status codes.
 * grpc-java's side is written without generated stubs, from method descriptors.
 */
@Timeout(120)
class GrpcInteropTest {

    private static final String SERVICE = "tern.example.Greeter";
    private static final MethodDescriptor<HelloRequest, HelloReply> SAY_HELLO =
            method(MethodDescriptor.MethodType.UNARY, "SayHello");
    private static final MethodDescriptor<HelloRequest, HelloReply> SAY_HELLO_STREAM =
            method(MethodDescriptor.MethodType.SERVER_STREAMING, "SayHelloStream");
    private static final MethodDescriptor<HelloRequest, HelloReply> CHAT =
            method(MethodDescriptor.MethodType.BIDI_STREAMING, "Chat");
    private static final MethodDescriptor<HelloRequest, HelloReply> WAVE =
            method(MethodDescriptor.MethodType.UNARY, "Wave");

    private static final LifecycleTracker TRACKER = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
    private static final TernGreeter TERN_SIDE = new TernGreeter();
    private static final GrpcGreeter GRPC_SIDE = new GrpcGreeter();
    private static TripleProtocol tern;
    private static Exporter<Greeter> exporter;
    private static ManagedChannel channel;
    private static Server grpcServer;
    private static Invoker<Greeter> invoker;
    private static Greeter greeter;

    @BeforeAll
    static void start() throws IOException {
        tern = TripleProtocol.create(TRACKER, ClassPolicy.strict());
        exporter = tern.export(Invokers.of(Greeter.class, TERN_SIDE,
                ServiceUrl.parse("tri://127.0.0.1:0/" + Greeter.class.getName())));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", exporter.url().port()).usePlaintext().build();

        grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(GRPC_SIDE.definition()).build().start();
        invoker = tern.refer(Greeter.class, ServiceUrl.parse("tri://127.0.0.1:" + grpcServer.getPort() + "/"
                + Greeter.class.getName() + "?timeout=300"));
        greeter = Proxies.create(invoker);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        grpcServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        invoker.close();
        tern.close();
        invoker = null; // let go of what was closed: the tracker reports anything else still reachable
        greeter = null;
        exporter = null;
        assertThat(TRACKER.counts(ResourceKind.SERVER).live()).isZero();
        assertThat(TRACKER.counts(ResourceKind.CLIENT).live()).isZero();
    }

    /** A method of tern.example.Greeter as grpc-java calls it, without generated stubs. */
    static MethodDescriptor<HelloRequest, HelloReply> method(MethodDescriptor.MethodType type, String name) {
        return MethodDescriptor.<HelloRequest, HelloReply>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(HelloRequest.getDefaultInstance()))
                .setResponseMarshaller(ProtoUtils.marshaller(HelloReply.getDefaultInstance())).build();
    }

    private static HelloRequest hello(String name) {
        return HelloRequest.newBuilder().setName(name).build();
    }

    private static HelloReply reply(String message) {
        return HelloReply.newBuilder().setMessage(message).build();
    }

    // grpc-java client → Tern provider

    @Test
    void aGrpcClientCallsTernUnaryStreamingAndBidirectional() {
        assertThat(ClientCalls.blockingUnaryCall(channel, SAY_HELLO, CallOptions.DEFAULT, hello("grpc")).getMessage())
                .isEqualTo("Hello, grpc");

        List<String> letters = new ArrayList<>();
        Iterator<HelloReply> stream = ClientCalls.blockingServerStreamingCall(channel, SAY_HELLO_STREAM,
                CallOptions.DEFAULT, hello("Tern"));
        stream.forEachRemaining(r -> letters.add(r.getMessage()));
        assertThat(letters).containsExactly("Hello, T (1 of 4)", "Hello, e (2 of 4)", "Hello, r (3 of 4)",
                "Hello, n (4 of 4)");

        GrpcRecorder replies = new GrpcRecorder();
        io.grpc.stub.StreamObserver<HelloRequest> requests = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(CHAT, CallOptions.DEFAULT), replies);
        for (String name : List.of("Ann", "Bo", "Cy")) {
            requests.onNext(hello(name));
        }
        requests.onCompleted();
        assertThat(replies.awaitEnd()).isNull();
        assertThat(replies.messages).containsExactly("Hello, Ann", "Hello, Bo", "Hello, Cy");
    }

    @Test
    void aGrpcDeadlineReachesTernAndStopsTheServicesWork() {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
                channel, SAY_HELLO, CallOptions.DEFAULT.withDeadlineAfter(200, TimeUnit.MILLISECONDS), hello("slow")));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(TERN_SIDE.slowInterrupted.orTimeout(30, TimeUnit.SECONDS).join()).isTrue();
    }

    @Test
    void aGrpcClientCancellingAStreamStopsTernsWriter() {
        GrpcRecorder replies = new GrpcRecorder() {
            @Override
            public void onNext(HelloReply value) {
                super.onNext(value);
                if (messages.size() == 5) {
                    stream.cancel("enough", null);
                }
            }
        };
        ClientCalls.asyncServerStreamingCall(channel.newCall(SAY_HELLO_STREAM, CallOptions.DEFAULT), hello("endless"),
                replies);
        assertThat(Status.fromThrowable(replies.awaitEnd()).getCode()).isEqualTo(Status.Code.CANCELLED);
        RpcException stopped = TERN_SIDE.endlessStopped.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(stopped.status()).isEqualTo(RpcStatus.CANCELLED);
    }

    @Test
    void ternFailuresReachTheGrpcClientAsTheirStatus() {
        StatusRuntimeException invalid = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, SAY_HELLO, CallOptions.DEFAULT, hello("")));
        assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(invalid.getStatus().getDescription()).isEqualTo("name: empty (expected: a name)");

        StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, SAY_HELLO, CallOptions.DEFAULT, hello("boom")));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
        assertThat(unknown.getStatus().getDescription()).isEqualTo("boom went the service");

        StatusRuntimeException unimplemented = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, WAVE, CallOptions.DEFAULT, hello("x")));
        assertThat(unimplemented.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(unimplemented.getStatus().getDescription()).startsWith("method not found: tern.example.Greeter.Wave");
    }

    // Tern consumer → grpc-java server

    @Test
    void ternCallsAGrpcServerUnaryStreamingAndBidirectional() {
        assertThat(greeter.sayHello(hello("tern")).getMessage()).isEqualTo("grpc says hello to tern");

        TernRecorder letters = new TernRecorder();
        greeter.sayHelloStream(hello("abc"), letters);
        assertThat(letters.awaitEnd()).isNull();
        assertThat(letters.messages).containsExactly("grpc: a", "grpc: b", "grpc: c");

        TernRecorder replies = new TernRecorder();
        StreamObserver<HelloRequest> requests = greeter.chat(replies);
        for (String name : List.of("Ann", "Bo")) {
            requests.onNext(hello(name));
        }
        requests.onCompleted();
        assertThat(replies.awaitEnd()).isNull();
        assertThat(replies.messages).containsExactly("grpc chats with Ann", "grpc chats with Bo");
    }

    @Test
    void ternsTimeoutBecomesTheGrpcServersDeadline() {
        RpcException e = catchThrowableOfType(RpcException.class, () -> greeter.sayHello(hello("slow")));
        assertThat(e.status()).isEqualTo(RpcStatus.TIMEOUT);
        assertThat(GRPC_SIDE.slowCancelled.orTimeout(30, TimeUnit.SECONDS).join()).isTrue();
    }

    @Test
    void ternCancellingAChatCancelsTheGrpcServersSide() {
        GRPC_SIDE.chatEnded = new CompletableFuture<>();
        TernRecorder replies = new TernRecorder();
        StreamObserver<HelloRequest> requests = greeter.chat(replies);
        requests.onNext(hello("first"));
        org.awaitility.Awaitility.await().until(() -> replies.messages.size() == 1);
        requests.onError(new IllegalStateException("leaving"));
        Throwable serverSide = GRPC_SIDE.chatEnded.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(Status.fromThrowable(serverSide).getCode()).isEqualTo(Status.Code.CANCELLED);
        assertThat(((RpcException) replies.awaitEnd()).status()).isEqualTo(RpcStatus.CANCELLED);
    }

    @Test
    void grpcStatusesReachTernAsTheirStatus() {
        RpcException invalid = catchThrowableOfType(RpcException.class, () -> greeter.sayHello(hello("")));
        assertThat(invalid.status()).isEqualTo(RpcStatus.BAD_REQUEST);
        assertThat(invalid).hasMessageContaining("INVALID_ARGUMENT: name: empty");

        RpcException denied = catchThrowableOfType(RpcException.class, () -> greeter.sayHello(hello("mallory")));
        assertThat(denied.status()).isEqualTo(RpcStatus.FORBIDDEN);
        assertThat(denied).hasMessageContaining("PERMISSION_DENIED: not you, mallory");
    }

    /** Tern's side: the example greeter, plus names that make it fail, stall or stream forever. */
    static final class TernGreeter implements Greeter {
        final CompletableFuture<Boolean> slowInterrupted = new CompletableFuture<>();
        final CompletableFuture<RpcException> endlessStopped = new CompletableFuture<>();
        private final GreeterImpl example = new GreeterImpl();

        @Override
        public HelloReply sayHello(HelloRequest request) {
            switch (request.getName()) {
                case "" -> throw new RpcException(RpcStatus.BAD_REQUEST, "name: empty (expected: a name)");
                case "boom" -> throw new IllegalStateException("boom went the service");
                case "slow" -> {
                    try {
                        Thread.sleep(30_000);
                        slowInterrupted.complete(false);
                    } catch (InterruptedException e) {
                        slowInterrupted.complete(true);
                    }
                    return reply("late");
                }
                default -> {
                    return example.sayHello(request);
                }
            }
        }

        @Override
        public void sayHelloStream(HelloRequest request, StreamObserver<HelloReply> replies) {
            if (!request.getName().equals("endless")) {
                example.sayHelloStream(request, replies);
                return;
            }
            try {
                for (int i = 0; ; i++) {
                    replies.onNext(reply("again " + i));
                }
            } catch (RpcException e) {
                endlessStopped.complete(e);
            }
        }

        @Override
        public StreamObserver<HelloRequest> chat(StreamObserver<HelloReply> replies) {
            return example.chat(replies);
        }
    }

    /** grpc-java's side, built from the method descriptors. */
    static final class GrpcGreeter {
        final CompletableFuture<Boolean> slowCancelled = new CompletableFuture<>();
        /** How the latest chat ended on the server: null when completed. */
        volatile CompletableFuture<Throwable> chatEnded = new CompletableFuture<>();

        ServerServiceDefinition definition() {
            return ServerServiceDefinition.builder(SERVICE)
                    .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall(this::sayHello))
                    .addMethod(SAY_HELLO_STREAM, ServerCalls.asyncServerStreamingCall((request, replies) -> {
                        for (char c : request.getName().toCharArray()) {
                            replies.onNext(reply("grpc: " + c));
                        }
                        replies.onCompleted();
                    }))
                    .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(
                            (io.grpc.stub.StreamObserver<HelloReply> replies) -> new io.grpc.stub.StreamObserver<HelloRequest>() {
                        @Override
                        public void onNext(HelloRequest request) {
                            replies.onNext(reply("grpc chats with " + request.getName()));
                        }

                        @Override
                        public void onError(Throwable error) {
                            chatEnded.complete(error);
                        }

                        @Override
                        public void onCompleted() {
                            replies.onCompleted();
                            chatEnded.complete(null);
                        }
                    }))
                    .build();
        }

        private void sayHello(HelloRequest request, io.grpc.stub.StreamObserver<HelloReply> replies) {
            switch (request.getName()) {
                case "" -> replies.onError(Status.INVALID_ARGUMENT.withDescription("name: empty").asRuntimeException());
                case "mallory" -> replies.onError(Status.PERMISSION_DENIED.withDescription("not you, mallory")
                        .asRuntimeException());
                case "slow" -> Context.current().addListener(
                        context -> slowCancelled.complete(context.getDeadline() != null), Runnable::run);
                default -> {
                    replies.onNext(reply("grpc says hello to " + request.getName()));
                    replies.onCompleted();
                }
            }
        }
    }

    /** Records a grpc-java call's answers. */
    static class GrpcRecorder implements ClientResponseObserver<HelloRequest, HelloReply> {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();
        ClientCallStreamObserver<HelloRequest> stream;

        @Override
        public void beforeStart(ClientCallStreamObserver<HelloRequest> requestStream) {
            this.stream = requestStream;
        }

        @Override
        public void onNext(HelloReply value) {
            messages.add(value.getMessage());
        }

        @Override
        public void onError(Throwable error) {
            end.complete(error);
        }

        @Override
        public void onCompleted() {
            end.complete(null);
        }

        Throwable awaitEnd() {
            return end.orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    /** Records a Tern call's answers. */
    static final class TernRecorder implements StreamObserver<HelloReply> {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();

        @Override
        public void onNext(HelloReply value) {
            messages.add(value.getMessage());
        }

        @Override
        public void onError(Throwable error) {
            end.complete(error);
        }

        @Override
        public void onCompleted() {
            end.complete(null);
        }

        Throwable awaitEnd() {
            return end.orTimeout(30, TimeUnit.SECONDS).join();
        }
    }
}
