package io.tern.dubbo;

import java.util.Locale;

/** Where a provider runs a call once its request is decoded. */
public enum Dispatch {
    /** On the connection's I/O thread: no hand-off, for services that never block. */
    DIRECT,
    /** On a bounded thread pool (the default); when every thread is busy the call is answered with status 100. */
    POOL,
    /** On a new virtual thread per call (Java 21 and later). */
    VIRTUAL;

    /**
     * Parses a dispatch name: {@code direct}, {@code pool}, {@code virtual}, or Dubbo's
     * {@code dispatcher} values ({@code all} and {@code message} mean pool).
     *
     * @throws IllegalArgumentException naming the known values
     */
    public static Dispatch parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "direct" -> DIRECT;
            case "pool", "all", "message", "execution" -> POOL;
            case "virtual" -> VIRTUAL;
            default -> throw new IllegalArgumentException("dispatch: '" + name
                    + "' (expected: direct, pool or virtual)");
        };
    }
}
