package io.tern.bootstrap;

import io.tern.cluster.Router;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What makes two references identical, so that they share one invoker. Routers compare as they define equality. */
record ReferenceKey(Class<?> type, @Nullable String url, @Nullable String service, String group, String version,
        @Nullable Duration timeout, Map<String, String> parameters, List<Router> routers) {

    static ReferenceKey of(Class<?> type, ReferenceOptions options) {
        return new ReferenceKey(type, options.url, options.service, options.group, options.version, options.timeout,
                Map.copyOf(options.parameters), List.copyOf(options.routers));
    }
}
