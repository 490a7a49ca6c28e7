package io.tern.triple;

/**
 * Loaded by {@code TripleClassPolicyTest}'s check of its class-load watch alone; a top-level class,
 * since JUnit loads a test class's nested classes when it discovers the test.
 */
final class LoadedOnlyByTheWatchCheck {
    private LoadedOnlyByTheWatchCheck() {
    }
}
