package io.tern.transport.tls;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS in front of a server port: told from a connection's first five bytes, before its protocol
 * is. A TLS record gets TLS put in front of the connection, which goes on to its protocol once
 * the handshake is done (and is closed when the handshake fails or does not finish within the
 * context's handshake timeout). A plaintext connection is refused (counted, and warned of once a
 * minute per remote address) or, in {@link ServerTls.Mode#PERMISSIVE}, served as it is and
 * counted.
 */
public final class PortTls {

    private static final Logger log = LoggerFactory.getLogger(PortTls.class);
    /** Bytes enough to tell a TLS record header. */
    public static final int HEADER = 5;

    private final TlsContext context;
    private final ServerTls.Mode mode;
    private final PlaintextWarnings warnings;

    /** What the first bytes were. */
    public enum Front {
        /** A TLS record: TLS now stands in front of the connection. */
        ENCRYPTED,
        /** Plaintext, served in permissive mode. */
        PLAINTEXT,
        /** Plaintext on a port that requires TLS: the caller closes the connection. */
        REFUSED
    }

    public PortTls(TlsContext context, ServerTls.Mode mode, PlaintextWarnings warnings) {
        this.context = requireNonNull(context, "context");
        this.mode = requireNonNull(mode, "mode");
        this.warnings = requireNonNull(warnings, "warnings");
    }

    /** Whether plaintext connections are refused, so a peer must open with a TLS handshake. */
    public boolean required() {
        return mode == ServerTls.Mode.REQUIRED;
    }

    /** How long a handshake may take. */
    public Duration handshakeTimeout() {
        return Duration.ofMillis(context.handshakeTimeoutMillis());
    }

    /**
     * Decides a connection from its first {@link #HEADER} bytes (which must be readable) and reads
     * nothing. On {@link Front#ENCRYPTED}, TLS handlers now follow {@code ctx}, and
     * {@code afterHandshake} is called with the connection once its handshake succeeds; the
     * caller removes its handler so that what was read goes on to TLS.
     */
    public Front front(ChannelHandlerContext ctx, ByteBuf first, Consumer<Channel> afterHandshake) {
        Channel channel = ctx.channel();
        if (SslHandler.isEncrypted(first, false)) {
            SslHandler ssl = context.newServerHandler(ctx.alloc());
            ctx.pipeline().addAfter(ctx.name(), "tls", ssl);
            ctx.pipeline().addAfter("tls", "tls-handshake", new Handshake(context, afterHandshake));
            return Front.ENCRYPTED;
        }
        if (mode == ServerTls.Mode.PERMISSIVE) {
            context.plaintext(true);
            return Front.PLAINTEXT;
        }
        context.plaintext(false);
        warnings.refused(channel.remoteAddress());
        return Front.REFUSED;
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
}
