package io.tern.bootstrap;

import java.util.Locale;

/** Where a provider registers itself, as Apache Dubbo 3's {@code register-mode} says. */
public enum RegisterMode {
    /** At the interface level only: a node per service under {@code /dubbo/<interface>/providers}. */
    INTERFACE,
    /**
     * At the application level only: one node for the instance under {@code /services/<app>}, the
     * service-name mapping, and the metadata service consumers ask for what the instance serves.
     */
    INSTANCE,
    /** Both, Dubbo 3's default, so that consumers of either level find the provider. */
    ALL;

    boolean interfaceLevel() {
        return this != INSTANCE;
    }

    boolean instanceLevel() {
        return this != INTERFACE;
    }

    /**
     * The mode Dubbo's {@code register-mode} value names.
     *
     * @throws IllegalArgumentException naming the value and the ones taken
     */
    public static RegisterMode parse(String value) {
        for (RegisterMode mode : values()) {
            if (mode.name().equalsIgnoreCase(value.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("register-mode: '" + value + "' (expected: "
                + INTERFACE.name().toLowerCase(Locale.ROOT) + ", " + INSTANCE.name().toLowerCase(Locale.ROOT) + " or "
                + ALL.name().toLowerCase(Locale.ROOT) + ")");
    }
}
