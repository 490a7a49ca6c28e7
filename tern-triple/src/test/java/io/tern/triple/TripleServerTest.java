package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.serialization.Hessian2Serialization;
import io.tern.serialization.ObjectOutput;
import io.tern.triple.internal.GrpcDeframer;
import io.tern.triple.internal.TripleRequestWrapper;
import io.tern.triple.internal.TripleResponseWrapper;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tern's Triple server from a plain HTTP/2 client: what it answers to calls it cannot make, that
 * it keeps serving after them, and that unexporting its last service closes it.
 */
@Timeout(60)
class TripleServerTest {

    public interface Greeter {
        String greet(String name);
    }

    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private TripleProtocol protocol;
    private Exporter<Greeter> exporter;
    private Channel connection;

    /** A stream's answer: its header blocks (headers, trailers) and the bytes of its DATA. */
    private record Answer(List<Http2Headers> headers, byte[] data) {
        String status() {
            return headers.get(headers.size() - 1).get("grpc-status").toString();
        }

        String message() {
            CharSequence message = headers.get(headers.size() - 1).get("grpc-message");
            return message == null ? "" : GrpcStatus.decodeMessage(message.toString());
        }
    }

    private static String greet(String name) {
        if (name.equals("slow")) {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return "Hello, " + name;
    }

    @BeforeEach
    void start() throws Exception {
        protocol = TripleProtocol.create(tracker, ClassPolicy.strict());
        exporter = protocol.export(Invokers.of(Greeter.class, TripleServerTest::greet,
                ServiceUrl.parse("tri://127.0.0.1:0/" + Greeter.class.getName() + "?version=1.0.0")));
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new SimpleChannelInboundHandler<Object>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                    }
                                }));
                    }
                }).connect("127.0.0.1", exporter.url().port()).sync().channel();
    }

    @AfterEach
    void stop() {
        connection.close().syncUninterruptibly();
        protocol.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Answer call(Http2Headers headers, List<ByteBuf> data) throws Exception {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        List<Http2Headers> blocks = new ArrayList<>();
        ByteBuf body = Unpooled.buffer();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection)
                .handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
                        boolean end = false;
                        if (frame instanceof Http2HeadersFrame h) {
                            blocks.add(h.headers());
                            end = h.isEndStream();
                        } else if (frame instanceof Http2DataFrame d) {
                            body.writeBytes(d.content());
                            end = d.isEndStream();
                        }
                        if (end) {
                            answer.complete(new Answer(blocks, ByteBufUtil.getBytes(body)));
                            body.release();
                        }
                    }
                }).open().sync().getNow();
        stream.write(new DefaultHttp2HeadersFrame(headers, data.isEmpty()));
        for (int i = 0; i < data.size(); i++) {
            stream.write(new DefaultHttp2DataFrame(data.get(i), i == data.size() - 1));
        }
        stream.flush();
        return answer.get(10, TimeUnit.SECONDS);
    }

    private static Http2Headers request(String path) {
        return new DefaultHttp2Headers().method("POST").scheme("http").path(path)
                .set("content-type", "application/grpc+proto").set("te", "trailers").set("tri-service-version", "1.0.0");
    }

    private static ByteBuf greetMessage(String name) {
        ByteBuf arg = Unpooled.buffer();
        try (ObjectOutput out = new Hessian2Serialization(ClassPolicy.strict()).output(arg)) {
            out.writeObject(name);
        }
        byte[] wrapper = new TripleRequestWrapper("hessian4", List.of(ByteBufUtil.getBytes(arg)),
                List.of("java.lang.String")).encode();
        arg.release();
        return GrpcDeframer.frame(Unpooled.buffer().alloc(), wrapper);
    }

    private static String greetPath() {
        return "/" + Greeter.class.getName() + "/greet";
    }

    @Test
    void aUnaryCallIsAnsweredWithHeadersAMessageAndTrailers() throws Exception {
        Answer answer = call(request(greetPath()), List.of(greetMessage("Tern")));
        assertThat(answer.headers()).hasSize(2);
        assertThat(answer.headers().get(0).status().toString()).isEqualTo("200");
        assertThat(answer.headers().get(0).get("content-type").toString()).isEqualTo("application/grpc");
        assertThat(answer.status()).isEqualTo("0");
        byte[] data = answer.data();
        byte[] message = java.util.Arrays.copyOfRange(data, GrpcDeframer.HEADER, data.length);
        TripleResponseWrapper response = TripleResponseWrapper.decode(message);
        assertThat(response.type()).isEqualTo("java.lang.String");
        assertThat(new String(response.data(), StandardCharsets.UTF_8)).contains("Hello, Tern");
    }

    @Test
    void callsThatCannotBeMadeGetTheirStatusAndTheServerKeepsServing() throws Exception {
        Answer unknownService = call(request("/io.tern.Nothing/greet"), List.of(greetMessage("x")));
        assertThat(unknownService.status()).isEqualTo("12");
        assertThat(unknownService.message()).isEqualTo("service not found: io.tern.Nothing (expected: one exported here)");

        Answer unknownMethod = call(request("/" + Greeter.class.getName() + "/wave"), List.of(greetMessage("x")));
        assertThat(unknownMethod.status()).isEqualTo("12");
        assertThat(unknownMethod.message()).startsWith("method not found: " + Greeter.class.getName() + ".wave");

        Answer wrongType = call(request(greetPath()).set("content-type", "text/plain"), List.of(greetMessage("x")));
        assertThat(wrongType.headers().get(0).status().toString()).isEqualTo("415");

        ByteBuf huge = Unpooled.buffer().writeByte(0).writeInt(TripleProtocol.MAX_MESSAGE_SIZE + 1);
        Answer tooLarge = call(request(greetPath()), List.of(huge));
        assertThat(tooLarge.status()).isEqualTo(String.valueOf(GrpcStatus.RESOURCE_EXHAUSTED.code()));

        Answer two = call(request(greetPath()), List.of(greetMessage("a"), greetMessage("b")));
        assertThat(two.status()).isEqualTo(String.valueOf(GrpcStatus.UNIMPLEMENTED.code()));
        assertThat(two.message()).isEqualTo("a second request message (expected: one, for a unary call)");

        Answer none = call(request(greetPath()), List.of());
        assertThat(none.message()).isEqualTo("no request message (expected: one, for a unary call)");

        ByteBuf garbage = Unpooled.buffer().writeByte(0).writeInt(3).writeBytes(new byte[] {0x12, 0x7f, 0x00});
        Answer broken = call(request(greetPath()), List.of(garbage));
        assertThat(broken.status()).isEqualTo(String.valueOf(GrpcStatus.INTERNAL.code()));
        assertThat(broken.message()).startsWith("TripleRequestWrapper: a length of 127");

        assertThat(call(request(greetPath()), List.of(greetMessage("again"))).status()).isEqualTo("0");
    }

    @Test
    void aCallPastTheCallersGrpcTimeoutIsAnsweredDeadlineExceeded() throws Exception {
        Answer late = call(request(greetPath()).set("grpc-timeout", "100m"), List.of(greetMessage("slow")));
        assertThat(late.status()).isEqualTo(String.valueOf(GrpcStatus.DEADLINE_EXCEEDED.code()));
        assertThat(late.message()).isEqualTo("tri: no answer within the caller's grpc-timeout of 100 ms");
        assertThat(late.headers()).as("trailers only: the late answer is not sent").hasSize(1);

        Answer malformed = call(request(greetPath()).set("grpc-timeout", "soon"), List.of(greetMessage("x")));
        assertThat(malformed.status()).isEqualTo(String.valueOf(GrpcStatus.INTERNAL.code()));
        assertThat(malformed.message()).startsWith("grpc-timeout: 'soon' (expected:");
        assertThat(call(request(greetPath()).set("grpc-timeout", "5S"), List.of(greetMessage("on time"))).status())
                .isEqualTo("0");
    }

    @Test
    void garbageInsteadOfThePrefaceClosesThatConnectionOnly() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", exporter.url().port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.0\r\n\r\nnot http/2 at all".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(10_000);
            while (socket.getInputStream().read() >= 0) {
                // until the server closes it
            }
        }
        assertThat(call(request(greetPath()), List.of(greetMessage("still"))).status()).isEqualTo("0");
    }

    @Test
    void unexportingTheLastServiceClosesTheServer() throws Exception {
        int port = exporter.url().port();
        assertThat(protocol.serverCount()).isEqualTo(1);
        exporter.close();
        org.awaitility.Awaitility.await().until(() -> tracker.counts(ResourceKind.SERVER).live() == 0);
        assertThat(protocol.serverCount()).isZero();
        assertThat(tracker.counts(ResourceKind.EXPORTER).live()).isZero();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            assertThat(socket.isConnected()).as("nothing listens any more").isFalse();
        } catch (java.io.IOException expected) {
            // refused: closed
        }
    }
}
