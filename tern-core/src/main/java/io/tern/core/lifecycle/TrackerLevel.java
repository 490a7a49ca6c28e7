package io.tern.core.lifecycle;

import java.util.Locale;

/**
 * How closely the {@link LifecycleTracker} watches destroyed resources, named after Netty's
 * leak detection levels.
 */
public enum TrackerLevel {
    /** Counts creations and destructions; watches nothing. */
    OFF,
    /** Watches one destroyed resource in every sampling interval; records no stacks. The default. */
    SAMPLED,
    /** Watches every destroyed resource and records where it was created and destroyed. */
    PARANOID;

    /**
     * Parses a level name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the known levels
     */
    public static TrackerLevel parse(String name) {
        for (TrackerLevel level : values()) {
            if (level.name().equalsIgnoreCase(name.trim())) {
                return level;
            }
        }
        throw new IllegalArgumentException("lifecycle level: '" + name + "' (expected: "
                + String.join(", ", java.util.Arrays.stream(values())
                        .map(l -> l.name().toLowerCase(Locale.ROOT)).toList()) + ")");
    }
}
