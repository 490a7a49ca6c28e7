package io.tern.cluster;

/** A cluster class that reaches core's internals: the dependency {@code LayeringTest} must catch. */
final class InternalPlant {
    private InternalPlant() {
    }

    static String name() {
        return io.tern.core.internal.CallerExecutor.class.getName();
    }
}
