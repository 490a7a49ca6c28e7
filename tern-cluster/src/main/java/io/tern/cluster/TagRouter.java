package io.tern.cluster;

import io.tern.Invocation;
import io.tern.ServiceUrl;
import java.util.ArrayList;
import java.util.List;

/**
 * Dubbo's tag routing. A call's tag comes from its {@code dubbo.tag} attachment, else the
 * consumer's {@code dubbo.tag} parameter; a provider's from its {@code dubbo.tag} parameter. A
 * tagged call goes to providers with its tag, and to untagged providers when there are none
 * (unless {@code dubbo.force.tag=true}); an untagged call goes to untagged providers only.
 */
public final class TagRouter implements Router {

    public static final String TAG_KEY = ProviderSettings.TAG_KEY;
    public static final String FORCE_TAG_KEY = "dubbo.force.tag";

    private static final TagRouter INSTANCE = new TagRouter();

    private TagRouter() {
    }

    public static TagRouter create() {
        return INSTANCE;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public <T> List<Provider<T>> route(List<Provider<T>> invokers, ServiceUrl consumerUrl, Invocation invocation) {
        String tag = invocation.stringAttachment(TAG_KEY);
        if (tag == null || tag.isEmpty()) {
            tag = consumerUrl.parameter(TAG_KEY, "");
        }
        List<Provider<T>> tagged = new ArrayList<>();
        List<Provider<T>> untagged = new ArrayList<>();
        for (Provider<T> invoker : invokers) {
            String providerTag = invoker.settings().tag();
            if (providerTag.isEmpty()) {
                untagged.add(invoker);
            } else if (providerTag.equals(tag)) {
                tagged.add(invoker);
            }
        }
        if (tag.isEmpty()) {
            return untagged.size() == invokers.size() ? invokers : untagged;
        }
        if (!tagged.isEmpty()) {
            return tagged;
        }
        boolean force = "true".equals(invocation.stringAttachment(FORCE_TAG_KEY))
                || consumerUrl.booleanParameter(FORCE_TAG_KEY, false);
        return force ? List.of() : untagged;
    }

    @Override
    public String toString() {
        return "TagRouter";
    }
}
