package io.tern.triple.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.tern.triple.GrpcStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * gRPC's message compression ({@code grpc-encoding}): gzip, and identity. A compressed message
 * carries flag 1 in its header, and its length is the compressed length; the limit on a
 * message's size is checked again while it inflates, so that a small message cannot inflate
 * past it (deflate reaches about a thousand to one).
 */
public final class GrpcCompression {

    /** What {@code grpc-accept-encoding} says Tern reads. */
    public static final String ACCEPTED = "gzip";
    /** The one compression Tern writes. */
    public static final String GZIP = "gzip";

    /** How the messages of a stream are encoded. */
    public enum Encoding {
        IDENTITY,
        GZIP
    }

    private static final int CHUNK = 8192;

    private GrpcCompression() {
    }

    /** The encoding a {@code grpc-encoding} value names: identity when absent; null for one Tern does not read. */
    public static @Nullable Encoding of(@Nullable CharSequence header) {
        if (header == null || "identity".contentEquals(header)) {
            return Encoding.IDENTITY;
        }
        return GZIP.contentEquals(header) ? Encoding.GZIP : null;
    }

    /** Whether a {@code grpc-accept-encoding} value lists gzip. */
    public static boolean acceptsGzip(@Nullable CharSequence header) {
        if (header == null) {
            return false;
        }
        for (String name : header.toString().split(",")) {
            if (name.trim().equals(GZIP)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads a {@code compression} setting of a service or reference: {@code gzip} to compress its
     * messages, {@code identity} (or none) not to.
     *
     * @throws IllegalArgumentException naming the value and what is taken
     */
    public static boolean compresses(@Nullable String setting) {
        if (setting == null || setting.isEmpty() || setting.equals("identity")) {
            return false;
        }
        if (setting.equals(GZIP)) {
            return true;
        }
        throw new IllegalArgumentException("compression: '" + setting + "' (expected: gzip or identity)");
    }

    /**
     * A framed message compressed: takes {@code framed} (flag 0, length, message) and gives a new
     * framed one with flag 1, both owned as {@link GrpcDeframer#frame} gives them.
     */
    public static ByteBuf compress(ByteBufAllocator allocator, ByteBuf framed) {
        ByteBuf out = allocator.buffer(framed.readableBytes() / 2 + 32);
        try {
            out.writeByte(1).writeInt(0);
            try (OutputStream gzip = new GZIPOutputStream(new ByteBufOutputStream(out), CHUNK)) {
                framed.getBytes(framed.readerIndex() + GrpcDeframer.HEADER, gzip,
                        framed.readableBytes() - GrpcDeframer.HEADER);
            }
            out.setInt(1, out.readableBytes() - GrpcDeframer.HEADER);
            return out;
        } catch (IOException | RuntimeException e) {
            out.release();
            throw new IllegalStateException("gzip: " + e, e);
        } finally {
            framed.release();
        }
    }

    /**
     * A gzip message inflated, into a buffer the caller owns; {@code compressed} stays the caller's.
     *
     * @throws GrpcFramingException RESOURCE_EXHAUSTED as soon as it inflates past {@code maxSize},
     *     INTERNAL when it is not gzip
     */
    public static ByteBuf inflate(ByteBufAllocator allocator, ByteBuf compressed, int maxSize) {
        ByteBuf out = allocator.buffer(Math.min(maxSize, Math.max(CHUNK, compressed.readableBytes() * 4)));
        byte[] chunk = new byte[CHUNK];
        try (InputStream in = new GZIPInputStream(new ByteBufInputStream(compressed), CHUNK)) {
            for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
                if (out.readableBytes() + read > maxSize) {
                    throw new GrpcFramingException(GrpcStatus.RESOURCE_EXHAUSTED, "gRPC message inflates past "
                            + maxSize + " bytes (expected: at most " + maxSize + " once inflated)");
                }
                out.writeBytes(chunk, 0, read);
            }
            return out;
        } catch (IOException e) {
            out.release();
            throw new GrpcFramingException(GrpcStatus.INTERNAL, "gRPC message: not gzip (" + e.getMessage()
                    + ") (expected: gzip, as grpc-encoding says)");
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
