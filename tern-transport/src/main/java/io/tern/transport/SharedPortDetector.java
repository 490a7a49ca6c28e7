package io.tern.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The first handler of a connection on a port shared with another protocol: reads two bytes,
 * and hands the connection to the dubbo protocol when they are its magic ({@code 0xdabb}), else
 * to the other protocol. Replaces itself; the bytes it read go on to whoever takes over. A
 * connection silent for as long as a dubbo connection may be (three heartbeats: a dubbo consumer
 * says nothing until its first call or heartbeat) is closed, as the dubbo protocol closes an idle
 * one; before that, its port lets it give way to a newcomer when a limit is reached.
 */
final class SharedPortDetector extends ByteToMessageDecoder {

    private final Consumer<Channel> dubbo;
    private final Consumer<Channel> other;
    private final Duration silence;
    private final ConnectionTimer timer = new ConnectionTimer();

    SharedPortDetector(Consumer<Channel> dubbo, Consumer<Channel> other, Duration silence) {
        this.dubbo = dubbo;
        this.other = other;
        this.silence = silence;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer.arm(ctx, silence, ctx::close);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        timer.disarm();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 2) {
            return;
        }
        int at = in.readerIndex();
        boolean magic = in.getByte(at) == Wire.MAGIC_HIGH && in.getByte(at + 1) == Wire.MAGIC_LOW;
        (magic ? dubbo : other).accept(ctx.channel());
        ctx.pipeline().remove(this);
    }
}
