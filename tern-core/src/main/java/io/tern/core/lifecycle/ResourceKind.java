package io.tern.core.lifecycle;

/** The kinds of resource the {@link LifecycleTracker} counts and watches. */
public enum ResourceKind {
    INVOKER,
    EXPORTER,
    CLIENT,
    SERVER,
    DIRECTORY,
    REGISTRY,
    PROTOCOL,
    REFERENCE,
    /** A TLS context: its certificate checks and the sessions it keeps for resumption. */
    TLS_CONTEXT,
    /** A reference's subscription at the application level: its mapping and instance watches, the metadata it uses. */
    SUBSCRIPTION,
    /** A reference's override rules: its config-center and {@code /configurators} watches, the rules in force. */
    RULES,
    /** A client's watch of a server's health ({@code grpc.health.v1.Health/Watch}): its place among the server's watches. */
    HEALTH_WATCH;

    /** The kind's name in reports: {@code invoker}, {@code exporter}, ... */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
