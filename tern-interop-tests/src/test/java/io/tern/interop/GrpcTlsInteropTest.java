package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
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
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.testing.TestCertificates;
import io.tern.testing.TestCertificates.Issued;
import io.tern.transport.tls.ClientTls;
import io.tern.transport.tls.ServerTls;
import io.tern.triple.TripleProtocol;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tern.example.Greeter;
import tern.example.GreeterImpl;
import tern.example.HelloReply;
import tern.example.HelloRequest;

/** grpc-java 1.85.1 and Tern's Triple over mutual TLS, both ways, with grpc-java's own TLS. */
@Timeout(120)
class GrpcTlsInteropTest {

    private static final MethodDescriptor<HelloRequest, HelloReply> SAY_HELLO = MethodDescriptor
            .<HelloRequest, HelloReply>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("tern.example.Greeter", "SayHello"))
            .setRequestMarshaller(ProtoUtils.marshaller(HelloRequest.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(HelloReply.getDefaultInstance())).build();
    private static final LifecycleTracker TRACKER = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);

    private static TestCertificates certificates;
    private static Issued grpcClient;
    private static TripleProtocol tern;
    private static Exporter<Greeter> exporter;
    private static Server grpcServer;
    private static Invoker<Greeter> invoker;

    @BeforeAll
    static void start() throws Exception {
        Path directory = Files.createTempDirectory("tern-grpc-tls");
        certificates = TestCertificates.create(directory);
        Issued ternServer = certificates.server("tern");
        Issued ternClient = certificates.client("tern-client");
        Issued grpcServerCert = certificates.server("grpc");
        grpcClient = certificates.client("grpc-client");

        tern = TripleProtocol.create(TRACKER, ClassPolicy.strict(),
                ServerTls.of(ternServer.cert(), ternServer.key()).withTrust(certificates.caCert()),
                ClientTls.trusting(certificates.caCert()).withKeyCert(ternClient.cert(), ternClient.key()));
        exporter = tern.export(Invokers.of(Greeter.class, new GreeterImpl(),
                ServiceUrl.parse("tri://127.0.0.1:0/" + Greeter.class.getName())));

        grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(grpcServerCert.cert().toFile(), grpcServerCert.key().toFile())
                        .trustManager(certificates.caCert().toFile()).clientAuth(ClientAuth.REQUIRE).build())
                .addService(ServerServiceDefinition.builder("tern.example.Greeter")
                        .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall((request, replies) -> {
                            replies.onNext(HelloReply.newBuilder().setMessage("grpc greets " + request.getName())
                                    .build());
                            replies.onCompleted();
                        })).build())
                .build().start();
        invoker = tern.refer(Greeter.class, ServiceUrl.parse("tri://127.0.0.1:" + grpcServer.getPort() + "/"
                + Greeter.class.getName() + "?timeout=10000"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        grpcServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        invoker.close();
        tern.close();
        invoker = null; // let go of what was closed: the tracker reports anything else still reachable
        exporter = null;
        tern = null; // it holds its TLS contexts, closed with it
        assertThat(TRACKER.counts(ResourceKind.CLIENT).live()).isZero();
    }

    private static ManagedChannel channel(boolean withCertificate) throws Exception {
        var ssl = GrpcSslContexts.forClient().trustManager(certificates.caCert().toFile());
        if (withCertificate) {
            ssl.keyManager(grpcClient.cert().toFile(), grpcClient.key().toFile());
        }
        return NettyChannelBuilder.forAddress("127.0.0.1", exporter.url().port()).sslContext(ssl.build()).build();
    }

    @Test
    void aGrpcClientCallsTernOverMutualTls() throws Exception {
        ManagedChannel channel = channel(true);
        try {
            HelloReply reply = ClientCalls.blockingUnaryCall(channel, SAY_HELLO,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    HelloRequest.newBuilder().setName("grpc").build());
            assertThat(reply.getMessage()).isEqualTo("Hello, grpc");
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        assertThat(tern.serverTlsContext().orElseThrow().handshakes()).isPositive();
    }

    @Test
    void aGrpcClientWithoutACertificateIsRefused() throws Exception {
        ManagedChannel channel = channel(false);
        try {
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, SAY_HELLO,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    HelloRequest.newBuilder().setName("anonymous").build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void ternCallsAGrpcServerOverMutualTls() {
        Greeter greeter = Proxies.create(invoker);
        assertThat(greeter.sayHello(HelloRequest.newBuilder().setName("tern").build()).getMessage())
                .isEqualTo("grpc greets tern");
    }
}
