package io.tern.ops;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The names a request's {@code Host} may give this endpoint: {@code localhost} and loopback
 * addresses, the address it is bound to, and, when it lets foreign callers in, this machine's
 * addresses and its host name. Any other name reached the port by DNS rebinding or a mistake,
 * and is refused before the request is read further.
 */
final class OpsHosts {

    private final InetAddress bound;
    private final boolean allowForeign;
    private final @Nullable String machineName;

    OpsHosts(InetAddress bound, boolean allowForeign) {
        this.bound = bound;
        this.allowForeign = allowForeign;
        this.machineName = allowForeign ? machineName() : null;
    }

    private static @Nullable String machineName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether a {@code Host} header names this endpoint. */
    boolean isThisEndpoint(String hostHeader) {
        String host = hostPart(hostHeader);
        if (host == null) {
            return false;
        }
        if (host.equals("localhost") || host.equals(bound.getHostAddress().toLowerCase(Locale.ROOT))) {
            return true;
        }
        InetAddress literal = literal(host);
        if (literal != null && (literal.isLoopbackAddress() || literal.equals(bound))) {
            return true;
        }
        if (!allowForeign) {
            return false;
        }
        return host.equals(machineName) || literal != null && isOfThisMachine(literal);
    }

    private static boolean isOfThisMachine(InetAddress address) {
        try {
            return java.net.NetworkInterface.getByInetAddress(address) != null;
        } catch (java.net.SocketException e) {
            return false;
        }
    }

    /** What a refusal says is expected. */
    String expected() {
        return allowForeign ? "localhost, a loopback address, or an address or the name of this machine"
                : "localhost or a loopback address";
    }

    /**
     * Whether an {@code Origin} is this endpoint's own page: {@code http://} and the same host and
     * port the request's {@code Host} names.
     */
    static boolean sameOrigin(String origin, @Nullable String hostHeader) {
        if (hostHeader == null) {
            return false;
        }
        try {
            URI uri = new URI(origin);
            return "http".equalsIgnoreCase(uri.getScheme()) && uri.getRawAuthority() != null
                    && uri.getRawAuthority().equalsIgnoreCase(hostHeader) && (uri.getRawPath() == null
                    || uri.getRawPath().isEmpty());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The host of a {@code Host} header ({@code name}, {@code name:port}, {@code [::1]:port}), lower-cased. */
    static @Nullable String hostPart(String hostHeader) {
        String value = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? null : value.substring(1, end);
        }
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** An address written as a literal, without a name lookup; {@code null} for a name. */
    private static @Nullable InetAddress literal(String host) {
        boolean ipv4 = !host.isEmpty() && host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
        boolean ipv6 = host.indexOf(':') >= 0 && host.chars().allMatch(c -> c == ':' || c == '.'
                || Character.digit(c, 16) >= 0);
        if (!ipv4 && !ipv6) {
            return null;
        }
        try {
            return InetAddress.getByName(host); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A peer's header value as an answer may quote it: short, printable. */
    static String shown(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 100 ? printable : printable.substring(0, 100) + "...";
    }
}
