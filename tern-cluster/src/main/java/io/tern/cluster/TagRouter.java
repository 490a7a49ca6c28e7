package io.tern.cluster;

import io.tern.Invocation;
import io.tern.ServiceUrl;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Dubbo's tag routing. A call's tag comes from its {@code dubbo.tag} attachment, else the
 * consumer's {@code dubbo.tag} parameter. Without a {@link TagRule}, a provider's tag is its own
 * {@code dubbo.tag} parameter: a tagged call goes to providers with its tag, and to untagged
 * providers when there are none (unless {@code dubbo.force.tag=true}); an untagged call goes to
 * untagged providers only. With a rule, as Dubbo 3.3 applies it: a tag the rule names goes to
 * the addresses it names (a tag {@code a|b} to those of the longest prefix that names some), and
 * when none of them is there, unless the rule is forced, on as without a rule, except that the
 * untagged are then only those the rule names no tag for; an untagged call goes to providers the
 * rule names no tag for and that carry none.
 */
public final class TagRouter implements Router {

    public static final String TAG_KEY = ProviderSettings.TAG_KEY;
    public static final String FORCE_TAG_KEY = "dubbo.force.tag";

    private static final TagRouter INSTANCE = new TagRouter(null);

    private final @Nullable TagRule rule;
    /** The providers the rule's parameter matches last ran on, and the addresses they gave. */
    private volatile @Nullable Resolved resolved;

    private TagRouter(@Nullable TagRule rule) {
        this.rule = rule;
    }

    /** Routing by the providers' own tags. */
    public static TagRouter create() {
        return INSTANCE;
    }

    /** Routing by {@code rule}, or by the providers' own tags when it is null or disabled. */
    public static TagRouter of(@Nullable TagRule rule) {
        return rule == null || !rule.enabled() || rule.tags().isEmpty() ? INSTANCE : new TagRouter(rule);
    }

    /** The rule routed by; null when providers' own tags are. */
    public @Nullable TagRule rule() {
        return rule;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public <T> List<Provider<T>> route(List<Provider<T>> invokers, ServiceUrl consumerUrl, Invocation invocation) {
        if (invokers.isEmpty()) {
            return invokers;
        }
        String tag = invocation.stringAttachment(TAG_KEY);
        if (tag == null || tag.isEmpty()) {
            tag = consumerUrl.parameter(TAG_KEY, "");
        }
        TagRule r = rule;
        return r == null ? byOwnTags(invokers, tag, consumerUrl, invocation)
                : byRule(r, invokers, tag, consumerUrl, invocation);
    }

    private static <T> List<Provider<T>> byOwnTags(List<Provider<T>> invokers, String tag, ServiceUrl consumerUrl,
            Invocation invocation) {
        if (tag.isEmpty()) {
            return RouterChain.filter(invokers, p -> p.settings().tag().isEmpty());
        }
        List<Provider<T>> tagged = RouterChain.filter(invokers, p -> p.settings().tag().equals(tag));
        if (!tagged.isEmpty() || forced(consumerUrl, invocation)) {
            return tagged;
        }
        return RouterChain.filter(invokers, p -> p.settings().tag().isEmpty());
    }

    private <T> List<Provider<T>> byRule(TagRule r, List<Provider<T>> invokers, String tag, ServiceUrl consumerUrl,
            Invocation invocation) {
        TagRule.Addresses addresses = addresses(r, invokers);
        AddressPattern[] named = addresses.all;
        if (tag.isEmpty()) {
            List<Provider<T>> result = invokers;
            if (named.length > 0) {
                result = RouterChain.filter(invokers, p -> !matchesAny(named, p.url()));
                if (result.isEmpty()) {
                    return result;
                }
            }
            return RouterChain.filter(result, p -> p.settings().tag().isEmpty());
        }
        boolean forceTag = forced(consumerUrl, invocation);
        AddressPattern[] selected = select(addresses.byTag, tag, forceTag);
        List<Provider<T>> result;
        if (selected != null) {
            result = RouterChain.filter(invokers, p -> matchesAny(selected, p.url()));
            if (!result.isEmpty() || r.force()) {
                return result;
            }
        } else {
            String wanted = tag;
            result = RouterChain.filter(invokers, p -> p.settings().tag().equals(wanted));
        }
        if (!result.isEmpty() || forceTag) {
            return result;
        }
        return RouterChain.filter(invokers, p -> !matchesAny(named, p.url()) && p.settings().tag().isEmpty());
    }

    private <T> TagRule.Addresses addresses(TagRule r, List<Provider<T>> invokers) {
        Resolved last = resolved;
        if (last != null && last.providers == invokers) {
            return last.addresses;
        }
        TagRule.Addresses addresses = r.addresses(invokers);
        resolved = new Resolved(invokers, addresses);
        return addresses;
    }

    /** The addresses of {@code tag}, or of its longest {@code |}-separated prefix that has some; null when none has. */
    private static AddressPattern @Nullable [] select(Map<String, AddressPattern[]> addresses, String tag,
            boolean force) {
        if (force || tag.indexOf('|') < 0) {
            return addresses.get(tag);
        }
        String prefix = tag;
        while (true) {
            AddressPattern[] found = addresses.get(prefix);
            if (found != null && found.length > 0) {
                return found;
            }
            int bar = prefix.lastIndexOf('|');
            if (bar < 0) {
                return null;
            }
            prefix = prefix.substring(0, bar);
        }
    }

    private static boolean matchesAny(AddressPattern[] patterns, ServiceUrl url) {
        for (AddressPattern pattern : patterns) {
            if (pattern.matches(url.host(), url.port())) {
                return true;
            }
        }
        return false;
    }

    private static boolean forced(ServiceUrl consumerUrl, Invocation invocation) {
        String attached = invocation.stringAttachment(FORCE_TAG_KEY);
        return attached != null ? Boolean.parseBoolean(attached) : consumerUrl.booleanParameter(FORCE_TAG_KEY, false);
    }

    @Override
    public String toString() {
        return rule == null ? "tag routing by the providers' dubbo.tag" : rule.toString();
    }

    private record Resolved(List<?> providers, TagRule.Addresses addresses) {
    }
}
