package io.tern.triple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.ServiceUrl;
import io.tern.core.internal.AbstractInvoker;
import io.tern.serialization.Hessian2Serialization;
import io.tern.serialization.ObjectInput;
import io.tern.serialization.ObjectOutput;
import io.tern.triple.internal.GrpcDeframer;
import io.tern.triple.internal.GrpcFramingException;
import io.tern.triple.internal.GrpcStatus;
import io.tern.triple.internal.GrpcTimeout;
import io.tern.triple.internal.TripleHeaders;
import io.tern.triple.internal.TripleRequestWrapper;
import io.tern.triple.internal.TripleResponseWrapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Calls one service of one provider over Triple: each call a stream on the protocol's shared
 * connection to that address, unary, wrapped and in Hessian2 ({@code hessian4}), with the
 * reference's timeout sent as {@code grpc-timeout} and kept here too (the stream is reset when
 * it passes). Holds a share of the connection, given back when it closes.
 */
final class TripleInvoker<T> extends AbstractInvoker<T> {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    private final TripleProtocol protocol;
    private final TripleConnection connection;
    private final ServiceDescriptor descriptor;
    private final String path;
    private final Duration timeout;
    private final String timeoutHeader;

    TripleInvoker(TripleProtocol protocol, TripleConnection connection, Class<T> type, ServiceUrl url) {
        super(type, url, protocol.tracker());
        this.protocol = protocol;
        this.connection = connection;
        this.descriptor = ServiceDescriptor.of(type);
        this.path = "/" + (url.path().isEmpty() ? type.getName() : url.path()) + "/";
        this.timeout = url.timeout().orElse(DEFAULT_TIMEOUT);
        this.timeoutHeader = GrpcTimeout.format(timeout);
    }

    @Override
    public boolean isAvailable() {
        return super.isAvailable() && connection.isActive();
    }

    @Override
    protected CompletableFuture<Result> doInvoke(Invocation invocation) {
        MethodDescriptor method = invocation.method();
        if (method == null) {
            method = descriptor.find(invocation.methodName(), invocation.parameterDescriptor());
        }
        if (method == null) {
            return CompletableFuture.failedFuture(new RpcException(RpcStatus.METHOD_NOT_FOUND, "method not found: "
                    + url().serviceKey() + "." + invocation.methodName() + " (expected: a method of " + type().getName()
                    + ")"));
        }
        byte[] request = request(protocol.serialization(), method, invocation.arguments());
        Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http").authority(connection.address)
                .path(path + method.name()).set("content-type", "application/grpc+proto").set("te", "trailers")
                .set("grpc-timeout", timeoutHeader);
        if (!url().serviceKey().version().isEmpty()) {
            headers.set("tri-service-version", url().serviceKey().version());
        }
        if (!url().serviceKey().group().isEmpty()) {
            headers.set("tri-service-group", url().serviceKey().group());
        }
        TripleHeaders.write(invocation.attachments(), headers::set);

        CompletableFuture<Result> answer = new CompletableFuture<>();
        Call call = new Call(method, answer);
        MethodDescriptor called = method;
        new Http2StreamChannelBootstrap(connection.channel).handler(call).open().addListener((Future<Http2StreamChannel> f) -> {
            if (!f.isSuccess()) {
                answer.completeExceptionally(new RpcException(RpcStatus.NETWORK, "tri: no stream to "
                        + connection.address + " for " + url().serviceKey().call(called.name()) + ": " + f.cause(),
                        f.cause()));
                return;
            }
            Http2StreamChannel stream = f.getNow();
            ScheduledFuture<?> deadline = stream.eventLoop().schedule(() -> {
                if (answer.completeExceptionally(new RpcException(RpcStatus.TIMEOUT, "tri: "
                        + url().serviceKey().call(called.name()) + " did not answer within " + timeout.toMillis()
                        + " ms (expected: an answer within the timeout)"))) {
                    stream.close(); // resets the stream: the provider stops working on it
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            answer.whenComplete((r, e) -> deadline.cancel(false));
            stream.write(new DefaultHttp2HeadersFrame(headers));
            stream.writeAndFlush(new DefaultHttp2DataFrame(GrpcDeframer.frame(stream.alloc(), request), true));
        });
        return answer;
    }

    private static byte[] request(Hessian2Serialization serialization, MethodDescriptor method,
            @Nullable Object[] arguments) {
        List<byte[]> args = new ArrayList<>(arguments.length);
        List<String> types = new ArrayList<>(arguments.length);
        for (int i = 0; i < arguments.length; i++) {
            ByteBuf out = Unpooled.buffer();
            try {
                try (ObjectOutput output = serialization.output(out)) {
                    output.writeObject(arguments[i]);
                }
                args.add(ByteBufUtil.getBytes(out));
            } finally {
                out.release();
            }
            types.add(method.parameterTypes().get(i).getName());
        }
        return new TripleRequestWrapper("hessian4", args, types).encode();
    }

    @Override
    protected void onClose() {
        protocol.forget(this);
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        return protocol.release(connection);
    }

    /** One call's stream: gathers the answer's headers, message and trailers, then completes the call. */
    private final class Call extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final MethodDescriptor method;
        private final CompletableFuture<Result> answer;
        private @Nullable Http2Headers headers;
        private @Nullable GrpcDeframer deframer;
        private byte @Nullable [] message;

        Call(MethodDescriptor method, CompletableFuture<Result> answer) {
            this.method = method;
            this.answer = answer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            try {
                if (frame instanceof Http2HeadersFrame block) {
                    if (headers == null) {
                        headers = block.headers();
                        deframer = new GrpcDeframer(ctx.alloc(), TripleProtocol.MAX_MESSAGE_SIZE, m -> {
                            try {
                                message = ByteBufUtil.getBytes(m);
                            } finally {
                                m.release();
                            }
                        });
                    }
                    if (block.isEndStream()) {
                        finish(block.headers());
                    }
                } else if (frame instanceof Http2DataFrame data && deframer != null) {
                    deframer.feed(data.content().retain());
                    if (data.isEndStream()) {
                        finish(new DefaultHttp2Headers());
                    }
                }
            } catch (GrpcFramingException e) {
                fail(new RpcException(e.status().toRpcStatus(), "tri: " + e.getMessage()));
            } catch (RuntimeException e) {
                fail(e instanceof RpcException rpc ? rpc : new RpcException(RpcStatus.SERIALIZATION, "tri: the answer of "
                        + url().serviceKey().call(method.name()) + " cannot be read: " + e.getMessage(), e));
            }
        }

        private void finish(Http2Headers trailers) {
            Http2Headers first = headers;
            // the status comes in the trailers, or in the headers of a trailers-only answer
            Http2Headers carrier = trailers.contains("grpc-status") || first == null ? trailers : first;
            CharSequence statusMessage = carrier.get("grpc-message");
            GrpcStatus grpc = status(carrier.get("grpc-status"), first);
            if (grpc != GrpcStatus.OK) {
                String text = statusMessage == null ? grpc.name() : GrpcStatus.decodeMessage(statusMessage.toString());
                fail(new RpcException(grpc.toRpcStatus(), "tri: " + url().serviceKey().call(method.name()) + " failed: "
                        + grpc + ": " + text));
                return;
            }
            byte[] body = message;
            if (body == null) {
                fail(new RpcException(RpcStatus.SERIALIZATION, "tri: " + url().serviceKey().call(method.name())
                        + " answered without a message (expected: one, for a unary call)"));
                return;
            }
            TripleResponseWrapper response = TripleResponseWrapper.decode(body);
            CharSequence exceptionCode = first == null ? null : first.get("tri-exception-code");
            boolean thrown = exceptionCode != null && !"0".contentEquals(exceptionCode);
            Object value;
            ByteBuf data = Unpooled.wrappedBuffer(response.data());
            try (ObjectInput input = protocol.serialization().input(data)) {
                value = response.data().length == 0 ? null : thrown ? input.readObject() : input.readObject(method.resultType());
            }
            Map<String, Object> attachments = TripleHeaders.read(trailers);
            Result result = thrown && value instanceof Throwable t ? Result.exception(t) : Result.value(value);
            answer.complete(attachments.isEmpty() ? result : result.withAttachments(attachments));
            closeDeframer();
        }

        /** A {@code grpc-status}; without one, what the HTTP status stands for (UNKNOWN for a 200 without one). */
        private GrpcStatus status(@Nullable CharSequence grpcStatus, @Nullable Http2Headers first) {
            if (grpcStatus != null) {
                try {
                    return GrpcStatus.ofCode(Integer.parseInt(grpcStatus.toString().trim()));
                } catch (NumberFormatException e) {
                    return GrpcStatus.UNKNOWN;
                }
            }
            CharSequence http = first == null ? null : first.status();
            return http == null || "200".contentEquals(http) ? GrpcStatus.UNKNOWN
                    : GrpcStatus.ofHttp(Integer.parseInt(http.toString()));
        }

        private void fail(RpcException e) {
            closeDeframer();
            answer.completeExceptionally(e);
        }

        private void closeDeframer() {
            GrpcDeframer reader = deframer;
            if (reader != null) {
                reader.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closeDeframer();
            answer.completeExceptionally(new RpcException(RpcStatus.NETWORK, "tri: the stream of "
                    + url().serviceKey().call(method.name()) + " to " + connection.address
                    + " closed before the answer (expected: an answer)"));
            ctx.fireChannelInactive();
        }
    }
}
