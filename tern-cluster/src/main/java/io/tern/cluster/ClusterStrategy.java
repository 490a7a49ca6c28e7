package io.tern.cluster;

import java.util.Arrays;
import java.util.Locale;

/** What a cluster does when a call fails, by Dubbo's names. */
public enum ClusterStrategy {
    /** Retry on another provider after a network failure or timeout ({@code retries} times); never after a service exception. */
    FAILOVER,
    /** One attempt; its failure is the call's. */
    FAILFAST,
    /** One attempt; a failure answers {@code null} and is logged. */
    FAILSAFE,
    /** A failure answers {@code null} now and is retried in the background, a bounded number of times from a bounded queue. */
    FAILBACK,
    /** {@code forks} providers at once; the first success wins and the others are cancelled. */
    FORKING,
    /** Every provider; the call fails if any does. */
    BROADCAST,
    /** The first available provider, without load balancing. */
    AVAILABLE;

    /**
     * Parses a strategy name.
     *
     * @throws IllegalArgumentException naming the known strategies
     */
    public static ClusterStrategy parse(String name) {
        for (ClusterStrategy s : values()) {
            if (s.name().equalsIgnoreCase(name.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("cluster: '" + name + "' (expected one of: " + String.join(", ",
                Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT)).toList()) + ")");
    }
}
