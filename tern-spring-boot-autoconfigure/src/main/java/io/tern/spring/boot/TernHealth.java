package io.tern.spring.boot;

import io.tern.bootstrap.TernServer;
import io.tern.ops.OpsTarget;
import io.tern.registry.Registry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The health of the application's Tern side, as the {@code tern} health contributor reports it
 * on either Spring Boot line. Down when a provider's server is not running (its port not bound),
 * or when the registry cannot be reached and nothing stands in for it — a provider cannot
 * register, or a reference has no provider left from before.
 *
 * @param up whether it is healthy
 * @param reason why not, or {@code null} when up
 * @param details services, references with their provider counts, the registry, and leaks
 */
public record TernHealth(boolean up, @Nullable String reason, Map<String, Object> details) {

    public static TernHealth of(TernApplicationState state) {
        Map<String, Object> details = new LinkedHashMap<>();
        List<OpsTarget.Service> services = state.services();
        List<OpsTarget.ReferenceState> references = state.references();
        TernServer server = state.server();
        if (server != null) {
            details.put("port", server.port());
        }
        details.put("services", services.stream().map(OpsTarget.Service::key).distinct().toList()); // over any protocol
        Map<String, Integer> providers = new LinkedHashMap<>();
        references.forEach(r -> providers.put(r.key(), r.providers().size()));
        details.put("references", providers);
        Registry registry = state.registry();
        boolean connected = registry == null || registry.isConnected();
        if (registry != null) {
            details.put("registry", registry.url().address() + (connected ? "" : " (unreachable)"));
        }
        details.put("leaks", state.lifecycle().totalLeaked());

        String reason = null;
        if (state.provides() && server == null) {
            reason = "the server is not running";
        } else if (!connected && state.provides()) {
            reason = "the registry cannot be reached: services cannot register";
        } else if (!connected && references.stream().anyMatch(r -> r.providers().isEmpty())) {
            reason = "the registry cannot be reached and a reference has no provider";
        }
        if (reason != null) {
            details.put("reason", reason);
        }
        return new TernHealth(reason == null, reason, details);
    }
}
