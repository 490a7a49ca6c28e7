package io.tern.transport.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.tern.transport.ConnectionTimer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a connection on a port with TLS: reads the first five bytes and, when
 * they open a TLS record, puts TLS in front of the connection and hands it on (to
 * {@code next}, which sets up the protocol) once the handshake is done. A plaintext connection
 * is closed (counted, and warned of once a minute per remote address) or, in
 * {@link ServerTls.Mode#PERMISSIVE}, handed on as it is and counted. A connection that has
 * neither sent five bytes nor finished its handshake within the handshake timeout is closed.
 */
public final class TlsDetector extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(TlsDetector.class);
    /** Enough to tell a TLS record header. */
    private static final int HEADER = 5;

    private final TlsContext tls;
    private final ServerTls.Mode mode;
    private final PlaintextWarnings warnings;
    private final Consumer<Channel> next;
    private final ConnectionTimer deadline = new ConnectionTimer();

    public TlsDetector(TlsContext tls, ServerTls.Mode mode, PlaintextWarnings warnings, Consumer<Channel> next) {
        this.tls = tls;
        this.mode = mode;
        this.warnings = warnings;
        this.next = next;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline.arm(ctx, java.time.Duration.ofMillis(tls.handshakeTimeoutMillis()), () -> {
            if (ctx.channel().isActive()) {
                log.debug("closing {}: no TLS handshake within {} ms", ctx.channel().remoteAddress(),
                        tls.handshakeTimeoutMillis());
                tls.handshakeDone(false);
                ctx.channel().close();
            }
        });
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < HEADER) {
            return;
        }
        Channel channel = ctx.channel();
        if (SslHandler.isEncrypted(in, false)) {
            deadline.disarm(); // the handshake has a timeout of its own
            SslHandler ssl = tls.newServerHandler(ctx.alloc());
            ctx.pipeline().addAfter(ctx.name(), "tls", ssl);
            ctx.pipeline().addAfter("tls", "tls-handshake", new Handshake(tls, next));
            ctx.pipeline().remove(this); // what was read goes on to the TLS handler
        } else if (mode == ServerTls.Mode.PERMISSIVE) {
            deadline.disarm();
            tls.plaintext(true);
            next.accept(channel);
            ctx.pipeline().remove(this);
        } else {
            tls.plaintext(false);
            warnings.refused(channel.remoteAddress());
            in.skipBytes(in.readableBytes());
            ctx.close();
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        deadline.disarm();
    }

    /** Hands the connection on once its handshake is done; closes it when the handshake fails. */
    private static final class Handshake extends ChannelInboundHandlerAdapter {
        private final TlsContext tls;
        private final Consumer<Channel> next;

        Handshake(TlsContext tls, Consumer<Channel> next) {
            this.tls = tls;
            this.next = next;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof SslHandshakeCompletionEvent done) {
                tls.handshakeDone(done.isSuccess());
                if (done.isSuccess()) {
                    ctx.pipeline().remove(this);
                    next.accept(ctx.channel());
                } else {
                    log.debug("closing {}: TLS handshake failed: {}", ctx.channel().remoteAddress(),
                            String.valueOf(done.cause()));
                    ctx.close();
                }
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a failed handshake: the completion event says so and closes the connection
            ctx.close();
        }
    }

    /** The remote host of an address, for the warnings. */
    static String host(@Nullable SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }
}
