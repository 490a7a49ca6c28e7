package io.tern.dubbo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.core.GenericArguments;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one accepted connection: answers heartbeats, runs decoded calls on the exported
 * services (on the I/O thread or the server's executor, per its dispatch option) and writes
 * their answers in batches. Every two-way request is answered — with the result, or with an
 * error status and a message — unless the connection closes first.
 */
final class ServerConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ServerConnectionHandler.class);
    private static final AtomicLong EVENT_IDS = new AtomicLong();

    private final DubboServer server;
    private final Channel channel;
    private final WriteQueue writes;
    private final ReadGate gate;

    ServerConnectionHandler(DubboServer server, Channel channel, ReadGate gate) {
        this.server = server;
        this.channel = channel;
        this.writes = new WriteQueue(channel);
        this.gate = gate;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DecodedRequest request)) {
            // A response on a server connection: a heartbeat's answer, or a stray frame.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (request.event) {
            if (request.isHeartbeat() && request.twoWay) {
                writes.enqueue(server.codec.encodeHeartbeat(channel.alloc(), request.id, false,
                        request.serializationId), null);
            }
            return;
        }
        if (request.failure != null) {
            // A request that could not be read is the caller's error, whatever went wrong reading it.
            answer(request, request.failure.status() == RpcStatus.SERVICE_NOT_FOUND ? WireStatus.SERVICE_NOT_FOUND
                    : WireStatus.BAD_REQUEST, String.valueOf(request.failure.getMessage()));
            return;
        }
        DubboExporter<?> exporter = server.find(request.path, request.attachments.get(Wire.GROUP), request.version);
        if (exporter == null) {
            answerFailure(request, new RpcException(RpcStatus.SERVICE_NOT_FOUND, "service: " + serviceName(request)
                    + " is not exported on " + server.address + " (expected one of: "
                    + String.join(", ", server.exportedAt(request.path)) + ")"));
            return;
        }
        if (GenericArguments.isGenericCall(request.methodName)) {
            try {
                GenericArguments.check(request.arguments, server.classPolicy());
            } catch (RpcException e) {
                answerFailure(request, e);
                return;
            }
        }
        server.callAccepted();
        MethodDescriptor method = java.util.Objects.requireNonNull(request.method, "method");
        if (server.dispatchesToAPool() && exporter.whereCallsRun.onTheIoThread(method)) {
            long start = System.nanoTime();
            run(exporter, request, false);
            exporter.whereCallsRun.held(method, System.nanoTime() - start);
            return;
        }
        if (!server.dispatch(new ServerCall(exporter, request))) {
            try {
                answerFailure(request, new RpcException(RpcStatus.SERVER_BUSY, "server thread pool exhausted on "
                        + server.address + ": " + server.options.threads() + " threads busy, "
                        + server.options.queues() + " queued (expected: a free thread; raise threads or queues)"));
            } finally {
                server.callFinished();
            }
        }
    }

    /**
     * A call accepted for dispatch. The server counts it from acceptance until it has been
     * answered: run, or refused by a closing server before it started.
     */
    final class ServerCall implements Runnable {
        private final DubboExporter<?> exporter;
        private final DecodedRequest request;

        ServerCall(DubboExporter<?> exporter, DecodedRequest request) {
            this.exporter = exporter;
            this.request = request;
        }

        /** The server the call came to. */
        DubboServer server() {
            return server;
        }

        @Override
        public void run() {
            ServerConnectionHandler.this.run(exporter, request, true);
        }

        /** Answers the call, which never started, with SERVER_BUSY. */
        void refuse(String why) {
            try {
                answerFailure(request, new RpcException(RpcStatus.SERVER_BUSY, why));
            } finally {
                server.callFinished();
            }
        }
    }

    private static String serviceName(DecodedRequest request) {
        Object group = request.attachments.get(Wire.GROUP);
        String version = io.tern.ServiceKey.NO_VERSION.equals(request.version) ? "" : request.version;
        return (group instanceof String g && !g.isEmpty() ? g + "/" : "") + request.path
                + (version.isEmpty() ? "" : ":" + version);
    }

    /** Runs a call, on a pool thread ({@code onThePool}) or on the I/O thread it landed on. */
    private void run(DubboExporter<?> exporter, DecodedRequest request, boolean onThePool) {
        CompletableFuture<Result> future;
        try {
            Invocation invocation = Invocation.of(exporter.key(),
                    java.util.Objects.requireNonNull(request.method, "method"), request.arguments) // read whole
                    .setClassPolicy(server.classPolicy());
            if (request.attachments instanceof java.util.HashMap<String, Object> own) {
                invocation.adoptAttachments(own); // the map read for this call, used as it is
            } else {
                invocation.setAttachments(request.attachments);
            }
            future = exporter.invoker().invoke(invocation);
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        if (onThePool && request.method != null) {
            // before the answer goes: the method's next call may run on the I/O thread
            exporter.whereCallsRun.ranOnThePool(request.method);
        }
        future.whenComplete((result, failure) -> {
            try {
                if (!request.twoWay) {
                    return;
                }
                if (failure != null) {
                    answerFailure(request, Result.asRpcException(failure));
                } else {
                    writes.enqueue(server.codec.encodeResponse(channel.alloc(), request.id, request.serializationId,
                            result, Wire.supportsResponseAttachments(request.dubboVersion),
                            server.options.payloadLimit(), request.methodName), null);
                }
            } finally {
                server.callFinished();
            }
        });
    }

    private void answerFailure(DecodedRequest request, RpcException failure) {
        String message = String.valueOf(failure.getMessage());
        // a refused token is answered as Dubbo answers it, with the status of a service's failure
        WireStatus status = failure.status() == io.tern.RpcStatus.FORBIDDEN && io.tern.core.Tokens.isRefusal(message)
                ? WireStatus.SERVICE_ERROR : WireStatus.forFailure(failure.status());
        answer(request, status, message);
    }

    private void answer(DecodedRequest request, WireStatus status, String message) {
        if (!request.twoWay) {
            log.debug("one-way call failed on {}: {}", channel, message);
            return;
        }
        writes.enqueue(server.codec.encodeError(channel.alloc(), request.id, request.serializationId, status, message),
                null);
    }

    /** Tells the consumer this provider is going away: it should send no new calls. */
    void sendReadOnly() {
        if (channel.isActive()) {
            writes.enqueue(server.codec.encodeOneWayEvent(channel.alloc(), EVENT_IDS.incrementAndGet(),
                    Wire.READ_ONLY_EVENT), null);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            log.debug("closing {}: silent for three heartbeat intervals", channel);
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /** Stops reading while answers wait to be written: a peer that does not read them cannot make more. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            gate.resume(ReadGate.UNWRITABLE);
        } else {
            gate.pause(ReadGate.UNWRITABLE);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        writes.discard();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {}: {}", channel, cause.toString());
        ctx.close();
    }
}
