package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.tern.cli.TernCli;
import io.tern.example.User;
import io.tern.example.UserService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.dubbo.config.ReferenceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tern.example.HelloReply;
import tern.example.HelloRequest;

/**
 * {@code tern serve} answering on its one port, at once: an Apache Dubbo 3.3.5 consumer over the
 * dubbo protocol, a Dubbo 3.3.5 Triple consumer, a grpc-java client of {@code tern.example.Greeter},
 * and curl with JSON.
 */
@Timeout(120)
class ServeOnePortInteropTest {

    private static final ByteArrayOutputStream OUT = new ByteArrayOutputStream();
    private static final AtomicInteger EXIT = new AtomicInteger(-1);
    private static Thread serving;
    private static int port;
    private static DubboPeer dubbo;

    @BeforeAll
    static void start() {
        PrintStream out = new PrintStream(OUT, true, StandardCharsets.UTF_8);
        serving = new Thread(() -> EXIT.set(TernCli.run(new String[] {"serve", "--port", "0"}, out,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))), "tern-serve");
        serving.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> output().contains("and on tri://"));
        Matcher listening = Pattern.compile("^listening on dubbo://127\\.0\\.0\\.1:(\\d+)\nand on tri://127\\.0\\.0\\.1:\\1 ")
                .matcher(output());
        assertThat(listening.find()).as(output()).isTrue();
        port = Integer.parseInt(listening.group(1));
        dubbo = DubboPeer.consumer("one-port-consumer", List.of());
    }

    private static synchronized String output() {
        return OUT.toString(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        dubbo.close();
        serving.interrupt();
        serving.join(30_000);
        assertThat(EXIT.get()).isZero();
    }

    private static UserService dubboReference(String protocol) {
        ReferenceConfig<UserService> reference = new ReferenceConfig<>();
        reference.setScopeModel(dubbo.module());
        reference.setInterface(UserService.class);
        reference.setProtocol(protocol);
        reference.setUrl(protocol + "://127.0.0.1:" + port);
        reference.setRetries(0);
        reference.setTimeout(10_000);
        return reference.get();
    }

    @Test
    void dubboOverTheDubboProtocolAndOverTripleCallTheSamePort() throws Exception {
        User overDubbo = dubboReference("dubbo").getUser(4);
        User overTriple = dubboReference("tri").getUser(4);
        assertThat(overTriple).usingRecursiveComparison().isEqualTo(overDubbo);
        assertThat(overTriple.getId()).isEqualTo(4);
        assertThat(dubboReference("tri").echo("tri")).isEqualTo("tri");
    }

    @Test
    void grpcJavaCallsTheProtobufGreeterOnThePort() throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            MethodDescriptor<HelloRequest, HelloReply> sayHello = method(MethodDescriptor.MethodType.UNARY, "SayHello");
            HelloReply reply = ClientCalls.blockingUnaryCall(channel, sayHello, CallOptions.DEFAULT
                    .withDeadlineAfter(10, TimeUnit.SECONDS), HelloRequest.newBuilder().setName("gRPC").build());
            assertThat(reply.getMessage()).isEqualTo("Hello, gRPC");

            List<String> letters = new ArrayList<>();
            Iterator<HelloReply> stream = ClientCalls.blockingServerStreamingCall(channel,
                    method(MethodDescriptor.MethodType.SERVER_STREAMING, "SayHelloStream"), CallOptions.DEFAULT,
                    HelloRequest.newBuilder().setName("ab").build());
            stream.forEachRemaining(r -> letters.add(r.getMessage()));
            assertThat(letters).containsExactly("Hello, a (1 of 2)", "Hello, b (2 of 2)");
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void curlCallsWithJsonOnThePort() throws Exception {
        Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "30", "-d", "[\"hi\"]", "-H",
                "content-type: application/json", "http://127.0.0.1:" + port + "/" + UserService.class.getName()
                        + "/echo").redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("\"hi\"");
    }

    private static MethodDescriptor<HelloRequest, HelloReply> method(MethodDescriptor.MethodType type, String name) {
        return MethodDescriptor.<HelloRequest, HelloReply>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("tern.example.Greeter", name))
                .setRequestMarshaller(ProtoUtils.marshaller(HelloRequest.getDefaultInstance()))
                .setResponseMarshaller(ProtoUtils.marshaller(HelloReply.getDefaultInstance())).build();
    }
}
