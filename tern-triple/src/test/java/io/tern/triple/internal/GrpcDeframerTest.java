package io.tern.triple.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.tern.triple.GrpcStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gRPC framing: messages cut at any byte come out whole, limits hold before allocation, nothing leaks. */
class GrpcDeframerTest {

    private final ByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private final List<String> received = new ArrayList<>();

    private GrpcDeframer deframer(int max) {
        return new GrpcDeframer(allocator, max, message -> {
            try {
                received.add(message.toString(StandardCharsets.UTF_8));
            } finally {
                message.release();
            }
        });
    }

    @Test
    void messagesCutAtEveryByteComeOutWhole() {
        ByteBuf stream = allocator.buffer();
        for (String text : new String[] {"one", "", "three ✓", "x".repeat(10_000)}) {
            ByteBuf framed = GrpcDeframer.frame(allocator, text.getBytes(StandardCharsets.UTF_8));
            stream.writeBytes(framed);
            framed.release();
        }
        byte[] bytes = ByteBufUtil.getBytes(stream);
        stream.release();
        for (int chunk : new int[] {1, 2, 5, 7, 4096, bytes.length}) {
            received.clear();
            try (GrpcDeframer deframer = deframer(1 << 20)) {
                for (int i = 0; i < bytes.length; i += chunk) {
                    ByteBuf piece = allocator.buffer();
                    piece.writeBytes(bytes, i, Math.min(chunk, bytes.length - i));
                    deframer.feed(piece);
                }
                assertThat(deframer.partial()).isFalse();
            }
            assertThat(received).as("chunks of " + chunk).containsExactly("one", "", "three ✓", "x".repeat(10_000));
        }
    }

    @Test
    void aLengthOverTheLimitIsRefusedFromTheHeaderAlone() {
        try (GrpcDeframer deframer = deframer(1024)) {
            ByteBuf header = allocator.buffer().writeByte(0).writeInt(Integer.MAX_VALUE);
            assertThatThrownBy(() -> deframer.feed(header)).isInstanceOf(GrpcFramingException.class)
                    .hasMessage("gRPC message of 2147483647 bytes (expected: at most 1024)")
                    .satisfies(e -> assertThat(((GrpcFramingException) e).status())
                            .isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED));
            assertThat(header.refCnt()).as("released with the reader").isZero();
        }
        try (GrpcDeframer deframer = deframer(1024)) {
            ByteBuf unsigned = allocator.buffer().writeByte(0).writeInt(0xffff_ffff);
            assertThatThrownBy(() -> deframer.feed(unsigned)).hasMessageContaining("4294967295 bytes");
        }
    }

    @Test
    void aCompressedMessageWithoutAnEncodingAndUnknownFlagsAreRefused() {
        try (GrpcDeframer deframer = deframer(1024)) {
            assertThatThrownBy(() -> deframer.feed(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0, 1, 9})))
                    .isInstanceOf(GrpcFramingException.class)
                    .hasMessage("gRPC message flag 1 without a grpc-encoding (expected: 0, or grpc-encoding: gzip)")
                    .satisfies(e -> assertThat(((GrpcFramingException) e).status()).isEqualTo(GrpcStatus.INTERNAL));
        }
        try (GrpcDeframer deframer = deframer(1024)) {
            assertThatThrownBy(() -> deframer.feed(Unpooled.wrappedBuffer(new byte[] {7, 0, 0, 0, 0})))
                    .satisfies(e -> assertThat(((GrpcFramingException) e).status()).isEqualTo(GrpcStatus.INTERNAL));
        }
    }

    private GrpcDeframer gzipDeframer(int max) {
        return new GrpcDeframer(allocator, max, GrpcCompression.Encoding.GZIP, message -> {
            try {
                received.add(message.toString(StandardCharsets.UTF_8));
            } finally {
                message.release();
            }
        });
    }

    private ByteBuf gzipFramed(String text) {
        return GrpcCompression.compress(allocator, GrpcDeframer.frame(allocator, text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void gzipMessagesInflateAndPlainOnesPassOnAGzipStream() {
        try (GrpcDeframer deframer = gzipDeframer(1 << 20)) {
            ByteBuf compressed = gzipFramed("squeeze ".repeat(1000));
            assertThat(compressed.getByte(0)).as("the compressed flag").isEqualTo((byte) 1);
            assertThat(compressed.readableBytes()).isLessThan(200);
            deframer.feed(compressed);
            deframer.feed(GrpcDeframer.frame(allocator, "plain".getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(received).containsExactly("squeeze ".repeat(1000), "plain");
    }

    @Test
    void aGzipBombStopsInflatingAtTheLimit() throws Exception {
        // 256 MiB of zeros: about 256 KB of gzip, under the limit of 1 MiB until it inflates
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(bytes)) {
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 256; i++) {
                gzip.write(zeros);
            }
        }
        ByteBuf bomb = Unpooled.wrappedBuffer(bytes.toByteArray());
        assertThat(bomb.readableBytes()).isLessThan(1 << 20);
        assertThatThrownBy(() -> GrpcCompression.inflate(allocator, bomb, 1 << 20))
                .isInstanceOf(GrpcFramingException.class)
                .hasMessage("gRPC message inflates past 1048576 bytes (expected: at most 1048576 once inflated)")
                .satisfies(e -> assertThat(((GrpcFramingException) e).status()).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED));
        assertThat(bomb.readerIndex()).as("it stopped reading the bomb soon after the limit, not at its end")
                .isLessThan(bomb.writerIndex() / 10);

        ByteBuf framed = allocator.buffer().writeByte(1).writeInt(bomb.writerIndex()).writeBytes(bomb, 0, bomb.writerIndex());
        try (GrpcDeframer deframer = gzipDeframer(1 << 20)) {
            assertThatThrownBy(() -> deframer.feed(framed)).isInstanceOf(GrpcFramingException.class)
                    .hasMessageStartingWith("gRPC message inflates past");
            assertThat(framed.refCnt()).as("released with the reader").isZero();
        }
    }

    @Test
    void bytesThatAreNotGzipAreRefused() {
        try (GrpcDeframer deframer = gzipDeframer(1024)) {
            assertThatThrownBy(() -> deframer.feed(Unpooled.wrappedBuffer(new byte[] {1, 0, 0, 0, 3, 1, 2, 3})))
                    .isInstanceOf(GrpcFramingException.class).hasMessageStartingWith("gRPC message: not gzip (")
                    .satisfies(e -> assertThat(((GrpcFramingException) e).status()).isEqualTo(GrpcStatus.INTERNAL));
        }
    }

    @Test
    void aCutOffMessageIsPartialAndReleasedOnClose() {
        ByteBuf piece = allocator.buffer().writeByte(0).writeInt(100).writeBytes(new byte[40]);
        GrpcDeframer deframer = deframer(1024);
        deframer.feed(piece);
        assertThat(deframer.partial()).isTrue();
        assertThat(received).isEmpty();
        deframer.close();
        assertThat(piece.refCnt()).isZero();
        ByteBuf late = allocator.buffer().writeByte(0);
        assertThatThrownBy(() -> deframer.feed(late)).isInstanceOf(IllegalStateException.class);
        assertThat(late.refCnt()).as("a chunk fed after close is released").isZero();
    }
}
