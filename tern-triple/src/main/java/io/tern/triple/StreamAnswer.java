package io.tern.triple;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.StreamObserver;
import io.tern.transport.ConnectionLimits;
import io.tern.transport.ServerPort;
import io.tern.triple.internal.GrpcCompression;
import io.tern.triple.internal.TripleHeaders;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The answering half of one server stream ({@link TripleStreamHandler} reads the call): a unary
 * answer as one task on the event loop, a streaming method's messages as they come with at most
 * {@link #STREAM_QUEUE_LIMIT} queued before its writer waits for the reader, and the end, which
 * happens once — by the answer, the deadline, or the client going away — after which nothing
 * more is written.
 *
 * <p>Every frame it writes goes through the connection's {@link ConnectionWrites}: one queue, so a
 * stream's trailers or reset never overtake its messages, and flushed once per batch, so the
 * messages of all the streams answering at once share system calls as unary answers do.
 */
final class StreamAnswer {

    /** Dubbo's code for a service's own exception, in {@code tri-exception-code}. */
    private static final String BUSINESS_EXCEPTION = "3";

    /*
     * The header blocks every unary answer without attachments sends, made once: HTTP/2 encoders
     * only read them.
     */
    private static final Http2Headers ANSWER_HEADERS = answerHeaders(false, false);
    private static final Http2Headers EXCEPTION_HEADERS = answerHeaders(true, false);
    private static final Http2Headers GZIP_ANSWER_HEADERS = answerHeaders(false, true);
    private static final Http2Headers GZIP_EXCEPTION_HEADERS = answerHeaders(true, true);

    /** An answer's headers: whether it carries the service's exception, and whether its messages are gzip. */
    private static Http2Headers answerHeaders(boolean thrown, boolean gzip) {
        Http2Headers headers = new DefaultHttp2Headers().status("200").set("content-type", "application/grpc")
                .set("grpc-accept-encoding", GrpcCompression.ACCEPTED);
        if (gzip) {
            headers.set("grpc-encoding", GrpcCompression.GZIP);
        }
        return thrown ? headers.set("tri-exception-code", BUSINESS_EXCEPTION) : headers;
    }
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

    private final TripleProtocol protocol;
    /** The connection's writes from service threads, flushed together. */
    private final ConnectionWrites writes;
    /** What ending the stream stops besides: the deadline of the call. */
    private final Runnable onEnd;
    private final StreamWritability writability = new StreamWritability();
    /** Set by whichever ends the stream first: the answer, the deadline, or the client going away. */
    private final AtomicBoolean ended = new AtomicBoolean();
    /** A server stream's messages queued and not yet sent, counted as {@link #STREAM_QUEUE_LIMIT} says. */
    private final AtomicLong queued = new AtomicLong();
    private final BooleanSupplier room = () -> queued.get() < STREAM_QUEUE_LIMIT;
    private final BooleanSupplier isEnded = ended::get;
    /** What runs once the stream has ended, given by {@link #whenEnded}; {@link #DONE} once it ran. */
    private final AtomicReference<@Nullable Runnable> afterEnd = new AtomicReference<>();
    private static final Runnable DONE = () -> { };
    private @Nullable ChannelHandlerContext context;
    /** The port's limits; null on a connection no port accepted. */
    private @Nullable ServerPort port;
    /** How long a streaming writer waits for its reader: the port's {@code frame.timeout}. */
    private Duration patience = ConnectionLimits.DEFAULT.frameTimeout();
    /** The client ended its half of the stream; until it has, ending ours also resets the stream. */
    private volatile boolean halfClosed;
    /** Whether answer messages go out gzip: the service says so, and the client reads it. */
    private volatile boolean gzip;
    private boolean headersSent;

    StreamAnswer(TripleProtocol protocol, ConnectionWrites writes, Runnable onEnd) {
        this.protocol = protocol;
        this.writes = writes;
        this.onEnd = onEnd;
    }

    /** The stream it answers on, once its handler is added, and its port's limits. */
    void bind(ChannelHandlerContext ctx, @Nullable ServerPort port, Duration frameTimeout) {
        this.context = ctx;
        this.port = port;
        this.patience = frameTimeout;
    }

    /** Whether the stream has ended. */
    boolean ended() {
        return ended.get();
    }

    /** Answer messages go out gzip, with {@code grpc-encoding: gzip}. */
    void compressAnswers() {
        gzip = true;
    }

    /** An answer message as it goes out: compressed when the answers are. */
    private ByteBuf encoded(ChannelHandlerContext ctx, ByteBuf framed) {
        return gzip ? GrpcCompression.compress(ctx.alloc(), framed) : framed;
    }

    /** The client ended its half of the stream. */
    void requestHalfClosed() {
        halfClosed = true;
    }

    /** The observer a server-streaming or bidirectional method answers through. */
    StreamObserver<Object> responses(TripleMethod target) {
        return new ServerResponses(target);
    }

    /**
     * Runs {@code action} once the stream a response observer of this class answers on has ended
     * however it ends (completed, failed, cancelled, past its deadline, its connection gone): at
     * once when it has already. For what a server stream holds on to outside the call, such as a
     * watch among others; at most one action per stream.
     *
     * @throws IllegalArgumentException when {@code responses} is not an observer Tern gave a service
     */
    static void whenEnded(StreamObserver<?> responses, Runnable action) {
        if (!(responses instanceof ServerResponses own)) {
            throw new IllegalArgumentException("responses: a " + responses.getClass().getName()
                    + " (expected: the response observer of a Triple server stream)");
        }
        StreamAnswer answer = own.answer();
        if (!answer.afterEnd.compareAndSet(null, action)) {
            action.run();
        }
    }

    /** The stream's writability changed, or it went: a writer waiting looks again. */
    void signal() {
        writability.signal();
    }

    /**
     * A unary call's answer: headers, message and trailers as one task on the event loop, flushed
     * with the answers finished next to it; refused with RESOURCE_EXHAUSTED when its connection
     * already owes a reader that does not read {@link ConnectionWrites#MAX_OWED}.
     */
    void answer(TripleMethod target, Result result) {
        Throwable thrown = result.exception();
        ChannelHandlerContext ctx = context;
        if (ctx == null) {
            return;
        }
        if (thrown != null && !target.carriesExceptions()) {
            // a protobuf method has no message for it: the status says what went wrong
            endWith(GrpcStatusException.statusOf(thrown),
                    thrown.getMessage() == null ? thrown.getClass().getName() : thrown.getMessage());
            return;
        }
        ByteBuf body;
        try {
            body = encoded(ctx, target.answer(ctx.alloc(), thrown != null ? thrown : result.value(), thrown != null));
        } catch (RpcException e) {
            endWith(GrpcStatus.of(e.status()), e.getMessage());
            return;
        }
        Http2Headers headers = gzip ? thrown != null ? GZIP_EXCEPTION_HEADERS : GZIP_ANSWER_HEADERS
                : thrown != null ? EXCEPTION_HEADERS : ANSWER_HEADERS;
        Http2Headers trailers = OK_TRAILERS;
        if (!result.attachments().isEmpty()) {
            DefaultHttp2Headers own = trailers(GrpcStatus.OK, null);
            TripleHeaders.write(result.attachments(), own::set);
            trailers = own;
        }
        int size = body.readableBytes();
        if (!writes.owe(size)) {
            body.release();
            protocol.answerRefused();
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

        StreamAnswer answer() {
            return StreamAnswer.this;
        }

        @Override
        public void onNext(Object value) {
            ChannelHandlerContext ctx = context;
            // a stream whose channel has closed is over, though its handler may not have heard yet:
            // a writer must not fill the connection's queue with messages for it meanwhile
            if (ended.get() || ctx == null || !ctx.channel().isActive()) {
                throw new RpcException(RpcStatus.CANCELLED, "tri: the stream of " + target.descriptor
                        + " has ended (cancelled by the caller, past its deadline, or completed)");
            }
            ByteBuf body = encoded(ctx, target.answer(ctx.alloc(), value, false));
            long cost = body.readableBytes() + MESSAGE_OVERHEAD;
            synchronized (StreamAnswer.this) {
                if (ended.get()) {
                    body.release();
                    throw new RpcException(RpcStatus.CANCELLED, "tri: the stream of " + target.descriptor
                            + " has ended (cancelled by the caller, past its deadline, or completed)");
                }
                Http2Headers headers = headersSent ? null : gzip ? GZIP_ANSWER_HEADERS : ANSWER_HEADERS;
                headersSent = true;
                queued.addAndGet(cost);
                protocol.streamQueued(cost);
                // in the connection's queue, in this stream's order, flushed with whatever else is ready
                writes.submit(() -> {
                    if (headers != null) {
                        ctx.write(new DefaultHttp2HeadersFrame(headers));
                    }
                    ctx.write(new DefaultHttp2DataFrame(body)).addListener(sent -> unqueue(cost));
                });
            }
            Channel connection = ctx.channel().parent();
            StreamWritability.Outcome waited = writability.await(ctx.channel(), room, isEnded, patience.toNanos(),
                    protocol.streamWriters());
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
            GrpcStatus status = GrpcStatusException.statusOf(error);
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
        protocol.streamQueued(-cost);
        long now = queued.addAndGet(-cost);
        if (now < STREAM_QUEUE_LIMIT && now + cost >= STREAM_QUEUE_LIMIT) {
            writability.signal();
        }
    }

    /**
     * Ends a streaming answer: trailers after messages, or a trailers-only answer when none went
     * out; false when the stream had ended already.
     */
    boolean endWith(GrpcStatus status, @Nullable String message) {
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
            last(ctx, new DefaultHttp2HeadersFrame(trailers(status, message), true));
            return true;
        }
    }

    /**
     * Writes a stream's last header block behind its messages, through the connection's queue so
     * that it cannot overtake them. After our half has ended, a client still sending is told to
     * stop (RST_STREAM NO_ERROR, as HTTP/2 allows a server that has answered in full), so the
     * stream does not stay open.
     */
    private void last(ChannelHandlerContext ctx, DefaultHttp2HeadersFrame ending) {
        boolean stopRequests = !halfClosed;
        writes.submit(() -> {
            ctx.write(ending);
            if (stopRequests) {
                ctx.write(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
            }
        });
    }

    private static DefaultHttp2Headers trailers(GrpcStatus status, @Nullable String message) {
        DefaultHttp2Headers trailers = new DefaultHttp2Headers();
        trailers.setInt("grpc-status", status.code());
        if (message != null) {
            trailers.set("grpc-message", GrpcStatus.encodeMessage(message));
        }
        return trailers;
    }

    /** Claims the end of the stream; false when something else ended it already. */
    boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        onEnd.run();
        writability.signal();
        Runnable then = afterEnd.getAndSet(DONE);
        if (then != null) {
            then.run();
        }
        return true;
    }

    /**
     * Ends the stream with one header block: the HTTP status, the gRPC status and its message;
     * false when the stream had ended already.
     */
    boolean writeTrailersOnly(String httpStatus, GrpcStatus status, @Nullable String message) {
        ChannelHandlerContext ctx = context;
        synchronized (this) {
            if (ctx == null || !end()) {
                return false;
            }
            headersSent = true;
            DefaultHttp2Headers headers = new DefaultHttp2Headers();
            headers.status(httpStatus).set("content-type", "application/grpc")
                    .set("grpc-accept-encoding", GrpcCompression.ACCEPTED).setInt("grpc-status", status.code());
            if (message != null) {
                headers.set("grpc-message", GrpcStatus.encodeMessage(message));
            }
            last(ctx, new DefaultHttp2HeadersFrame(headers, true));
            return true;
        }
    }
}
