package io.tern.dubbo;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes what a provider sends to its {@link DubboConnection}, and sends a heartbeat when a
 * heartbeat interval went by with nothing read or written (the idle handler before it closes a
 * connection that read nothing for three).
 */
final class ClientConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ClientConnectionHandler.class);

    private final DubboConnection connection;
    private final long heartbeatMillis;
    private boolean readSinceTick;
    private @Nullable ScheduledFuture<?> ticks;

    ClientConnectionHandler(DubboConnection connection, long heartbeatMillis) {
        this.connection = connection;
        this.heartbeatMillis = heartbeatMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ticks = ctx.executor().scheduleAtFixedRate(this::tick, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    /** Once per heartbeat interval, on the event loop. */
    private void tick() {
        boolean wrote = connection.wroteSinceAsked();
        if (!readSinceTick && !wrote) {
            connection.sendHeartbeat();
        }
        readSinceTick = false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readSinceTick = true;
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
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ScheduledFuture<?> scheduled = ticks;
        if (scheduled != null) {
            ticks = null;
            scheduled.cancel(false);
        }
        connection.onClosed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }
}
