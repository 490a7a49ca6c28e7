package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.tern.bootstrap.ServiceOptions;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tern.example.Greeter;
import tern.example.GreeterImpl;
import tern.example.HelloReply;

/**
 * gRPC server reflection on a Tern server, asked by grpc-java's reflection client as
 * {@code grpcurl} asks it: list the services, describe them from the files reflection sends,
 * and call a method built from those descriptors alone, with no {@code .proto} and no generated
 * class on the client's side. Over {@code v1} and the older {@code v1alpha}.
 */
@Timeout(60)
class GrpcReflectionInteropTest {

    private static TernServer server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() {
        server = Tern.server().application("described").host("127.0.0.1").port(0).triple(true)
                .service(Greeter.class, new GreeterImpl(), ServiceOptions::tripleOnly)
                .service(Greetings.class, request -> HelloReply.newBuilder().setMessage("Hi, " + request.getName())
                        .build(), ServiceOptions::tripleOnly)
                .service(GrpcHealthInteropTest.Counter.class, () -> 1).start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.close();
        server = null; // let go of what was closed: the tracker reports anything else still reachable
    }

    /** Sends each request on one reflection stream and returns the answers, in order. */
    private static List<ServerReflectionResponse> ask(ServerReflectionRequest... requests) throws Exception {
        CompletableFuture<List<ServerReflectionResponse>> done = new CompletableFuture<>();
        List<ServerReflectionResponse> answers = new ArrayList<>();
        StreamObserver<ServerReflectionRequest> out = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        answers.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(answers);
                    }
                });
        for (ServerReflectionRequest request : requests) {
            out.onNext(request);
        }
        out.onCompleted();
        return done.get(10, TimeUnit.SECONDS);
    }

    private static ServerReflectionRequest symbol(String name) {
        return ServerReflectionRequest.newBuilder().setFileContainingSymbol(name).build();
    }

    /** The files of an answer built into descriptors, each after the files it imports, as grpcurl builds them. */
    private static Map<String, FileDescriptor> build(ServerReflectionResponse answer) throws Exception {
        Map<String, FileDescriptorProto> protos = new HashMap<>();
        for (ByteString bytes : answer.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
            protos.put(proto.getName(), proto);
        }
        Map<String, FileDescriptor> built = new HashMap<>();
        for (String name : protos.keySet()) {
            build(name, protos, built);
        }
        return built;
    }

    private static FileDescriptor build(String name, Map<String, FileDescriptorProto> protos,
            Map<String, FileDescriptor> built) throws Exception {
        FileDescriptor done = built.get(name);
        if (done != null) {
            return done;
        }
        FileDescriptorProto proto = protos.get(name);
        assertThat(proto).as("the answer carries %s, which another of its files imports", name).isNotNull();
        List<FileDescriptor> imports = new ArrayList<>();
        for (String dependency : proto.getDependencyList()) {
            imports.add(build(dependency, protos, built));
        }
        FileDescriptor file = FileDescriptor.buildFrom(proto, imports.toArray(FileDescriptor[]::new));
        built.put(name, file);
        return file;
    }

    private static ServiceDescriptor service(Map<String, FileDescriptor> files, String fullName) {
        return files.values().stream().flatMap(f -> f.getServices().stream())
                .filter(s -> s.getFullName().equals(fullName)).findFirst().orElseThrow();
    }

    @Test
    void listsTheProtobufServicesAndTheHealthService() throws Exception {
        ServerReflectionRequest list = ServerReflectionRequest.newBuilder().setListServices("*").build();
        ServerReflectionResponse answer = ask(list).get(0);
        assertThat(answer.getOriginalRequest()).isEqualTo(list);
        assertThat(answer.getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
                .containsExactly("grpc.health.v1.Health", Greetings.class.getName(), "tern.example.Greeter");

        // the older name, as older grpcurl and tools ask it
        io.grpc.reflection.v1alpha.ServerReflectionResponse old = ClientCalls.blockingServerStreamingCall(
                channel, io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServerReflectionInfoMethod()
                        .toBuilder().setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING).build(),
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder().setListServices("").build()).next();
        assertThat(old.getListServicesResponse().getServiceList())
                .extracting(io.grpc.reflection.v1alpha.ServiceResponse::getName).contains("tern.example.Greeter");
    }

    @Test
    void describesAServiceFromItsOwnProtoFile() throws Exception {
        List<ServerReflectionResponse> answers = ask(symbol("tern.example.Greeter"),
                symbol("tern.example.Greeter.SayHelloStream"), symbol("tern.example.HelloRequest"));
        Map<String, FileDescriptor> files = build(answers.get(0));
        ServiceDescriptor greeter = service(files, "tern.example.Greeter");
        assertThat(greeter.getFile().getName()).isEqualTo("tern/example/greeter.proto");
        assertThat(greeter.getMethods()).extracting(MethodDescriptor::getName)
                .containsExactly("SayHello", "SayHelloStream", "Chat");
        assertThat(greeter.findMethodByName("Chat").isClientStreaming()).isTrue();
        for (ServerReflectionResponse answer : answers) {
            assertThat(build(answer)).as("a method and a message are found in the same file")
                    .containsKey("tern/example/greeter.proto");
        }
        ServerReflectionResponse byName = ask(ServerReflectionRequest.newBuilder()
                .setFileByFilename("tern/example/greeter.proto").build()).get(0);
        assertThat(build(byName)).containsKey("tern/example/greeter.proto");
    }

    @Test
    void describesAJavaInterfaceOverGeneratedMessagesAndCallsItFromTheDescriptorsAlone() throws Exception {
        String name = Greetings.class.getName();
        Map<String, FileDescriptor> files = build(ask(symbol(name)).get(0));
        ServiceDescriptor service = service(files, name);
        assertThat(service.getFile().getName()).isEqualTo(name.replace('.', '/') + ".tern.proto");
        assertThat(service.getFile().getDependencies()).extracting(FileDescriptor::getName)
                .containsExactly("tern/example/greeter.proto");
        MethodDescriptor greet = service.findMethodByName("Greet");
        assertThat(greet.isClientStreaming() || greet.isServerStreaming()).isFalse();

        // as grpcurl calls: request and answer as dynamic messages of the reflected types
        Descriptor requestType = greet.getInputType();
        DynamicMessage request = DynamicMessage.newBuilder(requestType)
                .setField(requestType.findFieldByName("name"), "reflection").build();
        io.grpc.MethodDescriptor<DynamicMessage, DynamicMessage> call = io.grpc.MethodDescriptor
                .<DynamicMessage, DynamicMessage>newBuilder().setType(io.grpc.MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(name, "Greet"))
                .setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(requestType)))
                .setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(greet.getOutputType())))
                .build();
        DynamicMessage reply = ClientCalls.blockingUnaryCall(channel, call,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
        assertThat(reply.getField(greet.getOutputType().findFieldByName("message"))).isEqualTo("Hi, reflection");
    }

    @Test
    void describesTheHealthServiceAndSaysWhatItCannotFind() throws Exception {
        List<ServerReflectionResponse> answers = ask(symbol("grpc.health.v1.Health"),
                symbol("no.such.Symbol"), symbol(GrpcHealthInteropTest.Counter.class.getName()),
                ServerReflectionRequest.newBuilder().setAllExtensionNumbersOfType("tern.example.HelloRequest").build(),
                ServerReflectionRequest.newBuilder().setAllExtensionNumbersOfType("no.such.Type").build());
        ServiceDescriptor health = service(build(answers.get(0)), "grpc.health.v1.Health");
        assertThat(health.findMethodByName("Watch").isServerStreaming()).isTrue();
        assertThat(health.findMethodByName("Check").getOutputType().findFieldByName("status").getEnumType()
                .findValueByName("NOT_SERVING").getNumber()).isEqualTo(2);

        assertThat(answers.get(1).getErrorResponse().getErrorCode()).isEqualTo(5); // NOT_FOUND
        assertThat(answers.get(1).getErrorResponse().getErrorMessage()).startsWith("not found: symbol no.such.Symbol");
        assertThat(answers.get(2).getErrorResponse().getErrorCode()).as("a plain Java interface has no .proto")
                .isEqualTo(5);
        assertThat(answers.get(3).getAllExtensionNumbersResponse().getBaseTypeName())
                .isEqualTo("tern.example.HelloRequest");
        assertThat(answers.get(3).getAllExtensionNumbersResponse().getExtensionNumberList()).isEmpty();
        assertThat(answers.get(4).getErrorResponse().getErrorCode()).isEqualTo(5);
    }
}
