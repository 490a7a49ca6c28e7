package io.tern.triple;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;

/**
 * Widens an HTTP/2 connection's receive window, which the protocol starts at 64 KiB for every
 * stream together, to {@link TripleProtocol#MAX_MESSAGE_SIZE} as soon as the connection is up,
 * so concurrent streams are not held back by one another; each stream's own window is set in
 * the SETTINGS. Goes away once done.
 */
final class ConnectionWindow extends ChannelInboundHandlerAdapter {

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(
                TripleProtocol.MAX_MESSAGE_SIZE - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
        ctx.pipeline().remove(this);
        ctx.fireChannelActive();
    }
}
