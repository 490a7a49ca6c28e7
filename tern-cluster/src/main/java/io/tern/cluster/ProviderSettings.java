package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.ServiceUrl;
import java.util.HashMap;
import java.util.Map;

/**
 * What load balancers and routers read of a provider, parsed once from its URL when a directory
 * takes it in, with Dubbo's names: {@code weight} (100 by default; {@code <method>.weight} per
 * method), {@code timestamp} (the provider's start, ms since the epoch) and {@code warmup} (10
 * minutes by default) for Dubbo's warm-up ramp, {@code dubbo.tag}, and the consistent-hash
 * settings {@code hash.nodes} (160) and {@code hash.arguments} ({@code 0}; per method too).
 *
 * <p>A provider whose URL has a value that does not parse is refused by the directory, once,
 * instead of failing calls.
 */
public final class ProviderSettings {

    public static final int DEFAULT_WEIGHT = 100;
    public static final long DEFAULT_WARMUP_MILLIS = 10 * 60 * 1000;
    public static final int DEFAULT_HASH_NODES = 160;
    public static final String TAG_KEY = "dubbo.tag";

    private static final int[] DEFAULT_HASH_ARGUMENTS = {0};

    private final int weight;
    private final Map<String, Integer> methodWeights;
    private final long startMillis;
    private final long warmupMillis;
    private final String tag;
    private final int hashNodes;
    private final int[] hashArguments;
    private final Map<String, int[]> methodHashArguments;

    private ProviderSettings(int weight, Map<String, Integer> methodWeights, long startMillis, long warmupMillis,
            String tag, int hashNodes, int[] hashArguments, Map<String, int[]> methodHashArguments) {
        this.weight = weight;
        this.methodWeights = Map.copyOf(methodWeights);
        this.startMillis = startMillis;
        this.warmupMillis = warmupMillis;
        this.tag = tag;
        this.hashNodes = hashNodes;
        this.hashArguments = hashArguments;
        this.methodHashArguments = Map.copyOf(methodHashArguments);
    }

    /**
     * The settings a provider URL gives.
     *
     * @throws IllegalArgumentException naming the key, the value and what was expected
     */
    public static ProviderSettings parse(ServiceUrl url) {
        requireNonNull(url, "url");
        Map<String, Integer> methodWeights = new HashMap<>();
        Map<String, int[]> methodHash = new HashMap<>();
        for (Map.Entry<String, String> e : url.parameters().entrySet()) {
            String key = e.getKey();
            if (key.endsWith(".hash.arguments") && key.length() > ".hash.arguments".length()) {
                methodHash.put(key.substring(0, key.length() - ".hash.arguments".length()),
                        indexes(key, e.getValue()));
            } else if (key.endsWith(".weight") && key.length() > ".weight".length()) {
                methodWeights.put(key.substring(0, key.length() - ".weight".length()),
                        nonNegative(key, e.getValue()));
            }
        }
        String weight = url.parameter("weight");
        String start = url.parameter("timestamp");
        String warmup = url.parameter("warmup");
        String nodes = url.parameter("hash.nodes");
        String arguments = url.parameter("hash.arguments");
        long warmupMillis = warmup == null || warmup.isEmpty() ? DEFAULT_WARMUP_MILLIS : nonNegativeLong("warmup", warmup);
        return new ProviderSettings(
                weight == null ? DEFAULT_WEIGHT : nonNegative("weight", weight),
                methodWeights,
                start == null || start.isEmpty() ? 0 : nonNegativeLong("timestamp", start),
                warmupMillis == 0 ? DEFAULT_WARMUP_MILLIS : warmupMillis,
                url.parameter(TAG_KEY, ""),
                nodes == null ? DEFAULT_HASH_NODES : positive("hash.nodes", nodes),
                arguments == null ? DEFAULT_HASH_ARGUMENTS : indexes("hash.arguments", arguments),
                methodHash);
    }

    /** The configured weight of calls to {@code method}, before warm-up. */
    public int weight(String method) {
        if (methodWeights.isEmpty()) {
            return weight;
        }
        Integer w = methodWeights.get(method);
        return w != null ? w : weight;
    }

    /**
     * The weight of calls to {@code method} at {@code nowMillis}, as Dubbo computes it: ramped up
     * linearly over the warm-up from the provider's start, never below 1 while ramping; 0 for a
     * provider weighted 0.
     */
    public int weight(String method, long nowMillis) {
        int configured = weight(method);
        if (configured <= 0 || startMillis <= 0) {
            return Math.max(configured, 0);
        }
        long uptime = nowMillis - startMillis;
        if (uptime <= 0) {
            return 1;
        }
        if (uptime < warmupMillis) {
            int ramped = (int) (uptime / ((float) warmupMillis / configured));
            return Math.max(1, Math.min(ramped, configured));
        }
        return configured;
    }

    /** When the provider started, ms since the epoch; 0 when its URL does not say. */
    public long startMillis() {
        return startMillis;
    }

    public long warmupMillis() {
        return warmupMillis;
    }

    /** The provider's {@code dubbo.tag}; empty for an untagged provider. */
    public String tag() {
        return tag;
    }

    /** Virtual nodes per provider on a consistent-hash ring. */
    public int hashNodes() {
        return hashNodes;
    }

    /** The indexes of the arguments a consistent-hash key is made of, for {@code method}. */
    public int[] hashArguments(String method) {
        int[] perMethod = methodHashArguments.isEmpty() ? null : methodHashArguments.get(method);
        return (perMethod != null ? perMethod : hashArguments).clone();
    }

    private static int nonNegative(String key, String value) {
        return (int) integer(key, value, 0, Integer.MAX_VALUE);
    }

    private static int positive(String key, String value) {
        return (int) integer(key, value, 1, Integer.MAX_VALUE);
    }

    private static long nonNegativeLong(String key, String value) {
        return integer(key, value, 0, Long.MAX_VALUE);
    }

    private static long integer(String key, String value, long min, long max) {
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + ": '" + value + "' (expected: an integer " + (min == 0 ? ">= 0" : "> 0")
                + ")");
    }

    private static int[] indexes(String key, String value) {
        String[] parts = value.split(",");
        int[] indexes = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                indexes[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                indexes[i] = -1;
            }
            if (indexes[i] < 0) {
                throw new IllegalArgumentException(key + ": '" + value
                        + "' (expected: argument indexes >= 0, separated by commas)");
            }
        }
        return indexes;
    }

    @Override
    public String toString() {
        return "ProviderSettings[weight=" + weight + (methodWeights.isEmpty() ? "" : ", methodWeights=" + methodWeights)
                + (startMillis > 0 ? ", start=" + startMillis + ", warmup=" + warmupMillis : "")
                + (tag.isEmpty() ? "" : ", tag=" + tag) + "]";
    }
}
