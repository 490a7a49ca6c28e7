package io.tern.dubbo;

import io.netty.channel.Channel;

/**
 * Whether a connection is read, for the reasons that may stop it: its answers are not being
 * read by the peer, or a large frame of it is being decoded away from the event loop. Reading
 * resumes when no reason is left. One per connection; used on its event loop only.
 */
final class ReadGate {

    static final int UNWRITABLE = 1;
    static final int DECODING = 2;

    private final Channel channel;
    private int reasons;

    ReadGate(Channel channel) {
        this.channel = channel;
    }

    void pause(int reason) {
        reasons |= reason;
        channel.config().setAutoRead(false);
    }

    void resume(int reason) {
        reasons &= ~reason;
        if (reasons == 0) {
            channel.config().setAutoRead(true);
        }
    }
}
