package io.tern.triple;

import io.netty.buffer.ByteBuf;
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
import io.netty.util.AsciiString;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.ServiceUrl;
import io.tern.StreamObserver;
import io.tern.core.AbstractInvoker;
import io.tern.triple.internal.GrpcCompression;
import io.tern.triple.internal.GrpcDeframer;
import io.tern.triple.internal.GrpcFramingException;
import io.tern.triple.internal.GrpcTimeout;
import io.tern.triple.internal.TripleHeaders;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Calls one service of one provider over Triple: each call a stream on the protocol's shared
 * connection to that address.
 *
 * <ul>
 *   <li>Unary calls send the reference's timeout as {@code grpc-timeout} and keep it here too:
 *       the stream is reset when it passes.
 *   <li>Server-streaming calls ({@code void m(Req, StreamObserver<Resp>)}) return once the
 *       request is on its way; the answers reach the observer in order on the protocol's
 *       service threads, then {@code onCompleted} or {@code onError}. An observer that throws
 *       cancels the call.
 *   <li>Bidirectional calls ({@code StreamObserver<Req> m(StreamObserver<Resp>)}) return the
 *       observer requests go to: {@code onNext} waits while the provider is not reading,
 *       {@code onCompleted} ends the requests, {@code onError} cancels the call.
 * </ul>
 *
 * <p>Streams have no deadline of their own. Holds a share of the connection, given back when it
 * closes.
 */
final class TripleInvoker<T> extends AbstractInvoker<T> {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    private static final AsciiString POST = AsciiString.cached("POST");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");
    private static final AsciiString TOKEN = AsciiString.cached(io.tern.core.Tokens.KEY);
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
    private static final AsciiString GRPC_PROTO = AsciiString.cached("application/grpc+proto");
    private static final AsciiString TE = AsciiString.cached("te");
    private static final AsciiString TRAILERS = AsciiString.cached("trailers");
    private static final AsciiString ACCEPT_ENCODING = AsciiString.cached("grpc-accept-encoding");
    private static final AsciiString ACCEPTED = AsciiString.cached(GrpcCompression.ACCEPTED);
    private static final AsciiString ENCODING = AsciiString.cached("grpc-encoding");
    private static final AsciiString GZIP = AsciiString.cached(GrpcCompression.GZIP);

    private final TripleProtocol protocol;
    private final TripleConnection connection;
    private final ServiceDescriptor descriptor;
    /** The wire form of each method, by its index in the descriptor. */
    private final TripleMethod[] methods;
    /** Each method's {@code :path}, by its index in the descriptor. */
    private final AsciiString[] paths;
    private final AsciiString authority;
    private final AsciiString scheme;
    /** The provider's token, sent with every call; {@code null} when its URL has none. */
    private final @Nullable String token;
    private final Duration timeout;
    private final String timeoutHeader;
    /** Whether requests go out gzip: the URL's {@code compression=gzip}. */
    private final boolean compress;

    TripleInvoker(TripleProtocol protocol, TripleConnection connection, Class<T> type, ServiceUrl url) {
        super(type, url, protocol.tracker());
        this.protocol = protocol;
        this.connection = connection;
        this.descriptor = ServiceDescriptor.of(type);
        this.methods = descriptor.methods().stream().map(m -> TripleMethod.of(m, protocol.serialization()))
                .toArray(TripleMethod[]::new);
        String service = "/" + (url.path().isEmpty() ? type.getName() : url.path()) + "/";
        this.paths = Arrays.stream(methods).map(m -> AsciiString.of(service + m.wireName)).toArray(AsciiString[]::new);
        this.authority = AsciiString.of(connection.address);
        this.scheme = connection.tls ? HTTPS : HTTP;
        this.token = io.tern.core.Tokens.of(url);
        this.timeout = url.timeout().orElse(DEFAULT_TIMEOUT);
        this.timeoutHeader = GrpcTimeout.format(timeout);
        this.compress = GrpcCompression.compresses(url.parameter(TripleExporter.COMPRESSION));
    }

    /** A request message as it goes out: compressed when this reference's requests are. */
    private ByteBuf encoded(ByteBuf framed) {
        return compress ? GrpcCompression.compress(connection.alloc(), framed) : framed;
    }

    @Override
    public boolean isAvailable() {
        return super.isAvailable() && connection.isAvailable();
    }

    @Override
    protected CompletableFuture<Result> doInvoke(Invocation invocation) {
        MethodDescriptor described = invocation.method();
        if (described == null) {
            described = descriptor.find(invocation.methodName(), invocation.parameterDescriptor());
        }
        if (described == null) {
            return CompletableFuture.failedFuture(new RpcException(RpcStatus.METHOD_NOT_FOUND, "method not found: "
                    + url().serviceKey() + "." + invocation.methodName() + " (expected: a method of " + type().getName()
                    + ")"));
        }
        TripleMethod method = methods[described.index()];
        Http2Headers headers = new DefaultHttp2Headers().method(POST).scheme(scheme).authority(authority)
                .path(paths[described.index()]).set(CONTENT_TYPE, GRPC_PROTO).set(TE, TRAILERS)
                .set(ACCEPT_ENCODING, ACCEPTED);
        if (compress) {
            headers.set(ENCODING, GZIP);
        }
        if (method.kind() == MethodDescriptor.Kind.UNARY) {
            headers.set("grpc-timeout", timeoutHeader);
        }
        if (!url().serviceKey().version().isEmpty()) {
            headers.set("tri-service-version", url().serviceKey().version());
        }
        if (!url().serviceKey().group().isEmpty()) {
            headers.set("tri-service-group", url().serviceKey().group());
        }
        if (token != null) {
            headers.set(TOKEN, token);
        }
        TripleHeaders.write(invocation.attachments(), headers::set);
        @Nullable Object[] arguments = invocation.arguments();
        return switch (method.kind()) {
            case UNARY -> unary(method, headers, arguments);
            case SERVER_STREAMING -> serverStreaming(method, headers, arguments);
            case BIDI_STREAMING -> bidiStreaming(method, headers, arguments);
        };
    }

    private CompletableFuture<Result> unary(TripleMethod method, Http2Headers headers, @Nullable Object[] arguments) {
        ByteBuf request = encoded(method.request(connection.alloc(), arguments));
        CompletableFuture<Result> answer = new CompletableFuture<>();
        UnaryCall call = new UnaryCall(method, answer);
        open(call, method).whenComplete((stream, failure) -> {
            if (failure != null) {
                request.release();
                answer.completeExceptionally(failure);
                return;
            }
            ScheduledFuture<?> deadline = stream.eventLoop().schedule(() -> {
                if (answer.completeExceptionally(new RpcException(RpcStatus.TIMEOUT, "tri: "
                        + url().serviceKey().call(method.descriptor.name()) + " did not answer within "
                        + timeout.toMillis() + " ms (expected: an answer within the timeout)"))) {
                    stream.close(); // resets the stream: the provider stops working on it
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            answer.whenComplete((r, e) -> deadline.cancel(false));
            stream.write(new DefaultHttp2HeadersFrame(headers));
            stream.write(new DefaultHttp2DataFrame(request, true));
            call.writes().flushSoon(); // with the calls opened next to this one
        });
        return answer;
    }

    private CompletableFuture<Result> serverStreaming(TripleMethod method, Http2Headers headers,
            @Nullable Object[] arguments) {
        StreamObserver<Object> responses = observer(arguments[1], method);
        ByteBuf request = encoded(method.request(connection.alloc(), arguments));
        StreamCall call = new StreamCall(method, responses);
        return open(call, method).handle((stream, failure) -> {
            if (failure != null) {
                request.release();
                throw Result.asRpcException(failure);
            }
            stream.write(new DefaultHttp2HeadersFrame(headers));
            stream.write(new DefaultHttp2DataFrame(request, true));
            call.writes().flushSoon();
            return Result.value(null);
        });
    }

    private CompletableFuture<Result> bidiStreaming(TripleMethod method, Http2Headers headers,
            @Nullable Object[] arguments) {
        StreamObserver<Object> responses = observer(arguments[0], method);
        StreamCall call = new StreamCall(method, responses);
        return open(call, method).handle((stream, failure) -> {
            if (failure != null) {
                throw Result.asRpcException(failure);
            }
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers));
            return Result.value(new Requests(method, stream, call));
        });
    }

    private static StreamObserver<Object> observer(@Nullable Object argument, TripleMethod method) {
        if (argument == null) {
            throw new IllegalArgumentException("responses: null (expected: the StreamObserver the answers of "
                    + method.descriptor + " go to)");
        }
        @SuppressWarnings("unchecked")
        StreamObserver<Object> observer = (StreamObserver<Object>) argument;
        return observer;
    }

    /** A new stream on the connection, made first if it is not up, with {@code handler} reading it. */
    private CompletableFuture<Http2StreamChannel> open(ClientStream handler, TripleMethod method) {
        TripleConnection.Link link = connection.link();
        if (link != null) {
            return open(link, handler, method);
        }
        return connection.dial().handle((made, failure) -> failure == null ? open(made, handler, method)
                : CompletableFuture.<Http2StreamChannel>failedFuture(Result.asRpcException(failure)))
                .thenCompose(opening -> opening);
    }

    private CompletableFuture<Http2StreamChannel> open(TripleConnection.Link link, ClientStream handler,
            TripleMethod method) {
        handler.writes = link.writes();
        CompletableFuture<Http2StreamChannel> opened = new CompletableFuture<>();
        new Http2StreamChannelBootstrap(link.channel()).handler(handler).open()
                .addListener((Future<Http2StreamChannel> f) -> {
                    if (f.isSuccess()) {
                        opened.complete(f.getNow());
                    } else {
                        opened.completeExceptionally(new RpcException(RpcStatus.NETWORK, "tri: no stream to "
                                + connection.address + " for " + url().serviceKey().call(method.descriptor.name())
                                + ": " + f.cause(), f.cause()));
                    }
                });
        return opened;
    }

    @Override
    protected void onClose() {
        protocol.forget(this);
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        return protocol.release(connection);
    }

    /**
     * Reads one call's answer: its headers, its messages, and the status in its trailers (or in
     * the headers of a trailers-only answer). Subclasses take the messages and the end.
     */
    private abstract class ClientStream extends SimpleChannelInboundHandler<Http2StreamFrame> {
        final TripleMethod method;
        private @Nullable Http2Headers headers;
        private @Nullable GrpcDeframer deframer;
        private boolean done;
        /** What writes to the stream's connection; set when the stream is opened. */
        @Nullable ConnectionWrites writes;

        ClientStream(TripleMethod method) {
            this.method = method;
        }

        ConnectionWrites writes() {
            return java.util.Objects.requireNonNull(writes, "writes: set when the stream is opened");
        }

        /** One answer message, owned by the caller. */
        abstract void onMessage(ByteBuf message, boolean thrown);

        /** The call ended well: the trailers' attachments. */
        abstract void onSuccess(Map<String, Object> attachments);

        /** The call failed. */
        abstract void onFailure(RpcException failure);

        /** Whether this side has ended its half of the stream; a stream the provider ended before it is reset. */
        boolean requestsEnded() {
            return true;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            if (done) {
                return;
            }
            try {
                if (frame instanceof Http2HeadersFrame block) {
                    if (headers == null) {
                        headers = block.headers();
                        boolean thrown = thrown(block.headers());
                        CharSequence encodingHeader = block.headers().get(ENCODING);
                        GrpcCompression.Encoding encoding = GrpcCompression.of(encodingHeader);
                        if (encoding == null) {
                            throw new GrpcFramingException(GrpcStatus.INTERNAL, "an answer in grpc-encoding "
                                    + encodingHeader + " (expected: " + GrpcCompression.ACCEPTED + " or identity)");
                        }
                        deframer = new GrpcDeframer(ctx.alloc(), TripleProtocol.MAX_MESSAGE_SIZE, encoding, m -> {
                            try {
                                onMessage(m, thrown);
                            } finally {
                                m.release();
                            }
                        });
                    }
                    if (block.isEndStream()) {
                        end(ctx, block.headers());
                    }
                } else if (frame instanceof Http2DataFrame data && deframer != null) {
                    deframer.feed(data.content().retain());
                    if (data.isEndStream()) {
                        end(ctx, new DefaultHttp2Headers());
                    }
                }
            } catch (GrpcFramingException e) {
                fail(ctx, new RpcException(e.status().toRpcStatus(), "tri: " + e.getMessage()));
            } catch (RuntimeException e) {
                fail(ctx, e instanceof RpcException rpc ? rpc : new RpcException(RpcStatus.SERIALIZATION, "tri: the"
                        + " answer of " + url().serviceKey().call(method.descriptor.name()) + " cannot be read: "
                        + e.getMessage(), e));
            }
        }

        private boolean thrown(Http2Headers first) {
            CharSequence exceptionCode = first.get("tri-exception-code");
            return exceptionCode != null && !"0".contentEquals(exceptionCode);
        }

        private void end(ChannelHandlerContext ctx, Http2Headers trailers) {
            if (!requestsEnded()) {
                ctx.close(); // the provider has answered in full: our half ends too
            }
            Http2Headers first = headers;
            // the status comes in the trailers, or in the headers of a trailers-only answer
            Http2Headers carrier = trailers.contains("grpc-status") || first == null ? trailers : first;
            GrpcStatus grpc = status(carrier.get("grpc-status"), first);
            done = true;
            closeDeframer();
            if (grpc != GrpcStatus.OK) {
                CharSequence statusMessage = carrier.get("grpc-message");
                String text = statusMessage == null ? grpc.name() : GrpcStatus.decodeMessage(statusMessage.toString());
                onFailure(new RpcException(grpc.toRpcStatus(), "tri: " + url().serviceKey().call(method.descriptor.name())
                        + " failed: " + grpc + ": " + text));
                return;
            }
            onSuccess(TripleHeaders.read(trailers));
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
            if (http == null || "200".contentEquals(http)) {
                return GrpcStatus.UNKNOWN;
            }
            try {
                return GrpcStatus.ofHttp(Integer.parseInt(http.toString()));
            } catch (NumberFormatException e) {
                return GrpcStatus.UNKNOWN;
            }
        }

        /** Fails the call and resets its stream: the provider stops working on it. */
        void fail(ChannelHandlerContext ctx, RpcException failure) {
            if (done) {
                return;
            }
            done = true;
            closeDeframer();
            onFailure(failure);
            ctx.close();
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
            if (!done) {
                done = true;
                onFailure(new RpcException(RpcStatus.NETWORK, "tri: the stream of "
                        + url().serviceKey().call(method.descriptor.name()) + " to " + connection.address
                        + " closed before the answer (expected: an answer)"));
            }
            ctx.fireChannelInactive();
        }
    }

    /** A unary call: one answer message, then the trailers complete the call. */
    private final class UnaryCall extends ClientStream {
        private final CompletableFuture<Result> answer;
        private @Nullable Result result;

        UnaryCall(TripleMethod method, CompletableFuture<Result> answer) {
            super(method);
            this.answer = answer;
        }

        @Override
        void onMessage(ByteBuf message, boolean thrown) {
            if (result != null) {
                throw new RpcException(RpcStatus.SERIALIZATION, "tri: " + url().serviceKey().call(method.descriptor.name())
                        + " answered a second message (expected: one, for a unary call)");
            }
            Object value = method.answer(message, thrown);
            result = thrown && value instanceof Throwable t ? Result.exception(t) : Result.value(value);
        }

        @Override
        void onSuccess(Map<String, Object> attachments) {
            Result answered = result;
            if (answered == null) {
                onFailure(new RpcException(RpcStatus.SERIALIZATION, "tri: " + url().serviceKey().call(method.descriptor.name())
                        + " answered without a message (expected: one, for a unary call)"));
                return;
            }
            answer.complete(attachments.isEmpty() ? answered : answered.withAttachments(attachments));
        }

        @Override
        void onFailure(RpcException failure) {
            answer.completeExceptionally(failure);
        }
    }

    /**
     * A streaming call's answers: each message handed to the caller's observer in order, on the
     * service threads, then its end. An observer that throws cancels the call.
     */
    private final class StreamCall extends ClientStream {
        private final StreamObserver<Object> responses;
        /** The call is over: answered, failed or cancelled; requests can no longer go out. */
        private final AtomicBoolean ended = new AtomicBoolean();
        /** This side cancelled: answers still waiting are not handed on. */
        private volatile boolean cancelled;
        /** The caller's requests have ended (always, for a server stream's one request). */
        private volatile boolean requestsEnded;
        private final StreamWritability writability = new StreamWritability();
        private @Nullable StreamInbound inbound;
        private @Nullable ChannelHandlerContext context;

        StreamCall(TripleMethod method, StreamObserver<Object> responses) {
            super(method);
            this.responses = responses;
            this.requestsEnded = method.kind() != MethodDescriptor.Kind.BIDI_STREAMING;
        }

        @Override
        boolean requestsEnded() {
            return requestsEnded;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            context = ctx;
            inbound = new StreamInbound(ctx.channel(), protocol.services());
        }

        @SuppressWarnings("NullAway") // a stream's message may be null, as Hessian carries it
        @Override
        void onMessage(ByteBuf message, boolean thrown) {
            Object value = method.answer(message, thrown);
            deliver(() -> {
                if (cancelled) {
                    return;
                }
                try {
                    responses.onNext(value);
                } catch (RuntimeException e) {
                    cancel(new RpcException(RpcStatus.CANCELLED, "tri: the observer of "
                            + url().serviceKey().call(method.descriptor.name()) + " threw " + e, e), true);
                }
            });
        }

        @Override
        void onSuccess(Map<String, Object> attachments) {
            if (ended.compareAndSet(false, true)) {
                writability.signal();
                deliver(responses::onCompleted);
            }
        }

        @Override
        void onFailure(RpcException failure) {
            if (ended.compareAndSet(false, true)) {
                writability.signal();
                deliver(() -> responses.onError(failure));
            }
        }

        /** Ends the call from this side: resets the stream, and the observer hears why. */
        void cancel(RpcException why, boolean tell) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            cancelled = true;
            writability.signal();
            ChannelHandlerContext ctx = context;
            if (ctx != null) {
                ctx.channel().close();
            }
            if (tell) {
                responses.onError(why);
            } else {
                deliver(() -> responses.onError(why));
            }
        }

        private void deliver(Runnable task) {
            StreamInbound queue = inbound;
            if (queue == null) {
                return;
            }
            try {
                queue.submit(task);
            } catch (RejectedExecutionException e) {
                ChannelHandlerContext ctx = context;
                if (ctx != null) {
                    ctx.channel().close(); // the protocol is closing: nothing can observe the rest
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writability.signal();
            ctx.fireChannelWritabilityChanged();
        }
    }

    /** The observer a bidirectional call's requests go to: each message out on the call's stream. */
    private final class Requests implements StreamObserver<Object> {
        private final TripleMethod method;
        private final Http2StreamChannel stream;
        private final StreamCall call;
        private boolean completed;

        Requests(TripleMethod method, Http2StreamChannel stream, StreamCall call) {
            this.method = method;
            this.stream = stream;
            this.call = call;
        }

        @Override
        public void onNext(Object value) {
            if (completed || call.ended.get()) {
                throw new RpcException(RpcStatus.CANCELLED, "tri: the stream of "
                        + url().serviceKey().call(method.descriptor.name()) + " has ended (completed or cancelled)");
            }
            stream.writeAndFlush(new DefaultHttp2DataFrame(encoded(method.requestMessage(stream.alloc(), value))));
            call.writability.await(stream, call.ended::get);
        }

        @Override
        public void onError(Throwable error) {
            call.cancel(new RpcException(RpcStatus.CANCELLED, "tri: " + url().serviceKey().call(method.descriptor.name())
                    + " cancelled by its caller: " + error, error), false);
        }

        @Override
        public void onCompleted() {
            if (!completed && !call.ended.get()) {
                completed = true;
                call.requestsEnded = true;
                stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
            }
        }
    }
}
