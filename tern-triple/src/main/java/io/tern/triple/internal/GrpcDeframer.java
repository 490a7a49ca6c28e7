package io.tern.triple.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.tern.triple.GrpcStatus;
import java.util.function.Consumer;

/**
 * Cuts a stream's DATA into gRPC messages: a flag byte (0, uncompressed; 1, compressed in the
 * stream's {@code grpc-encoding}), a four-byte big-endian length, then the message. A length
 * over the limit is refused from the five header bytes alone, before anything is gathered for
 * the body; a compressed message is refused as soon as it inflates past the limit. Holds only the
 * bytes of the message it is reading; {@link #close()} releases them. A chunk that does not
 * complete the message being read is copied into a buffer of its own size, so that a message
 * arriving in small frames holds its own bytes, not the larger read buffers its frames came in.
 */
public final class GrpcDeframer implements AutoCloseable {

    /** Bytes before each message. */
    public static final int HEADER = 5;

    private final int maxMessageSize;
    private final ByteBufAllocator allocator;
    private final Consumer<ByteBuf> messages;
    private final CompositeByteBuf pending;
    private final GrpcCompression.Encoding encoding;
    private int bodyLength = -1;
    /** Whether the message being read is compressed. */
    private boolean compressed;
    private boolean closed;

    /**
     * @param messages gets each message, and owns it: it must release it
     */
    public GrpcDeframer(ByteBufAllocator allocator, int maxMessageSize, Consumer<ByteBuf> messages) {
        this(allocator, maxMessageSize, GrpcCompression.Encoding.IDENTITY, messages);
    }

    /**
     * @param encoding what the stream's {@code grpc-encoding} says its compressed messages are in
     * @param messages gets each message, inflated, and owns it: it must release it
     */
    public GrpcDeframer(ByteBufAllocator allocator, int maxMessageSize, GrpcCompression.Encoding encoding,
            Consumer<ByteBuf> messages) {
        this.encoding = encoding;
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("maxMessageSize: " + maxMessageSize + " (expected: >= 0)");
        }
        this.maxMessageSize = maxMessageSize;
        this.allocator = allocator;
        this.messages = messages;
        this.pending = allocator.compositeBuffer(Integer.MAX_VALUE);
    }

    /**
     * Takes a chunk of the stream (and its ownership) and hands on every message it completes.
     *
     * @throws GrpcFramingException for a message over the limit, or compressed without a
     *     {@code grpc-encoding}; the reader is closed then
     */
    public void feed(ByteBuf data) {
        if (closed) {
            data.release();
            throw new IllegalStateException("deframer closed (expected: open)");
        }
        if (bodyLength >= 0 && pending.readableBytes() + data.readableBytes() < bodyLength) {
            ByteBuf copy = allocator.buffer(data.readableBytes());
            copy.writeBytes(data);
            data.release();
            data = copy; // still short of the message: hold its bytes alone
        }
        pending.addComponent(true, data);
        try {
            while (true) {
                if (bodyLength < 0) {
                    if (pending.readableBytes() < HEADER) {
                        break;
                    }
                    int flag = pending.readUnsignedByte();
                    long length = pending.readUnsignedInt();
                    if (flag > 1 || flag == 1 && encoding == GrpcCompression.Encoding.IDENTITY) {
                        throw new GrpcFramingException(GrpcStatus.INTERNAL, "gRPC message flag " + flag
                                + (flag == 1 ? " without a grpc-encoding (expected: 0, or grpc-encoding: gzip)"
                                        : " (expected: 0, or 1 for a compressed message)"));
                    }
                    compressed = flag == 1;
                    if (length > maxMessageSize) {
                        throw new GrpcFramingException(GrpcStatus.RESOURCE_EXHAUSTED, "gRPC message of " + length
                                + " bytes (expected: at most " + maxMessageSize + ")");
                    }
                    bodyLength = (int) length;
                }
                if (pending.readableBytes() < bodyLength) {
                    break;
                }
                if (pending.refCnt() == 1) {
                    pending.discardReadComponents(); // only while no message read before still shares it
                }
                ByteBuf message = pending.readRetainedSlice(bodyLength);
                bodyLength = -1;
                if (compressed) {
                    ByteBuf gzip = message;
                    try {
                        message = GrpcCompression.inflate(allocator, gzip, maxMessageSize);
                    } finally {
                        gzip.release();
                    }
                }
                messages.accept(message);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Whether a message has begun and not ended: at the end of a stream, a cut-off message. */
    public boolean partial() {
        return !closed && (bodyLength >= 0 || pending.isReadable());
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pending.release();
        }
    }

    /** One message with its header, in a buffer of {@code allocator}'s. */
    public static ByteBuf frame(ByteBufAllocator allocator, byte[] message) {
        return allocator.buffer(HEADER + message.length).writeByte(0).writeInt(message.length).writeBytes(message);
    }
}
