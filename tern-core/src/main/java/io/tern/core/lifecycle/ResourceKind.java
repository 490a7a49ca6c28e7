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
    REFERENCE;

    /** The kind's name in reports: {@code invoker}, {@code exporter}, ... */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
