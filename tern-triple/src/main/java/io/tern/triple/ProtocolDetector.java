package io.tern.triple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.tern.transport.ConnectionTimer;
import io.tern.transport.ServerPort;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tells a new connection's protocol from its first bytes and sets up the pipeline for it:
 * HTTP/2 when it opens with the HTTP/2 connection preface (prior knowledge, as gRPC and Dubbo
 * clients speak), HTTP/1.1 when it opens with a request line's method. Anything else closes the
 * connection; so does a connection that sends neither within a few bytes, or within the port's
 * {@code frame.timeout} (a peer that connects and says nothing, or the preface a byte at a time).
 * Reads at most the 24 bytes of the preface before deciding, and replaces itself, handing on what
 * it read.
 */
final class ProtocolDetector extends ByteToMessageDecoder {

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
    /** The longest HTTP method name taken, {@code OPTIONS}, and its space. */
    private static final int LONGEST_METHOD = 8;

    private final Consumer<ChannelPipeline> http2;
    private final Consumer<ChannelPipeline> http1;
    private final Duration deadline;
    private final ConnectionTimer timer = new ConnectionTimer();

    ProtocolDetector(Consumer<ChannelPipeline> http2, Consumer<ChannelPipeline> http1, Duration deadline) {
        this.http2 = http2;
        this.http1 = http1;
        this.deadline = deadline;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer.arm(ctx, deadline, () -> {
            ServerPort port = ServerPort.of(ctx.channel());
            if (port != null) {
                port.warn(ctx.channel(), "tri: closing a connection that did not open with HTTP/2 or HTTP/1.1"
                        + " within " + deadline.toMillis() + " ms (frame.timeout)");
            }
            ctx.close();
        });
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        timer.disarm();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int readable = in.readableBytes();
        int compared = Math.min(readable, PREFACE.readableBytes());
        boolean prefaceSoFar = compared > 0
                && ByteBufUtil.equals(in, in.readerIndex(), PREFACE, PREFACE.readerIndex(), compared);
        if (prefaceSoFar) {
            if (compared == PREFACE.readableBytes()) {
                switchTo(ctx, http2);
            }
            return; // the preface's first bytes ("PRI ") also read as a method: wait for all of it
        }
        switch (requestLine(in)) {
            case YES -> switchTo(ctx, http1);
            case NO -> {
                in.skipBytes(readable);
                ctx.close();
            }
            case UNDECIDED -> {
                // more bytes are needed
            }
        }
    }

    private enum Answer { YES, NO, UNDECIDED }

    /** Whether the bytes start as a request line does: an upper-case method, then a space. */
    private static Answer requestLine(ByteBuf in) {
        int start = in.readerIndex();
        int limit = Math.min(in.readableBytes(), LONGEST_METHOD);
        for (int i = 0; i < limit; i++) {
            byte b = in.getByte(start + i);
            if (b == ' ') {
                return i > 0 ? Answer.YES : Answer.NO;
            }
            if (b < 'A' || b > 'Z') {
                return Answer.NO;
            }
        }
        return limit == LONGEST_METHOD ? Answer.NO : Answer.UNDECIDED;
    }

    private void switchTo(ChannelHandlerContext ctx, Consumer<ChannelPipeline> protocol) {
        protocol.accept(ctx.pipeline());
        ctx.pipeline().remove(this); // what was read goes on to the handlers just added
    }
}
