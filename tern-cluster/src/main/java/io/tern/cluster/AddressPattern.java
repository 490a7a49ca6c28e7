package io.tern.cluster;

/**
 * The address patterns of Dubbo's tag routes: {@code ip}, {@code ip:port}, segments of
 * {@code *} or ranges ({@code 10.0.1-9.*}), {@code *} for every address, a CIDR block
 * ({@code 10.0.0.0/8}, no port), and {@code 0.0.0.0:port} for every host on a port. A host is
 * compared as written: no name is looked up while routing.
 */
final class AddressPattern {

    private AddressPattern() {
    }

    /**
     * Refuses a pattern that is not one of the forms.
     *
     * @throws IllegalArgumentException naming it and the forms expected
     */
    static void check(String pattern) {
        String p = pattern.trim();
        try {
            if (p.contains("/")) {
                cidr(p, "0.0.0.0");
                return;
            }
            String host = hostOf(p);
            if (host.isEmpty()) {
                throw new NumberFormatException();
            }
            String port = portOf(p);
            if (port != null) {
                Integer.parseInt(port);
            }
            if (host.indexOf('*') >= 0 || host.indexOf('-') >= 0 && host.indexOf(':') < 0 && isDotted(host)) {
                for (String segment : host.split("\\.", -1)) {
                    checkSegment(segment);
                }
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("tag route address: '" + pattern + "' (expected: ip, ip:port, a"
                    + " pattern like 10.0.*.* or 10.0.1-9.*, or a CIDR block like 10.0.0.0/8)");
        }
    }

    /** Whether {@code host:port} is an address {@code pattern} names. */
    static boolean matches(String pattern, String host, int port) {
        String p = pattern.trim();
        if (p.equals("*") || p.equals("*.*.*.*")) {
            return true;
        }
        try {
            if (p.contains("/")) {
                return cidr(p, host);
            }
            String patternPort = portOf(p);
            if (patternPort != null && !patternPort.equals(Integer.toString(port))) {
                return false;
            }
            String patternHost = hostOf(p);
            if (patternHost.equals(host) || patternHost.equals("0.0.0.0") && patternPort != null) {
                return true;
            }
            if (patternHost.indexOf('*') < 0 && patternHost.indexOf('-') < 0 || !isDotted(host)) {
                return false;
            }
            String[] masks = patternHost.split("\\.", -1);
            String[] parts = host.split("\\.", -1);
            if (masks.length != parts.length) {
                return false;
            }
            for (int i = 0; i < masks.length; i++) {
                if (!masks[i].equals(parts[i]) && !segment(masks[i], Integer.parseInt(parts[i]))) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean isDotted(String host) {
        return host.chars().allMatch(c -> c == '.' || c == '*' || c == '-' || c >= '0' && c <= '9');
    }

    private static void checkSegment(String mask) {
        if (mask.equals("*")) {
            return;
        }
        int dash = mask.indexOf('-');
        int low = Integer.parseInt(dash < 0 ? mask : mask.substring(0, dash));
        int high = dash < 0 ? low : Integer.parseInt(mask.substring(dash + 1));
        if (low < 0 || high > 255 || low > high) {
            throw new NumberFormatException(mask);
        }
    }

    /** Whether a segment ({@code *}, a number or {@code low-high}) takes {@code value}. */
    private static boolean segment(String mask, int value) {
        if (mask.equals("*")) {
            return true;
        }
        int dash = mask.indexOf('-');
        if (dash < 0) {
            return Integer.parseInt(mask) == value;
        }
        int low = Integer.parseInt(mask.substring(0, dash));
        int high = Integer.parseInt(mask.substring(dash + 1));
        return value >= low && value <= high;
    }

    private static String hostOf(String pattern) {
        if (pattern.startsWith("[")) {
            return pattern.substring(1, pattern.indexOf(']'));
        }
        int colon = pattern.indexOf(':');
        return colon >= 0 && colon == pattern.lastIndexOf(':') ? pattern.substring(0, colon) : pattern;
    }

    private static @org.jspecify.annotations.Nullable String portOf(String pattern) {
        if (pattern.startsWith("[")) {
            int close = pattern.indexOf(']');
            return close + 1 < pattern.length() && pattern.charAt(close + 1) == ':' ? pattern.substring(close + 2) : null;
        }
        int colon = pattern.indexOf(':');
        return colon >= 0 && colon == pattern.lastIndexOf(':') ? pattern.substring(colon + 1) : null;
    }

    /** Whether {@code host}, an IPv4 literal, is in the block {@code cidr}. */
    private static boolean cidr(String cidr, String host) {
        int slash = cidr.indexOf('/');
        int bits = Integer.parseInt(cidr.substring(slash + 1).trim());
        long network = ipv4(cidr.substring(0, slash).trim());
        if (bits < 0 || bits > 32) {
            throw new NumberFormatException();
        }
        long mask = bits == 0 ? 0 : (0xFFFF_FFFFL << (32 - bits)) & 0xFFFF_FFFFL;
        return (ipv4(host) & mask) == (network & mask);
    }

    private static long ipv4(String address) {
        String[] parts = address.split("\\.", -1);
        if (parts.length != 4) {
            throw new NumberFormatException(address);
        }
        long value = 0;
        for (String part : parts) {
            int octet = Integer.parseInt(part);
            if (octet < 0 || octet > 255) {
                throw new NumberFormatException(address);
            }
            value = value << 8 | octet;
        }
        return value;
    }
}
