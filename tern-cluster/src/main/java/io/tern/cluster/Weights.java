package io.tern.cluster;

import io.tern.Invoker;
import io.tern.ServiceUrl;

/**
 * Provider weights as Dubbo computes them: the {@code weight} parameter (100 by default), ramped
 * up linearly over the {@code warmup} period (10 minutes by default) from the provider's start
 * ({@code timestamp}), never below 1.
 */
final class Weights {

    static final int DEFAULT_WEIGHT = 100;
    static final long DEFAULT_WARMUP_MILLIS = 10 * 60 * 1000;

    private Weights() {
    }

    static int weight(Invoker<?> invoker, String method, long nowMillis) {
        ServiceUrl url = invoker.url();
        String methodWeight = url.parameter(method + ".weight");
        int weight = methodWeight != null ? parse(methodWeight) : url.intParameter("weight", DEFAULT_WEIGHT);
        if (weight <= 0) {
            return 0;
        }
        long start = parseLong(url.parameter("timestamp"));
        if (start > 0) {
            long uptime = nowMillis - start;
            long warmup = parseLong(url.parameter("warmup"));
            if (warmup <= 0) {
                warmup = DEFAULT_WARMUP_MILLIS;
            }
            if (uptime > 0 && uptime < warmup) {
                int ramped = (int) (uptime / ((float) warmup / weight));
                return Math.max(1, Math.min(ramped, weight));
            }
            if (uptime <= 0) {
                return 1;
            }
        }
        return weight;
    }

    private static int parse(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return DEFAULT_WEIGHT;
        }
    }

    private static long parseLong(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
