package io.tern.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tern.MethodDescriptor;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.transport.ConnectionTimer;
import io.tern.transport.ServerPort;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a connection's bytes into dubbo frames and decodes their bodies into
 * {@link DecodedRequest}s and {@link DecodedResponse}s. The length field is checked against the
 * payload limit as soon as the header has arrived, before any room is made for the body: on a
 * server, an over-limit request is answered with an error and its body discarded as it arrives;
 * on a client, an over-limit response fails its call and closes the connection. Bytes that are
 * not a dubbo frame close the connection.
 *
 * <p>On a server, with its {@link ServerPort}: a frame still arriving holds its declared length of
 * the server's inbound budget until it is whole, and a connection whose frame does not fit is
 * closed; a frame (or a discarded body) must arrive whole within the frame timeout of its first
 * byte, or the connection is closed.
 *
 * <p>The two sides are its two subclasses: a {@link ServerFrameDecoder} looks up the services its
 * requests name and keeps the port's budget, a {@link ClientFrameDecoder} reads each answer as the
 * call waiting for it expects.
 */
abstract sealed class DubboFrameDecoder extends ByteToMessageDecoder
        permits DubboFrameDecoder.ServerFrameDecoder, DubboFrameDecoder.ClientFrameDecoder {

    private static final Logger log = LoggerFactory.getLogger(DubboFrameDecoder.class);

    /** What a client knows of its calls: the method a pending call expects an answer for. */
    interface PendingLookup {
        /** The pending call with this id, or {@code null} when none is. */
        @Nullable Pending pending(long id);
    }

    /** A call waiting for its answer, as the decoder sees it. */
    interface Pending {
        /** The method whose result type the answer is read as; {@code null} for any. */
        @Nullable MethodDescriptor expected();

        /** Whether the call's own thread reads its answer (it waits for it), not the event loop. */
        default boolean readByCaller() {
            return false;
        }
    }

    private final DubboCodec codec;
    private final int payloadLimit;
    private final DubboCodec.@Nullable ServiceLookup services;
    private final @Nullable PendingLookup pending;
    private final @Nullable ServerPort port;
    private final @Nullable Executor offLoop;
    private final ReadGate gate;
    private long discarding;
    /** Whether a frame is being decoded off the event loop; later bytes wait for it. */
    private boolean deferred;
    /** Bytes of the inbound budget the frame arriving holds. */
    private long reserved;
    private final ConnectionTimer deadline = new ConnectionTimer();

    private DubboFrameDecoder(DubboCodec codec, int payloadLimit, DubboCodec.@Nullable ServiceLookup services,
            @Nullable PendingLookup pending, @Nullable ServerPort port, @Nullable Executor offLoop,
            ReadGate gate) {
        this.codec = codec;
        this.payloadLimit = payloadLimit;
        this.services = services;
        this.pending = pending;
        this.port = port;
        this.offLoop = offLoop;
        this.gate = gate;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (deferred) {
            return; // a frame before these bytes is being decoded elsewhere; they wait their turn
        }
        if (discarding > 0) {
            int skip = (int) Math.min(discarding, in.readableBytes());
            in.skipBytes(skip);
            discarding -= skip;
            if (discarding > 0) {
                arriving(ctx);
                return;
            }
        }
        if (in.readableBytes() < Wire.HEADER_LENGTH) {
            if (in.isReadable()) {
                arriving(ctx);
            } else {
                arrived();
            }
            return;
        }
        int start = in.readerIndex();
        if (!Wire.isMagic(in, start)) {
            reject(ctx, in, String.format("magic: 0x%04x (expected: 0xdabb)", in.getUnsignedShort(start)));
            return;
        }
        byte flags = in.getByte(start + 2);
        byte status = in.getByte(start + 3);
        long id = in.getLong(start + 4);
        int length = in.getInt(start + 12);
        boolean request = (flags & Wire.FLAG_REQUEST) != 0;
        boolean twoWay = (flags & Wire.FLAG_TWO_WAY) != 0;
        boolean event = (flags & Wire.FLAG_EVENT) != 0;
        byte serializationId = (byte) (flags & Wire.SERIALIZATION_MASK);

        if (length < 0) {
            reject(ctx, in, "length: " + length + " (expected: >= 0)");
            return;
        }
        if (event && length > Wire.MAX_EVENT_BODY) {
            reject(ctx, in, "event body: " + length + " bytes (expected: <= " + Wire.MAX_EVENT_BODY + ")");
            return;
        }
        if (length > payloadLimit && !request) {
            // A provider answering over the limit is broken or hostile: fail the call, drop the connection.
            DecodedResponse refused = new DecodedResponse(id, event);
            refused.failure = new RpcException(RpcStatus.LIMIT_EXCEEDED, "payload: the answer is " + length
                    + " bytes (expected: <= " + payloadLimit + "); closing the connection");
            out.add(refused);
            log.warn("closing {}: an answer of {} bytes (expected: <= {}, the payload limit); reconnecting",
                    ctx.channel(), length, payloadLimit);
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        if (length > payloadLimit) {
            in.skipBytes(Wire.HEADER_LENGTH);
            discarding = length;
            int skip = (int) Math.min(discarding, in.readableBytes());
            in.skipBytes(skip);
            discarding -= skip;
            DecodedRequest refused = new DecodedRequest(id, twoWay, event, serializationId);
            refused.failure = new RpcException(RpcStatus.LIMIT_EXCEEDED, "payload: " + length
                    + " bytes (expected: <= " + payloadLimit + ")");
            out.add(refused);
            if (discarding > 0) {
                arriving(ctx);
            } else {
                arrived();
            }
            return;
        }
        if (in.readableBytes() < Wire.HEADER_LENGTH + length) {
            if (length > 0 && !reserve(ctx, in, length)) {
                return;
            }
            arriving(ctx);
            return;
        }
        Pending call = null;
        if (!request && !event && pending != null) {
            call = pending.pending(id);
            if (call == null) {
                arrived();
                in.skipBytes(Wire.HEADER_LENGTH + length);
                log.debug("dropped a response to call {}, which is no longer pending on {}", id, ctx.channel());
                return;
            }
            if (length > Wire.INLINE_DECODE_LIMIT && call.readByCaller()) {
                // A large answer to a caller that waits for it: the caller reads it on its own
                // thread, and this loop goes straight on to the next frame. Small answers are read
                // here: handed to callers they would compete, one thread each, with this loop for
                // the CPUs, and with many callers this loop, which serves them all, falls behind.
                arrived();
                in.skipBytes(Wire.HEADER_LENGTH);
                out.add(new DecodedResponse(id, status, serializationId, in.readRetainedSlice(length)));
                return;
            }
        }
        if (length > Wire.INLINE_DECODE_LIMIT && offLoop != null) {
            decodeElsewhere(ctx, in, flags, status, id, length);
            return;
        }
        arrived();
        in.skipBytes(Wire.HEADER_LENGTH);
        ByteBuf body = in.readSlice(length);
        Object decoded = call != null ? codec.decodeResponse(id, false, status, serializationId, body, call.expected())
                : decodeBody(ctx, flags, status, id, body);
        if (decoded != null) {
            out.add(decoded);
        }
    }

    /** The frame's body decoded; {@code null} for an answer to a call no longer pending. */
    private @Nullable Object decodeBody(ChannelHandlerContext ctx, byte flags, byte status, long id, ByteBuf body) {
        boolean request = (flags & Wire.FLAG_REQUEST) != 0;
        boolean twoWay = (flags & Wire.FLAG_TWO_WAY) != 0;
        boolean event = (flags & Wire.FLAG_EVENT) != 0;
        byte serializationId = (byte) (flags & Wire.SERIALIZATION_MASK);
        if (request) {
            return codec.decodeRequest(id, twoWay, event, serializationId, body, services);
        }
        if (event || pending == null) {
            return codec.decodeResponse(id, event, status, serializationId, body, null);
        }
        Pending call = pending.pending(id); // one lookup for both questions
        if (call == null) {
            log.debug("dropped a response to call {}, which is no longer pending on {}", id, ctx.channel());
            return null;
        }
        return codec.decodeResponse(id, false, status, serializationId, body, call.expected());
    }

    /**
     * Decodes a large frame on the decode executor, so that no event loop spends long on one
     * message: the connection is not read meanwhile (the frames after it wait, in order), the
     * frame keeps its share of the inbound budget until it is decoded, and what it decodes to
     * continues down the pipeline on the event loop.
     */
    private void decodeElsewhere(ChannelHandlerContext ctx, ByteBuf in, byte flags, byte status, long id, int length) {
        if (!reserve(ctx, in, length)) {
            return;
        }
        long held = reserved;
        reserved = 0; // held by the decoding now, given back when it is done
        cancelDeadline();
        in.skipBytes(Wire.HEADER_LENGTH);
        ByteBuf body = in.readRetainedSlice(length);
        deferred = true;
        gate.pause(ReadGate.DECODING);
        Executor executor = java.util.Objects.requireNonNull(offLoop, "offLoop"); // set where frames are deferred
        try {
            executor.execute(() -> {
                Object decoded;
                try {
                    decoded = decodeBody(ctx, flags, status, id, body);
                } finally {
                    body.release();
                }
                ctx.executor().execute(() -> resume(ctx, decoded, held));
            });
        } catch (RejectedExecutionException e) {
            body.release();
            resume(ctx, null, held);
            ctx.close(); // the protocol is closing
        }
    }

    private void resume(ChannelHandlerContext ctx, @Nullable Object decoded, long held) {
        deferred = false;
        if (port != null) {
            port.unreserve(held);
        }
        if (ctx.isRemoved()) {
            return;
        }
        gate.resume(ReadGate.DECODING);
        if (decoded != null) {
            ctx.fireChannelRead(decoded);
        }
        if (ctx.channel().isActive()) {
            try {
                channelRead(ctx, Unpooled.EMPTY_BUFFER); // decodes what arrived meanwhile
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            }
        }
    }

    private static void reject(ChannelHandlerContext ctx, ByteBuf in, String why) {
        log.warn("closing {}: not a dubbo frame: {}", ctx.channel(), why);
        in.skipBytes(in.readableBytes());
        ctx.close();
    }

    /**
     * Holds {@code length} bytes of the inbound budget for the frame arriving, unless it holds
     * them already; closes the connection, and says so, when the budget has no room.
     */
    private boolean reserve(ChannelHandlerContext ctx, ByteBuf in, int length) {
        if (port == null || reserved > 0) {
            return true;
        }
        if (!port.reserve(length)) {
            port.warn(ctx.channel(), "closing a connection: a frame of " + length
                    + " bytes does not fit the server's inbound budget of " + port.inboundBudget() + " bytes"
                    + " (inbound.budget)");
            in.skipBytes(in.readableBytes());
            ctx.close();
            return false;
        }
        reserved = length;
        return true;
    }

    /** A frame has started to arrive: its deadline starts with its first byte. */
    private void arriving(ChannelHandlerContext ctx) {
        ServerPort limits = port;
        if (limits == null || deadline.armed()) {
            return;
        }
        deadline.arm(ctx, limits.limits().frameTimeout(), () -> {
            if (ctx.channel().isActive()) {
                limits.warn(ctx.channel(), "closing a connection: a frame took longer"
                        + " than " + limits.limits().frameTimeout().toMillis() + " ms to arrive (frame.timeout)");
                ctx.close();
            }
        });
    }

    /** The frame arriving is whole (or gone): its deadline and budget are released. */
    private void arrived() {
        cancelDeadline();
        if (reserved > 0 && port != null) {
            port.unreserve(reserved);
            reserved = 0;
        }
    }

    private void cancelDeadline() {
        deadline.disarm();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        arrived();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        arrived();
        super.channelInactive(ctx);
    }

    /**
     * A server's decoder: requests name their services in {@code services}; with an
     * {@code port}, frames arriving hold the port's inbound budget and meet its frame timeout;
     * with {@code offLoop}, large frames are decoded there.
     */
    static final class ServerFrameDecoder extends DubboFrameDecoder {
        ServerFrameDecoder(DubboCodec codec, int payloadLimit, DubboCodec.ServiceLookup services,
                @Nullable ServerPort port, @Nullable Executor offLoop, ReadGate gate) {
            super(codec, payloadLimit, services, null, port, offLoop, gate);
        }
    }

    /**
     * A client's decoder: each answer is read as its call, found in {@code pending}, expects, and
     * one to a call no longer pending is dropped; with {@code offLoop}, large frames are decoded there.
     */
    static final class ClientFrameDecoder extends DubboFrameDecoder {
        ClientFrameDecoder(DubboCodec codec, int payloadLimit, PendingLookup pending, @Nullable Executor offLoop,
                ReadGate gate) {
            super(codec, payloadLimit, null, pending, null, offLoop, gate);
        }
    }
}
