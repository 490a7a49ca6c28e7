package io.tern;

import static java.util.Objects.requireNonNull;

/**
 * One network address of a {@link ServiceUrl}: a host name or literal address (IPv6 without
 * brackets) and a port, {@code 0} when none was given.
 */
public record HostPort(String host, int port) {

    public HostPort {
        requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }

    /** The address as a URL writes it: {@code host:port}, with brackets around IPv6 hosts. */
    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == 0 ? h : h + ":" + port;
    }
}
