package io.tern.cluster;

import org.jspecify.annotations.Nullable;

/**
 * An address pattern of Dubbo's tag routes, read once and matched without allocating: {@code ip},
 * {@code ip:port}, IPv4 segments of {@code *} or ranges ({@code 10.0.1-9.*}), {@code *} for every
 * address, a CIDR block ({@code 10.0.0.0/8}, no port), and {@code 0.0.0.0:port} for every host on
 * a port. A host is compared as written: no name is looked up while routing.
 */
final class AddressPattern {

    private enum Kind { ANY, EXACT, SEGMENTS, CIDR }

    private final String text;
    private final Kind kind;
    /** The host, for {@link Kind#EXACT}; {@code 0.0.0.0} with a port stands for any host. */
    private final String host;
    /** The port the pattern asks for; -1 for any. */
    private final int port;
    /** The bounds of each segment, for {@link Kind#SEGMENTS}. */
    private final int @Nullable [] low;
    private final int @Nullable [] high;
    /** The block, for {@link Kind#CIDR}. */
    private final long network;
    private final long mask;

    private AddressPattern(String text, Kind kind, String host, int port, int @Nullable [] low,
            int @Nullable [] high, long network, long mask) {
        this.text = text;
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.low = low;
        this.high = high;
        this.network = network;
        this.mask = mask;
    }

    /**
     * Reads a pattern.
     *
     * @throws IllegalArgumentException naming it and the forms expected, when it is none of them
     */
    static AddressPattern compile(String pattern) {
        String p = pattern.trim();
        try {
            if (p.equals("*") || p.equals("*.*.*.*")) {
                return new AddressPattern(p, Kind.ANY, "", -1, null, null, 0, 0);
            }
            if (p.contains("/")) {
                int slash = p.indexOf('/');
                int bits = Integer.parseInt(p.substring(slash + 1).trim());
                if (bits < 0 || bits > 32) {
                    throw new NumberFormatException(p);
                }
                long mask = bits == 0 ? 0 : (0xFFFF_FFFFL << (32 - bits)) & 0xFFFF_FFFFL;
                long network = ipv4(p.substring(0, slash).trim());
                if (network < 0) {
                    throw new NumberFormatException(p);
                }
                return new AddressPattern(p, Kind.CIDR, "", -1, null, null, network & mask, mask);
            }
            String host = hostOf(p);
            String portText = portOf(p);
            int port = portText == null ? -1 : Integer.parseInt(portText);
            if (host.isEmpty() || port < -1 || port > 65535) {
                throw new NumberFormatException(p);
            }
            boolean dotted = host.chars().allMatch(c -> c == '.' || c == '*' || c == '-' || c >= '0' && c <= '9');
            if (host.indexOf('*') < 0 && !(dotted && host.indexOf('-') >= 0)) { // a host name may have a '-'
                return new AddressPattern(p, Kind.EXACT, host, port, null, null, 0, 0);
            }
            String[] segments = host.split("\\.", -1);
            if (segments.length != 4) {
                throw new NumberFormatException(p);
            }
            int[] low = new int[4];
            int[] high = new int[4];
            for (int i = 0; i < 4; i++) {
                String segment = segments[i];
                if (segment.equals("*")) {
                    low[i] = 0;
                    high[i] = 255;
                    continue;
                }
                int dash = segment.indexOf('-');
                low[i] = Integer.parseInt(dash < 0 ? segment : segment.substring(0, dash));
                high[i] = dash < 0 ? low[i] : Integer.parseInt(segment.substring(dash + 1));
                if (low[i] < 0 || high[i] > 255 || low[i] > high[i]) {
                    throw new NumberFormatException(segment);
                }
            }
            return new AddressPattern(p, Kind.SEGMENTS, host, port, low, high, 0, 0);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("tag route address: '" + pattern + "' (expected: ip, ip:port, a"
                    + " pattern like 10.0.*.* or 10.0.1-9.*, or a CIDR block like 10.0.0.0/8)");
        }
    }

    /** Whether {@code pattern} names {@code host:port}; false when it is not a pattern. */
    static boolean matches(String pattern, String host, int port) {
        try {
            return compile(pattern).matches(host, port);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether this names {@code host:port}. */
    boolean matches(String host, int port) {
        switch (kind) {
            case ANY -> {
                return true;
            }
            case CIDR -> {
                long address = ipv4(host);
                return address >= 0 && (address & mask) == network;
            }
            default -> {
                if (this.port >= 0 && this.port != port) {
                    return false;
                }
                if (kind == Kind.EXACT) {
                    return this.host.equals(host) || this.port >= 0 && this.host.equals(Configurator.ANY_HOST);
                }
                return segmentsMatch(host);
            }
        }
    }

    private boolean segmentsMatch(String address) {
        int[] lows = low;
        int[] highs = high;
        if (lows == null || highs == null) {
            return false;
        }
        int segment = 0;
        int value = -1;
        for (int i = 0; i <= address.length(); i++) {
            char c = i < address.length() ? address.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || segment >= 4 || value < lows[segment] || value > highs[segment]) {
                    return false;
                }
                segment++;
                value = -1;
            } else if (c >= '0' && c <= '9' && value < 1000) {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
            } else {
                return false;
            }
        }
        return segment == 4;
    }

    /** An IPv4 literal as a number; -1 when it is not one. Reads without allocating. */
    private static long ipv4(String address) {
        long result = 0;
        int segments = 0;
        int value = -1;
        for (int i = 0; i <= address.length(); i++) {
            char c = i < address.length() ? address.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || value > 255 || segments >= 4) {
                    return -1;
                }
                result = result << 8 | value;
                segments++;
                value = -1;
            } else if (c >= '0' && c <= '9' && value < 1000) {
                value = (value < 0 ? 0 : value * 10) + (c - '0');
            } else {
                return -1;
            }
        }
        return segments == 4 ? result : -1;
    }

    private static String hostOf(String pattern) {
        if (pattern.startsWith("[")) {
            return pattern.substring(1, pattern.indexOf(']'));
        }
        int colon = pattern.indexOf(':');
        return colon >= 0 && colon == pattern.lastIndexOf(':') ? pattern.substring(0, colon) : pattern;
    }

    private static @Nullable String portOf(String pattern) {
        if (pattern.startsWith("[")) {
            int close = pattern.indexOf(']');
            return close + 1 < pattern.length() && pattern.charAt(close + 1) == ':' ? pattern.substring(close + 2)
                    : null;
        }
        int colon = pattern.indexOf(':');
        return colon >= 0 && colon == pattern.lastIndexOf(':') ? pattern.substring(colon + 1) : null;
    }

    @Override
    public String toString() {
        return text;
    }
}
