package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A tag route an operator set for a provider application ({@code <application>.tag-router}):
 * which providers carry which tag, by address ({@code ip:port}, {@code ip}, {@code 10.0.*.*},
 * {@code 10.0.1-9.*} or a CIDR block), or, in the v3.0 form, by their URL parameters. Immutable;
 * {@link TagRouter#route} applies it.
 */
public final class TagRule {

    private final String source;
    private final boolean force;
    private final boolean enabled;
    private final List<Tag> tags;
    /** Whether some tag selects by parameters: then the addresses depend on the providers. */
    private final boolean byParameters;
    /** The addresses the tags that name addresses name, read once. */
    private final Addresses named;

    private TagRule(String source, boolean force, boolean enabled, List<Tag> tags) {
        this.source = source;
        this.force = force;
        this.enabled = enabled;
        this.tags = tags;
        Map<String, AddressPattern[]> byTag = new HashMap<>();
        boolean parameters = false;
        for (Tag tag : tags) {
            if (!tag.addresses().isEmpty()) {
                byTag.put(tag.name(), compile(tag.addresses())); // a name given twice: the last, as in Dubbo
            } else if (!tag.match().isEmpty()) {
                parameters = true;
            }
        }
        this.named = new Addresses(byTag);
        this.byParameters = parameters;
    }

    private static AddressPattern[] compile(List<String> addresses) {
        AddressPattern[] patterns = new AddressPattern[addresses.size()];
        for (int i = 0; i < patterns.length; i++) {
            patterns[i] = AddressPattern.compile(addresses.get(i));
        }
        return patterns;
    }

    private static AddressPattern[] concat(AddressPattern[] a, AddressPattern[] b) {
        AddressPattern[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /**
     * A rule from {@code source}, forced or not (a tag whose providers are all gone then leaves
     * none instead of the untagged), enabled or not (a disabled rule leaves tags to the providers'
     * own {@code dubbo.tag}).
     *
     * @throws IllegalArgumentException naming an address that is not one
     */
    public static TagRule of(String source, boolean force, boolean enabled, List<Tag> tags) {
        requireNonNull(source, "source");
        return new TagRule(source, force, enabled, List.copyOf(requireNonNull(tags, "tags")));
    }

    public String source() {
        return source;
    }

    public boolean force() {
        return force;
    }

    public boolean enabled() {
        return enabled;
    }

    public List<Tag> tags() {
        return tags;
    }

    /**
     * The addresses each tag names among {@code providers}: those given, and for a tag given by
     * parameters, the addresses of the providers that match them (Dubbo's v3.0 form).
     */
    <T> Addresses addresses(List<Provider<T>> providers) {
        if (!byParameters) {
            return named;
        }
        Map<String, AddressPattern[]> all = new HashMap<>(named.byTag);
        for (Tag tag : tags) {
            if (!tag.addresses().isEmpty() || tag.match().isEmpty()) {
                continue;
            }
            List<String> matching = new ArrayList<>();
            for (Provider<T> provider : providers) {
                if (tag.matches(provider.url())) {
                    matching.add(provider.url().address());
                }
            }
            if (!matching.isEmpty()) {
                all.put(tag.name(), compile(matching));
            }
        }
        return new Addresses(all);
    }

    /** The address patterns of each tag, and of all tags together. */
    static final class Addresses {
        final Map<String, AddressPattern[]> byTag;
        final AddressPattern[] all;

        Addresses(Map<String, AddressPattern[]> byTag) {
            this.byTag = Map.copyOf(byTag);
            this.all = byTag.values().stream().reduce(new AddressPattern[0], TagRule::concat);
        }
    }

    @Override
    public String toString() {
        return "tag route " + source + (force ? " (force)" : "") + (enabled ? "" : " (disabled)");
    }

    /**
     * One tag: its providers named by {@code addresses}, or else chosen by {@code match}, every
     * parameter match holding.
     */
    public record Tag(String name, List<String> addresses, List<ParamMatch> match) {
        public Tag {
            requireNonNull(name, "name");
            addresses = List.copyOf(addresses);
            match = List.copyOf(match);
        }

        boolean matches(ServiceUrl provider) {
            for (ParamMatch m : match) {
                if (!m.matches(provider.parameter(m.key()))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** How a provider URL parameter must read. */
    public record ParamMatch(String key, StringMatch value) {

        public ParamMatch {
            requireNonNull(key, "key");
            requireNonNull(value, "value");
        }

        /**
         * A match of parameter {@code key}.
         *
         * @throws java.util.regex.PatternSyntaxException when a {@code regex} does not compile
         */
        public static ParamMatch of(String key, StringMatch.Kind kind, String value) {
            return new ParamMatch(key, StringMatch.of(kind, value));
        }

        /** The form of the match. */
        public StringMatch.Kind kind() {
            return value.kind();
        }

        boolean matches(@Nullable String input) {
            return value.matches(input);
        }
    }
}
