package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
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

    /** How a provider URL parameter must read: Dubbo's string match, one of its forms. */
    public record ParamMatch(String key, Kind kind, String value, @Nullable Pattern regex) {

        /** The forms of a string match. */
        public enum Kind { EXACT, PREFIX, REGEX, WILDCARD, EMPTY, NOEMPTY }

        /** The longest parameter a regular expression is tried on. */
        static final int MAX_REGEX_INPUT = 1024;
        /** How many characters a regular expression may read for one parameter before it is said not to match. */
        static final int MAX_REGEX_STEPS = 100_000;

        public ParamMatch {
            requireNonNull(key, "key");
            requireNonNull(kind, "kind");
            requireNonNull(value, "value");
            if (kind == Kind.REGEX && regex == null) {
                regex = Pattern.compile(value);
            }
        }

        public static ParamMatch of(String key, Kind kind, String value) {
            return new ParamMatch(key, kind, value, null);
        }

        boolean matches(@Nullable String input) {
            return switch (kind) {
                case EXACT -> value.equals(input);
                case PREFIX -> input != null && input.startsWith(value);
                case REGEX -> input != null && input.length() <= MAX_REGEX_INPUT && boundedMatch(input);
                case WILDCARD -> input != null && (value.equals("*") || value.equals(input));
                case EMPTY -> input == null || input.isEmpty();
                case NOEMPTY -> input != null && !input.isEmpty();
            };
        }

        /** A match that gives up, not matching, once it has read too many characters: a pattern built to backtrack stays cheap. */
        private boolean boundedMatch(String input) {
            try {
                return requireNonNull(regex).matcher(new Bounded(input)).matches();
            } catch (Bounded.TooLong e) {
                return false;
            }
        }
    }

    /** A character sequence that stops being read after {@link ParamMatch#MAX_REGEX_STEPS} reads. */
    private static final class Bounded implements CharSequence {
        private final String text;
        private int reads;

        Bounded(String text) {
            this.text = text;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (++reads > ParamMatch.MAX_REGEX_STEPS) {
                throw new TooLong();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }

        static final class TooLong extends RuntimeException {
            private static final long serialVersionUID = 1L;

            TooLong() {
                super(null, null, false, false);
            }
        }
    }
}
