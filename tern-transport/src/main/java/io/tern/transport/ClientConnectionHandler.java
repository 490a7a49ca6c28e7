package io.tern.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes what a provider sends to its {@link DubboConnection}; sends heartbeats when idle. */
final class ClientConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ClientConnectionHandler.class);

    private final DubboConnection connection;

    ClientConnectionHandler(DubboConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DecodedResponse response) {
            connection.onResponse(response);
        } else if (msg instanceof DecodedRequest request) {
            if (request.event && request.isHeartbeat() && request.twoWay) {
                // A provider's heartbeat: answer it.
                ctx.writeAndFlush(connection.heartbeatAnswer(ctx.alloc(), request));
            } else if (request.event) {
                connection.onEvent(request.eventData);
            }
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                log.debug("closing {}: no answer for three heartbeat intervals", ctx.channel());
                ctx.close();
            } else if (idle.state() == IdleState.ALL_IDLE) {
                connection.sendHeartbeat();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        connection.onClosed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
