package io.tern.core.lifecycle;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One destroyed resource found still reachable: what it was, when it was destroyed, and at the
 * {@link TrackerLevel#PARANOID} level the stacks where it was created and destroyed.
 */
public record LeakReport(ResourceKind kind, String name, Instant destroyedAt, int gcCycles,
        @Nullable String createdStack, @Nullable String destroyedStack) {

    public Optional<String> creation() {
        return Optional.ofNullable(createdStack);
    }

    public Optional<String> destruction() {
        return Optional.ofNullable(destroyedStack);
    }

    /** One line: kind, name, and how long it has outlived its destruction. */
    public String summary() {
        return kind.label() + " " + name + " destroyed at " + destroyedAt + " is still reachable after "
                + gcCycles + " full GC cycles";
    }
}
