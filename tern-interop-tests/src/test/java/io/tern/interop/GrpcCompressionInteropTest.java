package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Compressor;
import io.grpc.CompressorRegistry;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.triple.TripleProtocol;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.List;
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
 * gRPC message compression ({@code grpc-encoding: gzip}) between Tern's Triple and grpc-java
 * 1.85.1, both directions and both roles, with what each side's headers say; a message that
 * would inflate past the 8 MiB limit refused while it inflates; an encoding Tern does not read
 * answered UNIMPLEMENTED with what it does read.
 */
@Timeout(120)
class GrpcCompressionInteropTest {

    private static final String SERVICE = "tern.example.Greeter";
    private static final MethodDescriptor<HelloRequest, HelloReply> SAY_HELLO = GrpcInteropTest.method(
            MethodDescriptor.MethodType.UNARY, "SayHello");
    private static final MethodDescriptor<HelloRequest, HelloReply> SAY_HELLO_STREAM = GrpcInteropTest.method(
            MethodDescriptor.MethodType.SERVER_STREAMING, "SayHelloStream");

    private static TripleProtocol tern;
    /** The same Greeter exported twice on one port: plain, and in group {@code gzip} answering gzip. */
    private static Exporter<Greeter> plain;
    private static Exporter<Greeter> compressing;
    private static ManagedChannel channel;
    private static Server grpcServer;
    /** Headers grpc-java's server saw on each call, and those its client saw on each answer. */
    private static final List<Metadata> SERVER_SAW = new CopyOnWriteArrayList<>();
    private static final List<Metadata> CLIENT_SAW = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        tern = TripleProtocol.create(LifecycleTracker.global(), ClassPolicy.strict());
        plain = tern.export(Invokers.of(Greeter.class, new GreeterImpl(),
                ServiceUrl.parse("tri://127.0.0.1:0/" + SERVICE)));
        compressing = tern.export(Invokers.of(Greeter.class, new GreeterImpl(),
                ServiceUrl.parse("tri://127.0.0.1:" + plain.url().port() + "/" + SERVICE
                        + "?group=gzip&compression=gzip")));
        Compressor unknown = new Compressor() {
            @Override
            public String getMessageEncoding() {
                return "x-unknown";
            }

            @Override
            public OutputStream compress(OutputStream os) {
                return os;
            }
        };
        CompressorRegistry compressors = CompressorRegistry.getDefaultInstance();
        compressors.register(unknown);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", plain.url().port()).usePlaintext()
                .compressorRegistry(compressors).intercept(new HeadersSeen()).build();

        ServerServiceDefinition greeter = ServerServiceDefinition.builder(SERVICE)
                .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall((request, replies) -> {
                    replies.onNext(HelloReply.newBuilder().setMessage("grpc: " + request.getName()).build());
                    replies.onCompleted();
                })).build();
        grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(greeter, new CompressAnswers())).build().start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        grpcServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        tern.close();
        plain = null; // let go of what was closed: the tracker reports anything else still reachable
        compressing = null;
    }

    private static HelloRequest hello(String name) {
        return HelloRequest.newBuilder().setName(name).build();
    }

    private static final Metadata.Key<String> ENCODING = Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> ACCEPT = Metadata.Key.of("grpc-accept-encoding",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> GROUP = Metadata.Key.of("tri-service-group",
            Metadata.ASCII_STRING_MARSHALLER);

    private static CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static Channel inGroup(String group) {
        Metadata headers = new Metadata();
        headers.put(GROUP, group);
        return ClientInterceptors.intercept(channel, io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void grpcJavaCompressingReachesTernAndTernAdvertisesGzip() {
        CLIENT_SAW.clear();
        HelloReply reply = ClientCalls.blockingUnaryCall(channel, SAY_HELLO, options().withCompression("gzip"),
                hello("gzip ".repeat(1000)));
        assertThat(reply.getMessage()).isEqualTo("Hello, " + "gzip ".repeat(1000));
        assertThat(CLIENT_SAW.get(0).get(ACCEPT)).as("Tern says what it reads").isEqualTo("gzip");
        assertThat(CLIENT_SAW.get(0).get(ENCODING)).as("a plain service answers uncompressed").isNull();
    }

    @Test
    void aTernServiceWithCompressionAnswersGzipThatGrpcJavaReads() {
        CLIENT_SAW.clear();
        HelloReply reply = ClientCalls.blockingUnaryCall(inGroup("gzip"), SAY_HELLO, options(), hello("squeezed"));
        assertThat(reply.getMessage()).isEqualTo("Hello, squeezed");
        assertThat(CLIENT_SAW.get(0).get(ENCODING)).isEqualTo("gzip");

        CLIENT_SAW.clear();
        Iterator<HelloReply> stream = ClientCalls.blockingServerStreamingCall(inGroup("gzip"), SAY_HELLO_STREAM,
                options(), hello("abc"));
        assertThat(stream).toIterable().extracting(HelloReply::getMessage)
                .containsExactly("Hello, a (1 of 3)", "Hello, b (2 of 3)", "Hello, c (3 of 3)");
        assertThat(CLIENT_SAW.get(0).get(ENCODING)).as("a server stream's messages too").isEqualTo("gzip");
    }

    @Test
    void aTernConsumerWithCompressionSendsGzipAndReadsGrpcJavasGzipAnswers() {
        SERVER_SAW.clear();
        Invoker<Greeter> invoker = tern.refer(Greeter.class, ServiceUrl.parse("tri://127.0.0.1:" + grpcServer.getPort()
                + "/" + SERVICE + "?compression=gzip&timeout=5000"));
        try {
            Greeter greeter = Proxies.create(invoker);
            assertThat(greeter.sayHello(hello("tern")).getMessage()).isEqualTo("grpc: tern");
            assertThat(SERVER_SAW.get(0).get(ENCODING)).isEqualTo("gzip");
            assertThat(SERVER_SAW.get(0).get(ACCEPT)).contains("gzip");
        } finally {
            invoker.close();
        }
        Invoker<Greeter> plainInvoker = tern.refer(Greeter.class, ServiceUrl.parse("tri://127.0.0.1:"
                + grpcServer.getPort() + "/" + SERVICE + "?timeout=5000"));
        try {
            SERVER_SAW.clear();
            assertThat(Proxies.create(plainInvoker).sayHello(hello("plain")).getMessage())
                    .as("still reading the gzip grpc-java answers").isEqualTo("grpc: plain");
            assertThat(SERVER_SAW.get(0).get(ENCODING)).isNull();
        } finally {
            plainInvoker.close();
        }
        assertThatRefusedAtOnce("tri://127.0.0.1:1/" + SERVICE + "?compression=snappy");
    }

    private static void assertThatRefusedAtOnce(String url) {
        IllegalArgumentException refused = catchThrowableOfType(IllegalArgumentException.class,
                () -> tern.refer(Greeter.class, ServiceUrl.parse(url)));
        assertThat(refused).hasMessage("compression: 'snappy' (expected: gzip or identity)");
    }

    @Test
    void aMessageInflatingPastTheLimitIsRefusedWhileItInflates() {
        // 9 MiB of one letter: about 9 KB once compressed, under every limit until it inflates
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, SAY_HELLO, options().withCompression("gzip"),
                        hello("a".repeat(9 * 1024 * 1024))));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(refused.getStatus().getDescription()).contains("gRPC message inflates past 8388608 bytes");
        assertThat(ClientCalls.blockingUnaryCall(channel, SAY_HELLO, options(), hello("after")).getMessage())
                .as("the connection still serves").isEqualTo("Hello, after");
    }

    @Test
    void anEncodingTernDoesNotReadIsUnimplementedWithWhatItReads() {
        CLIENT_SAW.clear();
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, SAY_HELLO, options().withCompression("x-unknown"),
                        hello("?")));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(refused.getStatus().getDescription()).isEqualTo("grpc-encoding: x-unknown (expected: gzip or identity)");
        assertThat(refused.getTrailers().get(ACCEPT)).isEqualTo("gzip");
    }

    @Test
    void aTernProviderCannotBeExportedWithACompressionItDoesNotHave() {
        IllegalArgumentException refused = catchThrowableOfType(IllegalArgumentException.class,
                () -> tern.export(Invokers.of(Greeter.class, new GreeterImpl(),
                        ServiceUrl.parse("tri://127.0.0.1:0/" + SERVICE + "?group=x&compression=zstd"))));
        assertThat(refused).hasMessage("compression: 'zstd' (expected: gzip or identity)");
        assertThat(tern.stats().exportedCount()).as("nothing more was exported").isEqualTo(2);
    }

    /** Records the headers of each answer grpc-java's client reads. */
    private static final class HeadersSeen implements ClientInterceptor {
        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<A> listener, Metadata headers) {
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onHeaders(Metadata answerHeaders) {
                            CLIENT_SAW.add(answerHeaders);
                            super.onHeaders(answerHeaders);
                        }
                    }, headers);
                }
            };
        }
    }

    /** Records each call's headers on grpc-java's server, and compresses its answers (when the client reads gzip). */
    private static final class CompressAnswers implements ServerInterceptor {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                ServerCallHandler<Q, A> next) {
            SERVER_SAW.add(headers);
            call.setCompression("gzip");
            return next.startCall(call, headers);
        }
    }
}
