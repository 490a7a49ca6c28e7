package io.tern.triple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.StreamObserver;
import io.tern.transport.ConnectionTimer;
import io.tern.triple.internal.GrpcCompression;
import io.tern.triple.internal.GrpcDeframer;
import io.tern.triple.internal.GrpcFramingException;
import io.tern.triple.internal.GrpcTimeout;
import io.tern.transport.ConnectionLimits;
import io.tern.transport.ServerPort;
import io.tern.triple.internal.TripleHeaders;
import io.tern.triple.internal.TripleRequestWrapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/2 stream of a {@link TripleServer}: one call, unary or streaming. Reads the headers
 * (the path names the service and the method, {@code tri-service-version} and
 * {@code tri-service-group} the exporter, {@code grpc-timeout} the deadline, the rest are
 * attachments), then the request messages, and runs the service on the protocol's service
 * threads, never on the event loop:
 *
 * <ul>
 *   <li>unary and server-streaming calls run once their one request has arrived; the answer, or
 *       each message the service gives the response observer, goes out as it comes;
 *   <li>a bidirectional call starts at once; each request message is handed, in order, to the
 *       observer the service returned, and reading pauses while many wait ({@link StreamInbound}).
 * </ul>
 *
 * <p>The stream ends once: by the answer, by the deadline (DEADLINE_EXCEEDED), or by the client
 * resetting it or the connection going away. Then nothing more is written; a service thread
 * still running a unary or server-streaming method is interrupted, a response observer's
 * {@code onNext} throws CANCELLED, and a bidirectional call's request observer gets CANCELLED.
 * Holds the bytes of the message being read, released on every way out. What goes out, and the
 * end, are its {@link StreamAnswer}'s.
 */
final class TripleStreamHandler extends ChannelInboundHandlerAdapter {

    private final TripleServer server;
    /** The answering half: the answer or messages out, and the end. */
    private final StreamAnswer answers;
    private @Nullable ChannelHandlerContext context;
    private @Nullable GrpcDeframer deframer;
    private @Nullable TripleExporter<?> exporter;
    private List<TripleMethod> candidates = List.of();
    private @Nullable TripleMethod method;
    private Map<String, Object> attachments = Map.of();
    private byte @Nullable [] request;
    /** No more is read: the request is complete, or the call failed. */
    private boolean requestDone;
    private @Nullable ScheduledFuture<?> deadlineTask;
    /** The port's limits on what is still arriving; null on a connection no port accepted. */
    private @Nullable ServerPort port;
    /** How long a request or a message may take to arrive: the port's {@code frame.timeout}. */
    private Duration frameTimeout = ConnectionLimits.DEFAULT.frameTimeout();
    /** Bytes of the request taken from the port's inbound budget and not yet given back. */
    private long reserved;
    /**
     * Closes in on a request that does not arrive: a unary or server-streaming request must be in
     * whole, and a bidirectional call's message that has begun must end, within {@code frame.timeout}.
     */
    private final ConnectionTimer arrival = new ConnectionTimer();
    /** The service thread running a unary or server-streaming method right now, to interrupt on cancel. */
    private @Nullable Thread worker;
    private final Object workerLock = new Object();
    /** Bidirectional calls: the service's turns, in order, and the observer its requests go to. */
    private @Nullable StreamInbound inbound;
    private @Nullable StreamObserver<Object> requests;

    TripleStreamHandler(TripleServer server, ConnectionWrites writes) {
        this.server = server;
        this.answers = new StreamAnswer(server.protocol(), writes, this::cancelDeadline);
    }

    private void cancelDeadline() {
        ScheduledFuture<?> task = deadlineTask;
        if (task != null) {
            task.cancel(false);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        Channel connection = ctx.channel().parent();
        port = connection == null ? null : ServerPort.of(connection);
        frameTimeout = (port != null ? port.limits() : ConnectionLimits.DEFAULT).frameTimeout();
        answers.bind(ctx, port, frameTimeout);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame h && h.isEndStream() || msg instanceof Http2DataFrame d && d.isEndStream()) {
                answers.requestHalfClosed();
            }
            if (requestDone || answers.ended()) {
                return;
            }
            if (msg instanceof Http2HeadersFrame headers) {
                onHeaders(ctx, headers);
            } else if (msg instanceof Http2DataFrame data) {
                onData(ctx, data);
            }
        } catch (GrpcFramingException e) {
            fail(e.status(), e.getMessage());
        } catch (RpcException e) {
            fail(GrpcStatus.of(e.status()), e.getMessage());
        } catch (RuntimeException e) {
            fail(GrpcStatus.INTERNAL, e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHeaders(ChannelHandlerContext ctx, Http2HeadersFrame frame) {
        if (deframer != null) {
            if (frame.isEndStream()) {
                endOfRequest(); // trailers from the client end its half
            }
            return;
        }
        Http2Headers headers = frame.headers();
        CharSequence contentType = headers.get("content-type");
        if (contentType == null || !contentType.toString().startsWith("application/grpc")) {
            requestDone = true;
            answers.writeTrailersOnly("415", GrpcStatus.INTERNAL, "content-type: " + contentType
                    + " (expected: application/grpc)");
            return;
        }
        String path = headers.path() == null ? "" : headers.path().toString();
        CallPath call = CallPath.parse(path);
        if (call == null) {
            fail(GrpcStatus.UNIMPLEMENTED, CallPath.refused(path));
            return;
        }
        String service = call.service();
        String name = call.method();
        TripleExporter<?> target = server.find(service, string(headers, "tri-service-group"),
                string(headers, "tri-service-version"));
        if (target == null) {
            fail(GrpcStatus.UNIMPLEMENTED, call.serviceNotFound());
            return;
        }
        exporter = target;
        candidates = target.named(name);
        if (candidates.isEmpty()) {
            fail(GrpcStatus.UNIMPLEMENTED, "method not found: " + service + "." + name
                    + " (expected: one of " + target.descriptor.methodNames() + ")");
            return;
        }
        CharSequence timeout = headers.get("grpc-timeout");
        if (timeout != null) {
            Duration limit = GrpcTimeout.parse(timeout.toString());
            deadlineTask = ctx.executor().schedule(() -> expire(limit), GrpcTimeout.nanos(limit), TimeUnit.NANOSECONDS);
        }
        CharSequence encodingHeader = headers.get("grpc-encoding");
        GrpcCompression.Encoding encoding = GrpcCompression.of(encodingHeader);
        if (encoding == null) {
            fail(GrpcStatus.UNIMPLEMENTED, "grpc-encoding: " + encodingHeader + " (expected: "
                    + GrpcCompression.ACCEPTED + " or identity)");
            return;
        }
        if (target.compresses && GrpcCompression.acceptsGzip(headers.get("grpc-accept-encoding"))) {
            answers.compressAnswers();
        }
        attachments = TripleHeaders.read(headers);
        deframer = new GrpcDeframer(ctx.alloc(), TripleProtocol.MAX_MESSAGE_SIZE, encoding, this::onMessage);
        if (candidates.size() == 1) {
            choose(candidates.get(0));
        }
        if (!frame.isEndStream() && !isBidi()) {
            awaitArrival(ctx, "the request");
        }
        if (frame.isEndStream()) {
            endOfRequest();
        }
    }

    /** The method is known: a bidirectional call starts now, the others once their request is in. */
    private void choose(TripleMethod chosen) {
        method = chosen;
        if (chosen.kind() == MethodDescriptor.Kind.BIDI_STREAMING) {
            startBidi(chosen);
        }
    }

    @SuppressWarnings("NullAway") // a stream's message may be null, as Hessian carries it
    private void onMessage(ByteBuf message) {
        try {
            TripleMethod chosen = method;
            if (chosen == null) {
                chosen = overload(message);
                choose(chosen);
            }
            if (chosen.kind() == MethodDescriptor.Kind.BIDI_STREAMING) {
                Object value = chosen.message(message);
                turn(() -> {
                    StreamObserver<Object> observer = requests;
                    if (observer != null && !answers.ended()) {
                        observer.onNext(value);
                    }
                });
                return;
            }
            if (request != null) {
                throw new GrpcFramingException(GrpcStatus.UNIMPLEMENTED, "a second request message (expected: one,"
                        + " for a " + kindName(chosen) + " call)");
            }
            request = ByteBufUtil.getBytes(message);
        } finally {
            message.release();
        }
    }

    private static String kindName(@Nullable TripleMethod method) {
        return method == null || method.kind() == MethodDescriptor.Kind.UNARY ? "unary" : "server-streaming";
    }

    /** Among methods sharing a name, the one the wrapped request's argument types name. */
    private TripleMethod overload(ByteBuf message) {
        List<String> argTypes;
        try {
            argTypes = TripleRequestWrapper.decode(ByteBufUtil.getBytes(message)).argTypes();
        } catch (IllegalArgumentException e) {
            throw new RpcException(RpcStatus.SERIALIZATION, String.valueOf(e.getMessage()), e);
        }
        for (TripleMethod candidate : candidates) {
            if (candidate.matches(argTypes)) {
                return candidate;
            }
        }
        TripleExporter<?> target = exporter;
        throw new RpcException(RpcStatus.METHOD_NOT_FOUND, "method not found: "
                + (target == null ? "" : target.key().interfaceName()) + "." + candidates.get(0).descriptor.name()
                + argTypes + " (expected: the parameter types of a method of that name)");
    }

    private void onData(ChannelHandlerContext ctx, Http2DataFrame data) {
        GrpcDeframer reader = deframer;
        if (reader == null) {
            fail(GrpcStatus.INTERNAL, "DATA before HEADERS (expected: HEADERS first)");
            return;
        }
        int bytes = data.content().readableBytes();
        ServerPort limits = port;
        if (limits != null && bytes > 0) {
            if (!limits.reserve(bytes)) {
                limits.warn(ctx.channel().parent(), "tri: refused a request: its bytes do not fit the server's"
                        + " inbound budget (inbound.budget)");
                fail(GrpcStatus.RESOURCE_EXHAUSTED, "tri: the server's inbound budget is spent (expected: a smaller"
                        + " request, or fewer at once)");
                return;
            }
            reserved += bytes;
        }
        reader.feed(data.content().retain());
        if (data.isEndStream()) {
            endOfRequest();
        } else if (isBidi()) {
            if (reader.partial()) {
                if (!arrival.armed()) {
                    awaitArrival(ctx, "a message");
                }
            } else {
                arrived();
            }
        }
    }

    private boolean isBidi() {
        TripleMethod chosen = method;
        return chosen != null && chosen.kind() == MethodDescriptor.Kind.BIDI_STREAMING;
    }

    /** Fails the call unless what is arriving ({@code what}) is in whole within the port's frame timeout. */
    private void awaitArrival(ChannelHandlerContext ctx, String what) {
        Channel connection = ctx.channel().parent();
        Duration timeout = frameTimeout;
        arrival.arm(ctx, timeout, () -> {
            if (requestDone || answers.ended()) {
                return;
            }
            ServerPort limits = port;
            if (limits != null && connection != null) {
                limits.warn(connection, "tri: reset a call: " + what + " took longer than " + timeout.toMillis()
                        + " ms to arrive (frame.timeout)");
            }
            fail(GrpcStatus.RESOURCE_EXHAUSTED, "tri: " + what + " did not arrive within " + timeout.toMillis()
                    + " ms (expected: frame.timeout)");
        });
    }

    /** What was arriving is in: its bytes go back to the budget, and its clock stops. */
    private void arrived() {
        arrival.disarm();
        ServerPort limits = port;
        if (limits != null && reserved > 0) {
            limits.unreserve(reserved);
        }
        reserved = 0;
    }

    private void endOfRequest() {
        GrpcDeframer reader = deframer;
        if (reader != null && reader.partial()) {
            fail(GrpcStatus.INTERNAL, "the request ended inside a message (expected: whole messages)");
            return;
        }
        requestDone = true;
        closeDeframer();
        TripleMethod chosen = method;
        if (chosen != null && chosen.kind() == MethodDescriptor.Kind.BIDI_STREAMING) {
            turn(() -> {
                StreamObserver<Object> observer = requests;
                if (observer != null && !answers.ended()) {
                    observer.onCompleted();
                }
            });
            return;
        }
        byte[] message = request;
        request = null;
        if (message == null || chosen == null) {
            fail(GrpcStatus.UNIMPLEMENTED, "no request message (expected: one, for a " + kindName(chosen) + " call)");
            return;
        }
        TripleExporter<?> service = exporter;
        if (chosen.kind() == MethodDescriptor.Kind.UNARY && service != null
                && service.whereCallsRun.onTheIoThread(chosen.descriptor)) {
            // a call that cannot block: run here, sparing the hand-over to a service thread and back
            long start = System.nanoTime();
            call(chosen, message, false);
            service.whereCallsRun.held(chosen.descriptor, System.nanoTime() - start);
            return;
        }
        try {
            server.protocol().services().execute(() -> call(chosen, message, true));
        } catch (RejectedExecutionException e) {
            answers.endWith(GrpcStatus.RESOURCE_EXHAUSTED, "tri: no service thread free (expected: fewer calls)");
        }
    }

    /**
     * Runs on a service thread, or on the I/O thread for a call that cannot block ({@code
     * interruptible} false: a cancel never interrupts an I/O thread): decodes, invokes, answers
     * (unary) or lets the service answer (server streaming).
     */
    private void call(TripleMethod target, byte[] message, boolean interruptible) {
        @Nullable Object[] arguments;
        try {
            arguments = target.arguments(Unpooled.wrappedBuffer(message));
        } catch (RpcException e) {
            answers.endWith(GrpcStatus.of(e.status()), e.getMessage());
            return;
        }
        StreamObserver<Object> responses = null;
        if (target.kind() == MethodDescriptor.Kind.SERVER_STREAMING) {
            responses = answers.responses(target);
            arguments = new Object[] {arguments[0], responses};
        }
        CompletableFuture<Result> answer = invoke(target, arguments, interruptible);
        TripleExporter<?> service = exporter;
        if (interruptible && service != null) {
            // before the answer goes: the method's next call may run on the I/O thread
            service.whereCallsRun.ranOnThePool(target.descriptor);
        }
        StreamObserver<Object> streaming = responses;
        answer.whenComplete((result, failure) -> {
            if (failure != null) {
                RpcException rpc = Result.asRpcException(failure);
                answers.endWith(GrpcStatus.of(rpc.status()), rpc.getMessage());
            } else if (streaming == null) {
                answers.answer(target, result);
            } else if (result.exception() != null) {
                streaming.onError(result.exception());
            }
        });
    }

    /** Invokes the service on this thread, which a cancel interrupts meanwhile. */
    private CompletableFuture<Result> invoke(TripleMethod target, @Nullable Object[] arguments) {
        return invoke(target, arguments, true);
    }

    /** Invokes the service on this thread, which a cancel interrupts meanwhile if {@code interruptible}. */
    private CompletableFuture<Result> invoke(TripleMethod target, @Nullable Object[] arguments,
            boolean interruptible) {
        TripleExporter<?> service = exporter;
        if (service == null) {
            return CompletableFuture.failedFuture(new RpcException(RpcStatus.INTERNAL, "no exporter"));
        }
        Invocation invocation = Invocation.of(service.key(), target.descriptor, arguments).setAttachments(attachments)
                .setClassPolicy(server.protocol().classPolicy());
        synchronized (workerLock) {
            if (answers.ended()) {
                return CompletableFuture.failedFuture(new RpcException(RpcStatus.CANCELLED, "tri: cancelled"));
            }
            if (interruptible) {
                worker = Thread.currentThread();
            }
        }
        try {
            return service.invoker().invoke(invocation);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            if (interruptible) {
                synchronized (workerLock) {
                    worker = null;
                }
                Thread.interrupted(); // an interrupt from a cancel is for this call only, never the next task
            }
        }
    }

    /** A bidirectional call: the service is invoked in the stream's first turn and returns its request observer. */
    private void startBidi(TripleMethod target) {
        ChannelHandlerContext ctx = context;
        if (ctx == null) {
            return;
        }
        inbound = new StreamInbound(ctx.channel(), server.protocol().services());
        StreamObserver<Object> responses = answers.responses(target);
        turn(() -> {
            CompletableFuture<Result> answer = invoke(target, new Object[] {responses});
            Result result;
            try {
                result = answer.join();
            } catch (RuntimeException e) {
                RpcException rpc = Result.asRpcException(e.getCause() == null ? e : e.getCause());
                answers.endWith(GrpcStatus.of(rpc.status()), rpc.getMessage());
                return;
            }
            if (result.exception() != null) {
                responses.onError(result.exception());
            } else if (result.value() instanceof StreamObserver<?> observer) {
                @SuppressWarnings("unchecked")
                StreamObserver<Object> typed = (StreamObserver<Object>) observer;
                requests = typed;
            } else {
                answers.endWith(GrpcStatus.INTERNAL, "tri: " + target.descriptor + " returned no StreamObserver"
                        + " (expected: the observer its requests go to)");
            }
        });
    }

    /** Runs a piece of a bidirectional call in its order, off the event loop. */
    private void turn(Runnable task) {
        StreamInbound queue = inbound;
        if (queue == null) {
            return;
        }
        try {
            queue.submit(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    RpcException rpc = Result.asRpcException(e);
                    if (answers.endWith(GrpcStatus.of(rpc.status()), rpc.getMessage())) {
                        cancelled(rpc.getMessage());
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            answers.endWith(GrpcStatus.RESOURCE_EXHAUSTED, "tri: no service thread free (expected: fewer calls)");
        }
    }

    private void expire(Duration limit) {
        String message = "tri: no answer within the caller's grpc-timeout of " + limit.toMillis() + " ms";
        if (answers.endWith(GrpcStatus.DEADLINE_EXCEEDED, message)) {
            cancelled(message);
        }
    }

    private void fail(GrpcStatus status, @Nullable String message) {
        closeDeframer();
        requestDone = true;
        request = null;
        if (answers.endWith(status, message)) {
            cancelled(message);
        }
    }

    /**
     * The call is over before the service finished: stops its work. A unary or server-streaming
     * method still running is interrupted; a bidirectional call's request observer hears CANCELLED.
     */
    private void cancelled(@Nullable String why) {
        synchronized (workerLock) {
            Thread running = worker;
            if (running != null) {
                running.interrupt();
            }
        }
        StreamInbound queue = inbound; // only a bidirectional call has one, and a request observer
        if (queue != null) {
            try {
                queue.submit(() -> {
                    StreamObserver<Object> current = requests;
                    requests = null;
                    if (current != null) {
                        current.onError(new RpcException(RpcStatus.CANCELLED, "tri: the call was cancelled"
                                + (why == null ? "" : ": " + why)));
                    }
                });
            } catch (RejectedExecutionException e) {
                requests = null;
            }
        }
    }

    private static @Nullable String string(Http2Headers headers, String name) {
        CharSequence value = headers.get(name);
        return value == null ? null : value.toString();
    }

    /** Releases the message being read and what the request holds of the budget; on the event loop. */
    private void closeDeframer() {
        GrpcDeframer reader = deframer;
        if (reader != null) {
            reader.close();
        }
        arrived();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        answers.signal();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean early = answers.end(); // reset by the client, or the connection lost: nothing more is written
        closeDeframer();
        request = null;
        answers.signal();
        if (early) {
            cancelled("the stream was reset or its connection closed");
        }
        ctx.fireChannelInactive();
    }
}
