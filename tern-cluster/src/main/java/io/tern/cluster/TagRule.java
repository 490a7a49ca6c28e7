package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** The addresses each tag names, for the tags that name addresses. */
    private final Map<String, Set<String>> named;

    private TagRule(String source, boolean force, boolean enabled, List<Tag> tags) {
        this.source = source;
        this.force = force;
        this.enabled = enabled;
        this.tags = tags;
        Map<String, Set<String>> addresses = new HashMap<>();
        boolean parameters = false;
        for (Tag tag : tags) {
            if (!tag.addresses().isEmpty()) {
                addresses.put(tag.name(), new LinkedHashSet<>(tag.addresses()));
            } else if (!tag.match().isEmpty()) {
                parameters = true;
            }
        }
        this.named = Map.copyOf(addresses);
        this.byParameters = parameters;
    }

    /**
     * A rule from {@code source}, forced or not (a tag whose providers are all gone then leaves
     * none instead of the untagged), enabled or not (a disabled rule leaves tags to the providers'
     * own {@code dubbo.tag}).
     */
    public static TagRule of(String source, boolean force, boolean enabled, List<Tag> tags) {
        requireNonNull(source, "source");
        for (Tag tag : requireNonNull(tags, "tags")) {
            for (String address : tag.addresses()) {
                AddressPattern.check(address);
            }
        }
        return new TagRule(source, force, enabled, List.copyOf(tags));
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
    <T> Map<String, Set<String>> addresses(List<Provider<T>> providers) {
        if (!byParameters) {
            return named;
        }
        Map<String, Set<String>> all = new HashMap<>(named);
        for (Tag tag : tags) {
            if (!tag.addresses().isEmpty() || tag.match().isEmpty()) {
                continue;
            }
            Set<String> matching = new HashSet<>();
            for (Provider<T> provider : providers) {
                if (tag.matches(provider.url())) {
                    matching.add(provider.url().address());
                }
            }
            if (!matching.isEmpty()) {
                all.put(tag.name(), matching);
            }
        }
        return all;
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
