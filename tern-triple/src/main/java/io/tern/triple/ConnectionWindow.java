package io.tern.triple;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;

/**
 * Widens an HTTP/2 connection's receive window, which the protocol starts at 64 KiB for every
 * stream together, to {@link TripleProtocol#MAX_MESSAGE_SIZE} as soon as the connection is up,
 * so concurrent streams are not held back by one another; each stream's own window is set in
 * the SETTINGS. Added after the HTTP/2 codec, when the connection is up or before; goes away
 * once done.
 */
final class ConnectionWindow extends ChannelInboundHandlerAdapter {

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            widen(ctx); // added once the connection's protocol was known
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        widen(ctx);
        ctx.fireChannelActive();
    }

    private void widen(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(
                TripleProtocol.MAX_MESSAGE_SIZE - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
        ctx.pipeline().remove(this);
    }
}
