package io.tern.metrics;

/** Keys for tests. */
final class MeterSetKeys {

    private MeterSetKeys() {
    }

    static MeterSet.Key any() {
        return new MeterSet.Key("app", "com.example.Service", "method", "", "");
    }
}
