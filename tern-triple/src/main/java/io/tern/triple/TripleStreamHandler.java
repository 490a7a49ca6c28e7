package io.tern.triple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/2 stream of a {@link TripleServer}: a unary call. Reads the headers (the path names
 * the service and the method, {@code tri-service-version} and {@code tri-service-group} the
 * exporter, the rest are attachments), gathers the one request message, runs the call on the
 * protocol's service threads, and answers with headers, the response message and trailers — or
 * with trailers only when the call cannot be made. Holds the bytes of the message being read,
 * released on every way out.
 */
final class TripleStreamHandler extends ChannelInboundHandlerAdapter {

    private static final String HESSIAN = "hessian4";
    /** Dubbo's code for a service's own exception, in {@code tri-exception-code}. */
    private static final String BUSINESS_EXCEPTION = "3";

    private final TripleServer server;
    private @Nullable GrpcDeframer deframer;
    private @Nullable TripleExporter<?> exporter;
    private @Nullable String methodName;
    private Map<String, Object> attachments = Map.of();
    private @Nullable byte[] request;
    private boolean answered;
    /** Set by whichever ends the stream first: the answer, the deadline, or the client going away. */
    private final AtomicBoolean finished = new AtomicBoolean();
    private @Nullable Duration deadline;
    private io.netty.util.concurrent.@Nullable ScheduledFuture<?> deadlineTask;

    TripleStreamHandler(TripleServer server) {
        this.server = server;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (answered) {
                return;
            }
            if (msg instanceof Http2HeadersFrame headers) {
                onHeaders(ctx, headers);
            } else if (msg instanceof Http2DataFrame data) {
                onData(ctx, data);
            }
        } catch (GrpcFramingException e) {
            fail(ctx, e.status(), e.getMessage());
        } catch (RuntimeException e) {
            fail(ctx, GrpcStatus.INTERNAL, e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        if (deframer != null) {
            if (frame.isEndStream()) {
                endOfRequest(ctx); // trailers from the client end its half
            }
            return;
        }
        Http2Headers headers = frame.headers();
        CharSequence contentType = headers.get("content-type");
        if (contentType == null || !contentType.toString().startsWith("application/grpc")) {
            answered = true;
            writeTrailersOnly(ctx, "415", GrpcStatus.INTERNAL, "content-type: " + contentType
                    + " (expected: application/grpc)");
            return;
        }
        String path = headers.path() == null ? "" : headers.path().toString();
        int slash = path.lastIndexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            fail(ctx, GrpcStatus.UNIMPLEMENTED, "path: '" + path + "' (expected: /{interface}/{method})");
            return;
        }
        String service = path.substring(path.lastIndexOf('/', slash - 1) + 1, slash);
        methodName = path.substring(slash + 1);
        exporter = server.find(service, string(headers, "tri-service-group"), string(headers, "tri-service-version"));
        if (exporter == null) {
            fail(ctx, GrpcStatus.UNIMPLEMENTED, "service not found: " + service + " (expected: one exported here)");
            return;
        }
        if (exporter.descriptor.find(methodName).isEmpty()) {
            fail(ctx, GrpcStatus.UNIMPLEMENTED, "method not found: " + service + "." + methodName
                    + " (expected: one of " + exporter.descriptor.methodNames() + ")");
            return;
        }
        CharSequence timeout = headers.get("grpc-timeout");
        if (timeout != null) {
            deadline = GrpcTimeout.parse(timeout.toString());
        }
        attachments = TripleHeaders.read(headers);
        deframer = new GrpcDeframer(ctx.alloc(), TripleProtocol.MAX_MESSAGE_SIZE, this::onMessage);
        if (frame.isEndStream()) {
            endOfRequest(ctx);
        }
    }

    private void onMessage(ByteBuf message) {
        try {
            if (request != null) {
                throw new GrpcFramingException(GrpcStatus.UNIMPLEMENTED,
                        "a second request message (expected: one, for a unary call)");
            }
            request = ByteBufUtil.getBytes(message);
        } finally {
            message.release();
        }
    }

    private void onData(ChannelHandlerContext ctx, Http2DataFrame data) {
        GrpcDeframer reader = deframer;
        if (reader == null) {
            fail(ctx, GrpcStatus.INTERNAL, "DATA before HEADERS (expected: HEADERS first)");
            return;
        }
        reader.feed(data.content().retain());
        if (data.isEndStream()) {
            endOfRequest(ctx);
        }
    }

    private void endOfRequest(ChannelHandlerContext ctx) {
        GrpcDeframer reader = deframer;
        byte[] message = request;
        if (reader != null && reader.partial()) {
            fail(ctx, GrpcStatus.INTERNAL, "the request ended inside a message (expected: whole messages)");
            return;
        }
        if (message == null) {
            fail(ctx, GrpcStatus.UNIMPLEMENTED, "no request message (expected: one, for a unary call)");
            return;
        }
        request = null;
        closeDeframer();
        answered = true;
        Duration limit = deadline;
        if (limit != null) {
            deadlineTask = ctx.executor().schedule(() -> writeTrailersOnly(ctx, GrpcStatus.DEADLINE_EXCEEDED,
                    "tri: no answer within the caller's grpc-timeout of " + limit.toMillis() + " ms"),
                    limit.toNanos(), TimeUnit.NANOSECONDS);
        }
        try {
            server.protocol().services().execute(() -> call(ctx, message));
        } catch (RejectedExecutionException e) {
            writeTrailersOnly(ctx, GrpcStatus.RESOURCE_EXHAUSTED, "tri: no service thread free (expected: fewer calls)");
        }
    }

    /** Runs on a service thread: decodes, invokes, answers. */
    private void call(ChannelHandlerContext ctx, byte[] message) {
        TripleExporter<?> target = exporter;
        if (target == null || methodName == null) {
            writeTrailersOnly(ctx, GrpcStatus.INTERNAL, "no exporter");
            return;
        }
        MethodDescriptor method;
        Object[] arguments;
        try {
            TripleRequestWrapper wrapper = TripleRequestWrapper.decode(message);
            if (!HESSIAN.equals(wrapper.serializeType())) {
                throw new RpcException(RpcStatus.SERIALIZATION, "serializeType: '" + wrapper.serializeType()
                        + "' (expected: " + HESSIAN + ")");
            }
            method = method(target, methodName, wrapper.argTypes());
            arguments = arguments(server.protocol().serialization(), method, wrapper.args());
        } catch (IllegalArgumentException e) {
            writeTrailersOnly(ctx, GrpcStatus.INTERNAL, e.getMessage());
            return;
        } catch (RpcException e) {
            writeTrailersOnly(ctx, GrpcStatus.of(e.status()), e.getMessage());
            return;
        }
        Invocation invocation = Invocation.of(target.key(), method, arguments).setAttachments(attachments);
        CompletableFuture<Result> answer;
        try {
            answer = target.invoker().invoke(invocation);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((result, failure) -> {
            if (failure != null) {
                RpcException rpc = Result.asRpcException(failure);
                writeTrailersOnly(ctx, GrpcStatus.of(rpc.status()), rpc.getMessage());
            } else {
                answer(ctx, method, result);
            }
        });
    }

    private static MethodDescriptor method(TripleExporter<?> target, String name, List<String> argTypes) {
        List<MethodDescriptor> named = target.descriptor.find(name);
        for (MethodDescriptor candidate : named) {
            if (candidate.parameterCount() == argTypes.size() && (argTypes.isEmpty() || sameTypes(candidate, argTypes))) {
                return candidate;
            }
        }
        if (named.size() == 1 && argTypes.isEmpty() && named.get(0).parameterCount() == 0) {
            return named.get(0);
        }
        throw new RpcException(RpcStatus.METHOD_NOT_FOUND, "method not found: " + target.key().interfaceName() + "."
                + name + argTypes + " (expected: the parameter types of a method of that name)");
    }

    private static boolean sameTypes(MethodDescriptor method, List<String> argTypes) {
        List<Class<?>> types = method.parameterTypes();
        for (int i = 0; i < types.size(); i++) {
            if (!types.get(i).getName().equals(argTypes.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static Object[] arguments(Hessian2Serialization serialization, MethodDescriptor method, List<byte[]> args) {
        Object[] values = new Object[args.size()];
        for (int i = 0; i < values.length; i++) {
            ByteBuf bytes = io.netty.buffer.Unpooled.wrappedBuffer(args.get(i));
            try (ObjectInput in = serialization.input(bytes)) {
                values[i] = in.readObject(method.parameterTypes().get(i));
            }
        }
        return values;
    }

    private void answer(ChannelHandlerContext ctx, MethodDescriptor method, Result result) {
        Throwable thrown = result.exception();
        byte[] data;
        ByteBuf out = ctx.alloc().buffer();
        try {
            try (ObjectOutput output = server.protocol().serialization().output(out)) {
                output.writeObject(thrown != null ? thrown : result.value());
            }
            data = ByteBufUtil.getBytes(out);
        } catch (RpcException e) {
            writeTrailersOnly(ctx, GrpcStatus.of(e.status()), e.getMessage());
            return;
        } finally {
            out.release();
        }
        String type = thrown != null ? thrown.getClass().getName() : method.resultType().getName();
        byte[] response = new TripleResponseWrapper(HESSIAN, data, type).encode();
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.status("200").set("content-type", "application/grpc");
        if (thrown != null) {
            headers.set("tri-exception-code", BUSINESS_EXCEPTION);
        }
        DefaultHttp2Headers trailers = new DefaultHttp2Headers();
        trailers.setInt("grpc-status", GrpcStatus.OK.code());
        TripleHeaders.write(result.attachments(), trailers::set);
        if (!finish()) {
            return; // the deadline answered first, or the client went away
        }
        ctx.write(new DefaultHttp2HeadersFrame(headers));
        ctx.write(new DefaultHttp2DataFrame(GrpcDeframer.frame(ctx.alloc(), response)));
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
    }

    private void fail(ChannelHandlerContext ctx, GrpcStatus status, @Nullable String message) {
        closeDeframer();
        if (!answered) {
            answered = true;
            writeTrailersOnly(ctx, status, message);
        }
    }

    /** Claims the end of the stream; false when something else ended it already. */
    private boolean finish() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        io.netty.util.concurrent.ScheduledFuture<?> task = deadlineTask;
        if (task != null) {
            task.cancel(false);
        }
        return true;
    }

    private void writeTrailersOnly(ChannelHandlerContext ctx, GrpcStatus status, @Nullable String message) {
        writeTrailersOnly(ctx, "200", status, message);
    }

    /** Ends the stream with one header block: the HTTP status, the gRPC status and its message. */
    private void writeTrailersOnly(ChannelHandlerContext ctx, String httpStatus, GrpcStatus status,
            @Nullable String message) {
        if (!finish()) {
            return;
        }
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.status(httpStatus).set("content-type", "application/grpc").setInt("grpc-status", status.code());
        if (message != null) {
            headers.set("grpc-message", GrpcStatus.encodeMessage(message));
        }
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
    }

    private static @Nullable String string(Http2Headers headers, String name) {
        CharSequence value = headers.get(name);
        return value == null ? null : value.toString();
    }

    private void closeDeframer() {
        GrpcDeframer reader = deframer;
        if (reader != null) {
            reader.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        finish(); // reset by the client, or the connection lost: nothing more is written
        closeDeframer();
        request = null;
        ctx.fireChannelInactive();
    }
}
