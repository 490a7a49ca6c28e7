package io.tern.cluster;

/** One provider's calls as its cluster has seen them, for load balancers that weigh load. */
public interface CallStats {

    /** Calls in flight now. */
    int active();

    /** The moving average of response times, in nanoseconds; 0 before the first call. */
    long averageNanos();

    /** Calls completed. */
    long calls();

    /** Calls failed. */
    long failures();
}
