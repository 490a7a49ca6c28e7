package io.tern;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * What a call is addressed to: an interface, optionally narrowed by group and version. The
 * string form is Dubbo's, {@code group/interface:version}, with the empty parts left out.
 * Version {@code 0.0.0}, which Dubbo sends when no version is set, is the same as none.
 *
 * <p>Keys are computed once (from a {@link ServiceUrl} or a decoded request) and then used as
 * map keys without building strings per call.
 */
public final class ServiceKey {

    /** The version Dubbo puts on the wire when none is set. */
    public static final String NO_VERSION = "0.0.0";

    private final String group;
    private final String interfaceName;
    private final String version;
    private final String text;
    private final int hash;

    private ServiceKey(String group, String interfaceName, String version) {
        this.group = group;
        this.interfaceName = interfaceName;
        this.version = version;
        StringBuilder sb = new StringBuilder(group.length() + interfaceName.length() + version.length() + 2);
        if (!group.isEmpty()) {
            sb.append(group).append('/');
        }
        sb.append(interfaceName);
        if (!version.isEmpty()) {
            sb.append(':').append(version);
        }
        this.text = sb.toString();
        this.hash = text.hashCode();
    }

    /**
     * Returns the key of an interface in a group at a version; {@code null} or empty group and
     * version mean none.
     */
    public static ServiceKey of(String interfaceName, @Nullable String group,
            @Nullable String version) {
        requireNonNull(interfaceName, "interfaceName");
        String g = group == null ? "" : group;
        String v = version == null || NO_VERSION.equals(version) ? "" : version;
        return new ServiceKey(g, interfaceName, v);
    }

    public static ServiceKey of(String interfaceName) {
        return of(interfaceName, null, null);
    }

    /** The group, or the empty string for none. */
    public String group() {
        return group;
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** The version, or the empty string for none. */
    public String version() {
        return version;
    }

    /** The version as the wire carries it: {@code 0.0.0} for none. */
    public String wireVersion() {
        return version.isEmpty() ? NO_VERSION : version;
    }

    /** A call of one of its methods as messages name it: {@code group/interface:version#method}. */
    public String call(String methodName) {
        return text + "#" + methodName;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof ServiceKey other
                && hash == other.hash
                && interfaceName.equals(other.interfaceName)
                && group.equals(other.group)
                && version.equals(other.version);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return text;
    }
}
