package io.tern.transport;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A protocol a {@link ServerPort} serves, told apart from the others on the port by a new
 * connection's first bytes. The port asks each of its protocols in turn; the first that
 * recognises the bytes takes the connection, unless an earlier one still needs more bytes to
 * decide (the HTTP/2 preface begins with what also reads as an HTTP/1.1 method).
 *
 * @param name what the protocol is called in messages, as in "expected: dubbo or HTTP/2"
 * @param silence how long a new connection may say nothing at all before the port closes it, from
 *     the port's limits: a dubbo consumer says nothing until its first call or heartbeat, an
 *     HTTP/2 client sends its preface at once; a port serving several protocols waits the longest
 * @param sniffer whether the first bytes are this protocol's; looks without reading
 * @param serve sets up the connection's pipeline for this protocol; the bytes read so far go on to
 *     the handlers it adds
 */
public record PortProtocol(String name, Function<ConnectionLimits, Duration> silence, Sniffer sniffer,
        Consumer<Channel> serve) {

    public PortProtocol {
        requireNonNull(name, "name");
        requireNonNull(silence, "silence");
        requireNonNull(sniffer, "sniffer");
        requireNonNull(serve, "serve");
    }

    /** What a protocol makes of a connection's first bytes. */
    public enum Match {
        /** They are this protocol's. */
        YES,
        /** They are not. */
        NO,
        /** Too few have arrived to tell. */
        MORE
    }

    /** Tells a protocol's first bytes; reads nothing from {@code first}. */
    @FunctionalInterface
    public interface Sniffer {
        Match match(ByteBuf first);
    }
}
