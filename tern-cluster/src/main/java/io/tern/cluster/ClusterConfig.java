package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How a reference's cluster behaves, typed and validated, read once from the consumer URL with
 * Dubbo's names ({@code cluster}, {@code loadbalance}, {@code retries}, {@code forks},
 * {@code sticky}, {@code failbacktasks}) and per method ({@code <method>.retries},
 * {@code <method>.loadbalance}). Timeouts and weights travel on the provider URLs.
 *
 * @param failbackTasks the most failed calls queued for background retry
 * @param failbackRetries how many times a failed call is retried in the background
 * @param failbackInterval how long between background retries ({@code failbackinterval}, ms)
 */
public record ClusterConfig(ClusterStrategy strategy, String loadBalancer, int retries, int forks, boolean sticky,
        int failbackTasks, int failbackRetries, java.time.Duration failbackInterval, Map<String, MethodConfig> methods) {

    /** Per-method overrides; {@code -1} and {@code null} mean "as the reference". */
    public record MethodConfig(int retries, @Nullable String loadBalancer) {
    }

    public static final ClusterConfig DEFAULT = new ClusterConfig(ClusterStrategy.FAILOVER, LoadBalancers.RANDOM, 2,
            2, false, 100, 3, java.time.Duration.ofSeconds(5), Map.of());

    public ClusterConfig {
        requireNonNull(strategy, "strategy");
        requireNonNull(loadBalancer, "loadBalancer");
        requireNonNull(failbackInterval, "failbackInterval");
        methods = Map.copyOf(methods);
        if (failbackInterval.isNegative() || failbackInterval.isZero()) {
            throw new IllegalArgumentException("failbackinterval: " + failbackInterval + " (expected: > 0)");
        }
        LoadBalancers.checkName("loadbalance", loadBalancer);
        if (retries < 0) {
            throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
        }
        if (forks < 1) {
            throw new IllegalArgumentException("forks: " + forks + " (expected: >= 1)");
        }
        if (failbackTasks < 1) {
            throw new IllegalArgumentException("failbacktasks: " + failbackTasks + " (expected: >= 1)");
        }
        if (failbackRetries < 0) {
            throw new IllegalArgumentException("failbackretries: " + failbackRetries + " (expected: >= 0)");
        }
    }

    /** The configuration a consumer URL describes, over these defaults. */
    public static ClusterConfig from(ServiceUrl url, ClusterConfig defaults) {
        java.util.HashMap<String, MethodConfig> methods = new java.util.HashMap<>(defaults.methods());
        for (String method : url.methods()) {
            addMethod(url, method, methods);
        }
        for (String key : url.parameters().keySet()) {
            int dot = key.lastIndexOf('.');
            if (dot > 0 && (key.endsWith(".retries") || key.endsWith(".loadbalance"))) {
                addMethod(url, key.substring(0, dot), methods);
            }
        }
        return new ClusterConfig(
                url.parameter("cluster") == null ? defaults.strategy() : ClusterStrategy.parse(url.parameter("cluster")),
                url.parameter("loadbalance", defaults.loadBalancer()),
                url.retries().orElse(defaults.retries()),
                url.intParameter("forks", defaults.forks()),
                url.booleanParameter("sticky", defaults.sticky()),
                url.intParameter("failbacktasks", defaults.failbackTasks()),
                url.intParameter("failbackretries", defaults.failbackRetries()),
                java.time.Duration.ofMillis(url.intParameter("failbackinterval",
                        (int) defaults.failbackInterval().toMillis())),
                methods);
    }

    private static void addMethod(ServiceUrl url, String method, Map<String, MethodConfig> into) {
        int retries = url.intParameter(method + ".retries", -1);
        String lb = url.parameter(method + ".loadbalance");
        if (retries < -1) {
            throw new IllegalArgumentException(method + ".retries: " + retries + " (expected: >= 0)");
        }
        if (lb != null) {
            LoadBalancers.checkName(method + ".loadbalance", lb);
        }
        if (retries >= 0 || lb != null) {
            into.put(method, new MethodConfig(retries, lb));
        }
    }

    public int retries(String method) {
        MethodConfig m = methods.get(method);
        return m != null && m.retries() >= 0 ? m.retries() : retries;
    }

    public String loadBalancer(String method) {
        MethodConfig m = methods.get(method);
        String named = m == null ? null : m.loadBalancer();
        return named != null ? named : loadBalancer;
    }
}
