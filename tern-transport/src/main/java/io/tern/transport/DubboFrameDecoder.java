package io.tern.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tern.MethodDescriptor;
import io.tern.RpcException;
import io.tern.RpcStatus;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits a connection's bytes into dubbo frames and decodes their bodies into
 * {@link DecodedRequest}s and {@link DecodedResponse}s. The length field is checked against the
 * payload limit as soon as the header has arrived, before any room is made for the body: an
 * over-limit request is answered with an error and its body discarded as it arrives. Bytes that
 * are not a dubbo frame close the connection.
 */
final class DubboFrameDecoder extends ByteToMessageDecoder {

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
    }

    private final DubboCodec codec;
    private final int payloadLimit;
    private final DubboCodec.@Nullable ServiceLookup services;
    private final @Nullable PendingLookup pending;
    private long discarding;

    DubboFrameDecoder(DubboCodec codec, int payloadLimit, DubboCodec.@Nullable ServiceLookup services,
            @Nullable PendingLookup pending) {
        this.codec = codec;
        this.payloadLimit = payloadLimit;
        this.services = services;
        this.pending = pending;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (discarding > 0) {
            int skip = (int) Math.min(discarding, in.readableBytes());
            in.skipBytes(skip);
            discarding -= skip;
            if (discarding > 0) {
                return;
            }
        }
        if (in.readableBytes() < Wire.HEADER_LENGTH) {
            return;
        }
        int start = in.readerIndex();
        if (in.getByte(start) != Wire.MAGIC_HIGH || in.getByte(start + 1) != Wire.MAGIC_LOW) {
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
        if (length > payloadLimit) {
            in.skipBytes(Wire.HEADER_LENGTH);
            discarding = length;
            int skip = (int) Math.min(discarding, in.readableBytes());
            in.skipBytes(skip);
            discarding -= skip;
            RpcException tooBig = new RpcException(RpcStatus.LIMIT_EXCEEDED, "payload: " + length
                    + " bytes (expected: <= " + payloadLimit + ")");
            if (request) {
                DecodedRequest refused = new DecodedRequest(id, twoWay, event, serializationId);
                refused.failure = tooBig;
                out.add(refused);
            } else {
                DecodedResponse refused = new DecodedResponse(id, event);
                refused.failure = tooBig;
                out.add(refused);
            }
            return;
        }
        if (in.readableBytes() < Wire.HEADER_LENGTH + length) {
            return;
        }
        in.skipBytes(Wire.HEADER_LENGTH);
        ByteBuf body = in.readSlice(length);
        if (request) {
            out.add(codec.decodeRequest(id, twoWay, event, serializationId, body, services));
        } else if (event || pending == null) {
            out.add(codec.decodeResponse(id, event, status, serializationId, body, null));
        } else {
            Pending call = pending.pending(id); // one lookup for both questions
            if (call != null) {
                out.add(codec.decodeResponse(id, false, status, serializationId, body, call.expected()));
            } else {
                log.debug("dropped a response to call {}, which is no longer pending on {}", id, ctx.channel());
            }
        }
    }

    private static void reject(ChannelHandlerContext ctx, ByteBuf in, String why) {
        log.warn("closing {}: not a dubbo frame: {}", ctx.channel(), why);
        in.skipBytes(in.readableBytes());
        ctx.close();
    }
}
