package io.tern.dubbo;

/** What {@link Canary} records, kept apart so reading it does not initialize Canary. */
final class CanaryRecord {

    static volatile boolean initialized;
    static volatile boolean constructed;

    private CanaryRecord() {
    }
}
