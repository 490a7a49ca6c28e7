package io.tern.serialization;

/** What {@link Canary} records; a separate class so reading it does not initialize Canary. */
final class CanaryRecord {

    static volatile boolean initialized;
    static volatile boolean constructed;

    private CanaryRecord() {
    }
}
