package io.tern.triple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
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
 * Holds the bytes of the message being read, released on every way out.
 */
final class TripleStreamHandler extends ChannelInboundHandlerAdapter {

    /** Dubbo's code for a service's own exception, in {@code tri-exception-code}. */
    private static final String BUSINESS_EXCEPTION = "3";

    /*
     * The header blocks every unary answer without attachments sends, made once: HTTP/2 encoders
     * only read them.
     */
    private static final Http2Headers ANSWER_HEADERS = new DefaultHttp2Headers().status("200")
            .set("content-type", "application/grpc");
    private static final Http2Headers EXCEPTION_HEADERS = new DefaultHttp2Headers().status("200")
            .set("content-type", "application/grpc").set("tri-exception-code", BUSINESS_EXCEPTION);
    private static final Http2Headers OK_TRAILERS = trailers(GrpcStatus.OK, null);
    /**
     * What a server stream may have queued and not yet sent, at most, before its writer waits: its
     * messages' bytes, each counted with {@link #MESSAGE_OVERHEAD} for the objects that carry it.
     * HTTP/2 flow control bounds the bytes a stream sends, not the messages queued for it: without
     * this, a stream of small messages to a reader that does not read would queue thousands of
     * them, and hundreds of such streams would fill the heap and the event loops' task queues.
     */
    static final long STREAM_QUEUE_LIMIT = 64 * 1024;
    /** The objects one queued message takes besides its bytes (frame, task, promise, flow-control entry), about. */
    static final long MESSAGE_OVERHEAD = 256;

    private final TripleServer server;
    /** The connection's writes from service threads, flushed together. */
    private final ConnectionWrites writes;
    private final StreamWritability writability = new StreamWritability();
    /** Set by whichever ends the stream first: the answer, the deadline, or the client going away. */
    private final AtomicBoolean ended = new AtomicBoolean();
    /** A server stream's messages queued and not yet sent, counted as {@link #STREAM_QUEUE_LIMIT} says. */
    private final AtomicLong queued = new AtomicLong();
    private final BooleanSupplier room = () -> queued.get() < STREAM_QUEUE_LIMIT;
    private final BooleanSupplier isEnded = ended::get;
    private @Nullable ChannelHandlerContext context;
    private @Nullable GrpcDeframer deframer;
    private @Nullable TripleExporter<?> exporter;
    private List<TripleMethod> candidates = List.of();
    private @Nullable TripleMethod method;
    private Map<String, Object> attachments = Map.of();
    private byte @Nullable [] request;
    /** No more is read: the request is complete, or the call failed. */
    private boolean requestDone;
    /** The client ended its half of the stream; until it has, ending ours also resets the stream. */
    private volatile boolean halfClosed;
    private boolean headersSent;
    private @Nullable ScheduledFuture<?> deadlineTask;
    /** The port's limits on what is still arriving; null on a connection no port accepted. */
    private @Nullable ServerPort port;
    /** Bytes of the request taken from the port's inbound budget and not yet given back. */
    private long reserved;
    /**
     * Closes in on a request that does not arrive: a unary or server-streaming request must be in
     * whole, and a bidirectional call's message that has begun must end, within {@code frame.timeout}.
     */
    private @Nullable ScheduledFuture<?> arrivalTask;
    /** The service thread running a unary or server-streaming method right now, to interrupt on cancel. */
    private @Nullable Thread worker;
    private final Object workerLock = new Object();
    /** Bidirectional calls: the service's turns, in order, and the observer its requests go to. */
    private @Nullable StreamInbound inbound;
    private @Nullable StreamObserver<Object> requests;

    TripleStreamHandler(TripleServer server, ConnectionWrites writes) {
        this.server = server;
        this.writes = writes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        context = ctx;
        Channel connection = ctx.channel().parent();
        port = connection == null ? null : ServerPort.of(connection);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2HeadersFrame h && h.isEndStream() || msg instanceof Http2DataFrame d && d.isEndStream()) {
                halfClosed = true;
            }
            if (requestDone || ended.get()) {
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
            writeTrailersOnly("415", GrpcStatus.INTERNAL, "content-type: " + contentType
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
        attachments = TripleHeaders.read(headers);
        deframer = new GrpcDeframer(ctx.alloc(), TripleProtocol.MAX_MESSAGE_SIZE, this::onMessage);
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
                    if (observer != null && !ended.get()) {
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
                if (arrivalTask == null) {
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
        Duration timeout = connection == null ? ConnectionLimits.DEFAULT.frameTimeout()
                : TripleServer.frameTimeout(connection);
        arrivalTask = ctx.executor().schedule(() -> {
            arrivalTask = null;
            if (requestDone || ended.get()) {
                return;
            }
            ServerPort limits = port;
            if (limits != null && connection != null) {
                limits.warn(connection, "tri: reset a call: " + what + " took longer than " + timeout.toMillis()
                        + " ms to arrive (frame.timeout)");
            }
            fail(GrpcStatus.RESOURCE_EXHAUSTED, "tri: " + what + " did not arrive within " + timeout.toMillis()
                    + " ms (expected: frame.timeout)");
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** What was arriving is in: its bytes go back to the budget, and its clock stops. */
    private void arrived() {
        ScheduledFuture<?> task = arrivalTask;
        if (task != null) {
            task.cancel(false);
            arrivalTask = null;
        }
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
                if (observer != null && !ended.get()) {
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
        try {
            server.protocol().services().execute(() -> call(chosen, message));
        } catch (RejectedExecutionException e) {
            endWith(GrpcStatus.RESOURCE_EXHAUSTED, "tri: no service thread free (expected: fewer calls)");
        }
    }

    /** Runs on a service thread: decodes, invokes, answers (unary) or lets the service answer (server streaming). */
    private void call(TripleMethod target, byte[] message) {
        @Nullable Object[] arguments;
        try {
            arguments = target.arguments(Unpooled.wrappedBuffer(message));
        } catch (RpcException e) {
            endWith(GrpcStatus.of(e.status()), e.getMessage());
            return;
        }
        ServerResponses responses = null;
        if (target.kind() == MethodDescriptor.Kind.SERVER_STREAMING) {
            responses = new ServerResponses(target);
            arguments = new Object[] {arguments[0], responses};
        }
        CompletableFuture<Result> answer = invoke(target, arguments);
        ServerResponses streaming = responses;
        answer.whenComplete((result, failure) -> {
            if (failure != null) {
                RpcException rpc = Result.asRpcException(failure);
                endWith(GrpcStatus.of(rpc.status()), rpc.getMessage());
            } else if (streaming == null) {
                answer(target, result);
            } else if (result.exception() != null) {
                streaming.onError(result.exception());
            }
        });
    }

    /** Invokes the service on this thread, which a cancel interrupts meanwhile. */
    private CompletableFuture<Result> invoke(TripleMethod target, @Nullable Object[] arguments) {
        TripleExporter<?> service = exporter;
        if (service == null) {
            return CompletableFuture.failedFuture(new RpcException(RpcStatus.INTERNAL, "no exporter"));
        }
        Invocation invocation = Invocation.of(service.key(), target.descriptor, arguments).setAttachments(attachments)
                .setClassPolicy(server.protocol().classPolicy());
        synchronized (workerLock) {
            if (ended.get()) {
                return CompletableFuture.failedFuture(new RpcException(RpcStatus.CANCELLED, "tri: cancelled"));
            }
            worker = Thread.currentThread();
        }
        try {
            return service.invoker().invoke(invocation);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            synchronized (workerLock) {
                worker = null;
            }
            Thread.interrupted(); // an interrupt from a cancel is for this call only, never the next task
        }
    }

    /** A bidirectional call: the service is invoked in the stream's first turn and returns its request observer. */
    private void startBidi(TripleMethod target) {
        ChannelHandlerContext ctx = context;
        if (ctx == null) {
            return;
        }
        inbound = new StreamInbound(ctx.channel(), server.protocol().services());
        ServerResponses responses = new ServerResponses(target);
        turn(() -> {
            CompletableFuture<Result> answer = invoke(target, new Object[] {responses});
            Result result;
            try {
                result = answer.join();
            } catch (RuntimeException e) {
                RpcException rpc = Result.asRpcException(e.getCause() == null ? e : e.getCause());
                endWith(GrpcStatus.of(rpc.status()), rpc.getMessage());
                return;
            }
            if (result.exception() != null) {
                responses.onError(result.exception());
            } else if (result.value() instanceof StreamObserver<?> observer) {
                @SuppressWarnings("unchecked")
                StreamObserver<Object> typed = (StreamObserver<Object>) observer;
                requests = typed;
            } else {
                endWith(GrpcStatus.INTERNAL, "tri: " + target.descriptor + " returned no StreamObserver"
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
                    if (endWith(GrpcStatus.of(rpc.status()), rpc.getMessage())) {
                        cancelled(rpc.getMessage());
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            endWith(GrpcStatus.RESOURCE_EXHAUSTED, "tri: no service thread free (expected: fewer calls)");
        }
    }

    private void answer(TripleMethod target, Result result) {
        Throwable thrown = result.exception();
        ChannelHandlerContext ctx = context;
        if (ctx == null) {
            return;
        }
        if (thrown != null && !target.carriesExceptions()) {
            // a protobuf method has no message for it: the status says what went wrong
            RpcException rpc = thrown instanceof RpcException e ? e : null;
            endWith(rpc != null ? GrpcStatus.of(rpc.status()) : GrpcStatus.UNKNOWN,
                    thrown.getMessage() == null ? thrown.getClass().getName() : thrown.getMessage());
            return;
        }
        ByteBuf body;
        try {
            body = target.answer(ctx.alloc(), thrown != null ? thrown : result.value(), thrown != null);
        } catch (RpcException e) {
            endWith(GrpcStatus.of(e.status()), e.getMessage());
            return;
        }
        Http2Headers headers = thrown != null ? EXCEPTION_HEADERS : ANSWER_HEADERS;
        Http2Headers trailers = OK_TRAILERS;
        if (!result.attachments().isEmpty()) {
            DefaultHttp2Headers own = trailers(GrpcStatus.OK, null);
            TripleHeaders.write(result.attachments(), own::set);
            trailers = own;
        }
        int size = body.readableBytes();
        if (!writes.owe(size)) {
            body.release();
            server.protocol().answerRefused();
            Channel connection = ctx.channel().parent();
            if (connection != null && port != null) {
                port.warn(connection, "tri: refused an answer: its reader has not read "
                        + ConnectionWrites.MAX_OWED + " bytes of answers owed to it");
            }
            endWith(GrpcStatus.RESOURCE_EXHAUSTED, "tri: the connection owes its reader "
                    + ConnectionWrites.MAX_OWED + " bytes of answers it has not read (expected: a reader that reads)");
            return;
        }
        synchronized (this) {
            if (!end()) {
                body.release();
                writes.paid(size);
                return; // the deadline answered first, or the client went away
            }
            headersSent = true;
        }
        // one task on the event loop for the whole answer, flushed with the answers next to it
        Http2Headers ending = trailers;
        writes.submit(() -> {
            ctx.write(new DefaultHttp2HeadersFrame(headers));
            ctx.write(new DefaultHttp2DataFrame(body)).addListener(sent -> writes.paid(size));
            ctx.write(new DefaultHttp2HeadersFrame(ending, true));
        });
    }

    /** The observer a streaming method answers through: each message out as it comes, then trailers. */
    private final class ServerResponses implements StreamObserver<Object> {
        private final TripleMethod target;

        ServerResponses(TripleMethod target) {
            this.target = target;
        }

        @Override
        public void onNext(Object value) {
            ChannelHandlerContext ctx = context;
            if (ended.get() || ctx == null) {
                throw new RpcException(RpcStatus.CANCELLED, "tri: the stream of " + target.descriptor
                        + " has ended (cancelled by the caller, past its deadline, or completed)");
            }
            ByteBuf body = target.answer(ctx.alloc(), value, false);
            long cost = body.readableBytes() + MESSAGE_OVERHEAD;
            synchronized (TripleStreamHandler.this) {
                if (ended.get()) {
                    body.release();
                    throw new RpcException(RpcStatus.CANCELLED, "tri: the stream of " + target.descriptor
                            + " has ended (cancelled by the caller, past its deadline, or completed)");
                }
                if (!headersSent) {
                    headersSent = true;
                    ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                            .set("content-type", "application/grpc")));
                }
                queued.addAndGet(cost);
                server.protocol().streamQueued(cost);
                ctx.writeAndFlush(new DefaultHttp2DataFrame(body)).addListener(sent -> unqueue(cost));
            }
            Channel connection = ctx.channel().parent();
            Duration patience = connection == null ? ConnectionLimits.DEFAULT.frameTimeout()
                    : TripleServer.frameTimeout(connection);
            StreamWritability.Outcome waited = writability.await(ctx.channel(), room, isEnded, patience.toNanos(),
                    server.protocol().streamWriters());
            if (waited != StreamWritability.Outcome.READY) {
                String why = waited == StreamWritability.Outcome.STALLED
                        ? "its reader read nothing for " + patience.toMillis() + " ms (frame.timeout)"
                        : "too many streams wait for readers that do not read";
                if (connection != null && port != null) {
                    port.warn(connection, "tri: reset a server stream: " + why);
                }
                endWith(GrpcStatus.RESOURCE_EXHAUSTED, "tri: " + why);
                throw new RpcException(RpcStatus.LIMIT_EXCEEDED, "tri: the stream of " + target.descriptor
                        + " has ended: " + why);
            }
        }

        @Override
        public void onError(Throwable error) {
            RpcException rpc = error instanceof RpcException e ? e : null;
            GrpcStatus status = rpc != null ? GrpcStatus.of(rpc.status()) : GrpcStatus.UNKNOWN;
            String message = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
            endWith(status, message);
        }

        @Override
        public void onCompleted() {
            endWith(GrpcStatus.OK, null);
        }
    }

    /** A queued message was sent, or never will be: a writer waiting for room looks again. */
    private void unqueue(long cost) {
        server.protocol().streamQueued(-cost);
        long now = queued.addAndGet(-cost);
        if (now < STREAM_QUEUE_LIMIT && now + cost >= STREAM_QUEUE_LIMIT) {
            writability.signal();
        }
    }

    /**
     * Ends a streaming answer: trailers after messages, or a trailers-only answer when none went
     * out; false when the stream had ended already.
     */
    private boolean endWith(GrpcStatus status, @Nullable String message) {
        ChannelHandlerContext ctx = context;
        if (ctx == null) {
            return false;
        }
        synchronized (this) {
            if (!headersSent) {
                return writeTrailersOnly("200", status, message);
            }
            if (!end()) {
                return false;
            }
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers(status, message), true));
            stopRequests(ctx);
            return true;
        }
    }

    /**
     * After our half has ended, a client still sending is told to stop (RST_STREAM NO_ERROR, as
     * HTTP/2 allows a server that has answered in full), so the stream does not stay open.
     */
    private void stopRequests(ChannelHandlerContext ctx) {
        if (!halfClosed) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
        }
    }

    private static DefaultHttp2Headers trailers(GrpcStatus status, @Nullable String message) {
        DefaultHttp2Headers trailers = new DefaultHttp2Headers();
        trailers.setInt("grpc-status", status.code());
        if (message != null) {
            trailers.set("grpc-message", GrpcStatus.encodeMessage(message));
        }
        return trailers;
    }

    private void expire(Duration limit) {
        String message = "tri: no answer within the caller's grpc-timeout of " + limit.toMillis() + " ms";
        if (endWith(GrpcStatus.DEADLINE_EXCEEDED, message)) {
            cancelled(message);
        }
    }

    private void fail(GrpcStatus status, @Nullable String message) {
        closeDeframer();
        requestDone = true;
        request = null;
        if (endWith(status, message)) {
            cancelled(message);
        }
    }

    /** Claims the end of the stream; false when something else ended it already. */
    private boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> task = deadlineTask;
        if (task != null) {
            task.cancel(false);
        }
        writability.signal();
        return true;
    }

    /**
     * Ends the stream with one header block: the HTTP status, the gRPC status and its message;
     * false when the stream had ended already.
     */
    private boolean writeTrailersOnly(String httpStatus, GrpcStatus status, @Nullable String message) {
        ChannelHandlerContext ctx = context;
        synchronized (this) {
            if (ctx == null || !end()) {
                return false;
            }
            headersSent = true;
            DefaultHttp2Headers headers = new DefaultHttp2Headers();
            headers.status(httpStatus).set("content-type", "application/grpc").setInt("grpc-status", status.code());
            if (message != null) {
                headers.set("grpc-message", GrpcStatus.encodeMessage(message));
            }
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
            stopRequests(ctx);
            return true;
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
        writability.signal();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        boolean early = end(); // reset by the client, or the connection lost: nothing more is written
        closeDeframer();
        request = null;
        writability.signal();
        if (early) {
            cancelled("the stream was reset or its connection closed");
        }
        ctx.fireChannelInactive();
    }
}
