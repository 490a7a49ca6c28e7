package io.tern.triple;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tern.core.PeerWarnings;
import org.jspecify.annotations.Nullable;

/**
 * The last handler of a Triple HTTP/2 connection: a failure the codec passed on (a protocol
 * error, a broken connection) is logged in one line, limited per host and minute, instead of a
 * stack trace per connection that a peer could repeat at will. It does not close the connection:
 * the codec has sent its GOAWAY with the error's code and closes the connection itself.
 */
@ChannelHandler.Sharable
final class PeerErrors extends ChannelInboundHandlerAdapter {

    private final PeerWarnings warnings;
    private final String what;

    PeerErrors(PeerWarnings warnings, String what) {
        this.warnings = warnings;
        this.what = what;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        warn(warnings, ctx, what, cause);
    }

    /** The one line a failure on a peer's {@code what} connection ("an HTTP/2") is logged as. */
    static void warn(PeerWarnings warnings, ChannelHandlerContext ctx, String what, Throwable cause) {
        warnings.warn(ctx.channel().remoteAddress(), "tri: closing " + what + " connection after "
                + cause.getClass().getSimpleName() + ": " + oneLine(cause.getMessage()));
    }

    /** A message on one line and at most 200 characters: a peer's bytes may be quoted in it. */
    static String oneLine(@Nullable String message) {
        if (message == null) {
            return "no message";
        }
        String line = message.replaceAll("[\\r\\n\\t]+", " ");
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
