package io.tern.transport;

import io.tern.ServiceUrl;
import java.time.Duration;

/** Validation and URL parsing shared by the option records of every protocol, so an option means the same on each. */
public final class Options {

    private Options() {
    }

    public static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    public static void notNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
    }

    public static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    public static void notNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
    }

    public static Duration millisParameter(ServiceUrl url, String key, Duration defaultValue) {
        String value = url.parameter(key);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            long millis = Long.parseLong(value);
            if (millis >= 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(key + ": '" + value + "' (expected: milliseconds, an integer >= 0)");
    }
}
