package io.micrometer.observation;

/**
 * A marker for Apache Dubbo 3.3.5, test scope only: Dubbo activates its observation filters
 * ({@code @Activate(onClass = "io.micrometer.observation.NoopObservationRegistry")}) only when a
 * class of this name exists, and the Micrometer this project uses (1.17) no longer has one. With
 * Micrometer 1.17 on its class path, Dubbo 3.3.5's tracing stays off whatever its configuration
 * says; this class lets the interop test run Dubbo's real tracing filters against Tern's.
 */
final class NoopObservationRegistry {

    private NoopObservationRegistry() {
    }
}
