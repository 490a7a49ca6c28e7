package io.tern;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * An immutable Dubbo URL: {@code protocol://user:password@host:port/path?key=value&...}.
 *
 * <p>Strings are read and written the way Apache Dubbo reads and writes them, so a URL taken
 * from a Dubbo registry formats back to the same string: parameters are kept sorted by key,
 * values are kept as written (Dubbo does not percent-decode them; {@link #parameterDecoded}
 * does, for the values that are encoded on purpose, such as {@code refer}). Beyond what Dubbo
 * parses, a URL may name several addresses ({@code host1:p1,host2:p2}) and IPv6 hosts in
 * brackets. Registry node names, which are whole URLs percent-encoded, are read with
 * {@link #parseEncoded} and written with {@link #toEncodedString}.
 *
 * <p>The common parameters are parsed once, when the URL is made, into typed values
 * ({@link #serviceKey()}, {@link #timeout()}, {@link #retries()}, ...); a malformed value is
 * refused then, not at the first call.
 */
public final class ServiceUrl {

    private static final String SHAPE = "protocol://[user[:password]@]host[:port][/path][?key=value&...]";

    private final String protocol;
    private final @Nullable String username;
    private final @Nullable String password;
    private final List<HostPort> addresses;
    private final String path;
    private final SortedMap<String, String> parameters;

    // Typed views of the common parameters, computed once.
    private final ServiceKey serviceKey;
    private final @Nullable Duration timeout;
    private final @Nullable Integer retries;
    private final int hash;

    ServiceUrl(String protocol, @Nullable String username, @Nullable String password, List<HostPort> addresses,
            String path, SortedMap<String, String> parameters) {
        if (protocol.isEmpty()) {
            throw new IllegalArgumentException("protocol: '' (expected: a protocol name such as dubbo)");
        }
        this.protocol = protocol;
        this.username = username;
        this.password = password;
        this.addresses = List.copyOf(addresses);
        this.path = path;
        this.parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
        String iface = parameters.getOrDefault(Keys.INTERFACE, path);
        this.serviceKey = ServiceKey.of(iface,
                parameters.get(Keys.GROUP), parameters.get(Keys.VERSION));
        this.timeout = parseTimeout(parameters.get(Keys.TIMEOUT));
        this.retries = parseNonNegativeInt(Keys.RETRIES, parameters.get(Keys.RETRIES));
        this.hash = java.util.Objects.hash(protocol, username, password, this.addresses, path, this.parameters);
    }

    /** The parameter names Tern reads, as Dubbo spells them. */
    public static final class Keys {
        public static final String INTERFACE = "interface";
        public static final String GROUP = "group";
        public static final String VERSION = "version";
        public static final String TIMEOUT = "timeout";
        public static final String RETRIES = "retries";
        public static final String APPLICATION = "application";
        public static final String SIDE = "side";
        public static final String METHODS = "methods";
        public static final String CATEGORY = "category";
        public static final String BACKUP = "backup";
        public static final String WEIGHT = "weight";

        private Keys() {
        }
    }

    /**
     * Parses a URL string as Dubbo writes it.
     *
     * @throws IllegalArgumentException naming the part that is malformed and the expected shape
     */
    public static ServiceUrl parse(String url) {
        requireNonNull(url, "url");
        String s = url.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("url: '' (expected: " + SHAPE + ")");
        }
        SortedMap<String, String> parameters = new TreeMap<>();
        int question = s.indexOf('?');
        if (question >= 0) {
            parseParameters(url, s.substring(question + 1), parameters);
            s = s.substring(0, question);
        }
        int scheme = s.indexOf("://");
        if (scheme < 0) {
            throw new IllegalArgumentException("protocol: missing in '" + url + "' (expected: " + SHAPE + ")");
        }
        if (scheme == 0) {
            throw new IllegalArgumentException("protocol: empty in '" + url + "' (expected: " + SHAPE + ")");
        }
        String protocol = s.substring(0, scheme);
        for (int i = 0; i < protocol.length(); i++) {
            char c = protocol.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.' || c == '_')) {
                throw new IllegalArgumentException("protocol: '" + protocol + "' in '" + url
                        + "' (expected: letters, digits, '+', '-', '.' or '_')");
            }
        }
        s = s.substring(scheme + 3);
        String path = "";
        int slash = s.indexOf('/');
        if (slash >= 0) {
            path = s.substring(slash + 1);
            s = s.substring(0, slash);
        }
        String username = null;
        String password = null;
        int at = s.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = s.substring(0, at);
            s = s.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                username = userInfo.substring(0, colon);
                password = userInfo.substring(colon + 1);
            } else {
                username = userInfo;
            }
        }
        List<HostPort> addresses = new ArrayList<>(1);
        if (!s.isEmpty()) {
            for (String address : s.split(",", -1)) {
                addresses.add(parseAddress(url, address));
            }
        }
        // Protocols, paths and parameter names repeat across the URLs of a process: one copy each.
        return new ServiceUrl(protocol.intern(), username, password, addresses, path.intern(), parameters);
    }

    /**
     * Parses a percent-encoded URL, as Dubbo names registry nodes
     * ({@code dubbo%3A%2F%2F10.0.0.1%3A20880%2F...}).
     */
    public static ServiceUrl parseEncoded(String encoded) {
        return parse(decode(requireNonNull(encoded, "encoded")));
    }

    private static void parseParameters(String url, String query, SortedMap<String, String> into) {
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? pair : pair.substring(eq + 1);
            if (key.isEmpty()) {
                throw new IllegalArgumentException("parameter: '" + pair + "' in '" + url
                        + "' has an empty name (expected: key=value)");
            }
            into.put(key.intern(), value);
        }
    }

    private static HostPort parseAddress(String url, String address) {
        if (address.isEmpty()) {
            throw new IllegalArgumentException("address: empty in '" + url + "' (expected: host[:port][,host[:port]...])");
        }
        String host;
        String port = null;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("host: '" + address + "' in '" + url
                        + "' has no closing ']' (expected: [ipv6-address]:port)");
            }
            host = address.substring(1, close);
            String rest = address.substring(close + 1);
            if (!rest.isEmpty()) {
                if (rest.charAt(0) != ':') {
                    throw new IllegalArgumentException("host: '" + address + "' in '" + url
                            + "' (expected: [ipv6-address]:port)");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = address.indexOf(':');
            if (colon >= 0 && address.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("host: '" + address + "' in '" + url
                        + "' looks like an IPv6 address without brackets (expected: [" + address + "])");
            }
            host = colon < 0 ? address : address.substring(0, colon);
            port = colon < 0 ? null : address.substring(colon + 1);
        }
        return new HostPort(host, port == null ? 0 : parsePort(url, port));
    }

    private static int parsePort(String url, String port) {
        if (port.isEmpty() || port.length() > 5) {
            throw badPort(url, port);
        }
        int value = 0;
        for (int i = 0; i < port.length(); i++) {
            char c = port.charAt(i);
            if (c < '0' || c > '9') {
                throw badPort(url, port);
            }
            value = value * 10 + (c - '0');
        }
        if (value > 65535) {
            throw badPort(url, port);
        }
        return value;
    }

    private static IllegalArgumentException badPort(String url, String port) {
        return new IllegalArgumentException("port: '" + port + "' in '" + url + "' (expected: an integer 0-65535)");
    }

    private static @Nullable Duration parseTimeout(@Nullable String value) {
        Integer millis = parseNonNegativeInt(Keys.TIMEOUT, value);
        return millis == null ? null : Duration.ofMillis(millis);
    }

    private static @Nullable Integer parseNonNegativeInt(String key, @Nullable String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(key + ": '" + value + "' (expected: an integer >= 0)");
    }

    public static ServiceUrlBuilder builder(String protocol) {
        return new ServiceUrlBuilder(requireNonNull(protocol, "protocol"));
    }

    /** A builder that starts from this URL. */
    public ServiceUrlBuilder toBuilder() {
        return new ServiceUrlBuilder(this);
    }

    public String protocol() {
        return protocol;
    }

    public @Nullable String username() {
        return username;
    }

    public @Nullable String password() {
        return password;
    }

    /** The first host, or the empty string when the URL has no address. */
    public String host() {
        return addresses.isEmpty() ? "" : addresses.get(0).host();
    }

    /** The first port, or {@code 0} when none was given. */
    public int port() {
        return addresses.isEmpty() ? 0 : addresses.get(0).port();
    }

    /** The first address as {@code host:port}. */
    public String address() {
        return addresses.isEmpty() ? "" : addresses.get(0).toString();
    }

    /** The addresses written in the URL's authority, in order. */
    public List<HostPort> addresses() {
        return addresses;
    }

    /**
     * Every address this URL names: those of its authority, then those of its {@code backup}
     * parameter ({@code zookeeper://h1:2181?backup=h2:2181,h3:2181}).
     */
    public List<HostPort> allAddresses() {
        String backup = parameters.get(Keys.BACKUP);
        if (backup == null || backup.isEmpty()) {
            return addresses;
        }
        List<HostPort> all = new ArrayList<>(addresses);
        for (String address : backup.split(",")) {
            if (!address.isEmpty()) {
                all.add(parseAddress(toFullString(), address));
            }
        }
        return List.copyOf(all);
    }

    /** The path without its leading slash; the empty string when none. */
    public String path() {
        return path;
    }

    /** All parameters, sorted by name. */
    public Map<String, String> parameters() {
        return parameters;
    }

    public @Nullable String parameter(String key) {
        return parameters.get(key);
    }

    public String parameter(String key, String defaultValue) {
        String value = parameters.get(key);
        return value == null || value.isEmpty() ? defaultValue : value;
    }

    /**
     * A parameter value percent-decoded (for values Dubbo encodes on purpose, such as
     * {@code refer}); {@code null} when absent.
     *
     * @throws IllegalArgumentException if the value is not valid percent-encoding
     */
    public @Nullable String parameterDecoded(String key) {
        String value = parameters.get(key);
        return value == null ? null : decode(value);
    }

    /** An integer parameter, or {@code defaultValue} when absent. */
    public int intParameter(String key, int defaultValue) {
        String value = parameters.get(key);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' (expected: an integer)", e);
        }
    }

    /** A boolean parameter ({@code true} or {@code false}), or {@code defaultValue} when absent. */
    public boolean booleanParameter(String key, boolean defaultValue) {
        String value = parameters.get(key);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        if ("true".equalsIgnoreCase(value)) {
            return true;
        }
        if ("false".equalsIgnoreCase(value)) {
            return false;
        }
        throw new IllegalArgumentException(key + ": '" + value + "' (expected: true or false)");
    }

    /** The service this URL addresses: {@code interface} (else the path), {@code group}, {@code version}. */
    public ServiceKey serviceKey() {
        return serviceKey;
    }

    /** The {@code interface} parameter, else the path. */
    public String interfaceName() {
        return serviceKey.interfaceName();
    }

    /** The {@code group}, or the empty string. */
    public String group() {
        return serviceKey.group();
    }

    /** The {@code version}, or the empty string ({@code 0.0.0} counts as none). */
    public String version() {
        return serviceKey.version();
    }

    /** The {@code timeout} parameter, in milliseconds as Dubbo writes it. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** The {@code retries} parameter. */
    public OptionalInt retries() {
        return retries == null ? OptionalInt.empty() : OptionalInt.of(retries);
    }

    /** The {@code application} parameter, or the empty string. */
    public String application() {
        return parameter(Keys.APPLICATION, "");
    }

    /** The {@code side} parameter ({@code provider} or {@code consumer}), or the empty string. */
    public String side() {
        return parameter(Keys.SIDE, "");
    }

    /** The {@code category} parameter, or the empty string. */
    public String category() {
        return parameter(Keys.CATEGORY, "");
    }

    /** The {@code methods} parameter split at commas; empty when absent. */
    public List<String> methods() {
        String methods = parameters.get(Keys.METHODS);
        if (methods == null || methods.isEmpty()) {
            return List.of();
        }
        return List.of(methods.split(","));
    }

    /** The parameter of an {@code empty://} URL that says why there is no provider, for a call's error. */
    public static final String EMPTY_REASON = "empty.reason";

    /** Whether this is an {@code empty://} URL, Dubbo's marker for "no providers". */
    public boolean isEmptyProtocol() {
        return "empty".equals(protocol);
    }

    /** The URL with user and password, as Dubbo's {@code toFullString()}. */
    public String toFullString() {
        return format(true);
    }

    /** The percent-encoded full string, as Dubbo names registry nodes. */
    public String toEncodedString() {
        return encode(toFullString());
    }

    /** The URL without user and password, safe to log. */
    @Override
    public String toString() {
        return format(false);
    }

    private String format(boolean withUser) {
        StringBuilder sb = new StringBuilder(64 + parameters.size() * 24);
        sb.append(protocol).append("://");
        if (withUser && username != null) {
            sb.append(username);
            if (password != null) {
                sb.append(':').append(password);
            }
            sb.append('@');
        }
        for (int i = 0; i < addresses.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(addresses.get(i));
        }
        if (!path.isEmpty()) {
            sb.append('/').append(path);
        }
        char separator = '?';
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            sb.append(separator).append(e.getKey()).append('=').append(e.getValue());
            separator = '&';
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof ServiceUrl other
                && hash == other.hash
                && protocol.equals(other.protocol)
                && java.util.Objects.equals(username, other.username)
                && java.util.Objects.equals(password, other.password)
                && addresses.equals(other.addresses)
                && path.equals(other.path)
                && parameters.equals(other.parameters);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Percent-encodes as Dubbo's {@code URL.encode} does ({@code application/x-www-form-urlencoded}, UTF-8). */
    public static String encode(String value) {
        return URLEncoder.encode(requireNonNull(value, "value"), StandardCharsets.UTF_8);
    }

    /**
     * Percent-decodes as Dubbo's {@code URL.decode} does ({@code +} is a space).
     *
     * @throws IllegalArgumentException on a dangling or malformed {@code %} escape, naming its position
     */
    public static String decode(String value) {
        requireNonNull(value, "value");
        if (value.indexOf('%') < 0 && value.indexOf('+') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '%') {
                bytes.reset();
                while (i < value.length() && value.charAt(i) == '%') {
                    if (i + 2 >= value.length()) {
                        throw new IllegalArgumentException("percent-encoding: dangling '%' at index " + i + " of '"
                                + value + "' (expected: %XX with two hex digits)");
                    }
                    int hi = Character.digit(value.charAt(i + 1), 16);
                    int lo = Character.digit(value.charAt(i + 2), 16);
                    if (hi < 0 || lo < 0) {
                        throw new IllegalArgumentException("percent-encoding: '" + value.substring(i, i + 3)
                                + "' at index " + i + " of '" + value + "' (expected: %XX with two hex digits)");
                    }
                    bytes.write((hi << 4) | lo);
                    i += 3;
                }
                out.append(bytes.toString(StandardCharsets.UTF_8));
            } else {
                out.append(c == '+' ? ' ' : c);
                i++;
            }
        }
        return out.toString();
    }
}
