package io.tern.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.AsyncCloseable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TernCleanupTest {

    private static AsyncCloseable named(String name, List<String> closed, CompletableFuture<Void> result) {
        return new AsyncCloseable() {
            @Override
            public CompletableFuture<Void> closeAsync() {
                closed.add(name);
                return result;
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    @Test
    void closesInReverseOrderAfterEachTestAndTheClassesAfterAll() {
        List<String> closed = new ArrayList<>();
        TernCleanup cleanup = new TernCleanup();
        cleanup.register(named("class-wide", closed, CompletableFuture.completedFuture(null)));
        cleanup.beforeEach(null);
        cleanup.register(named("first", closed, CompletableFuture.completedFuture(null)));
        cleanup.register(named("second", closed, CompletableFuture.completedFuture(null)));

        cleanup.afterEach(null);
        assertThat(closed).containsExactly("second", "first");

        cleanup.afterAll(null);
        assertThat(closed).containsExactly("second", "first", "class-wide");
    }

    @Test
    void aResourceThatDoesNotCloseInTimeFailsTheTestAndTheOthersStillClose() {
        List<String> closed = new ArrayList<>();
        TernCleanup cleanup = TernCleanup.withTimeout(Duration.ofMillis(50));
        cleanup.beforeEach(null);
        cleanup.register(named("fine", closed, CompletableFuture.completedFuture(null)));
        cleanup.register(named("stuck", closed, new CompletableFuture<>()));
        cleanup.register(named("broken", closed, CompletableFuture.failedFuture(new IllegalStateException("boom"))));

        assertThatThrownBy(() -> cleanup.afterEach(null))
                .isInstanceOf(AssertionError.class)
                .hasMessage("broken failed to close: java.lang.IllegalStateException: boom")
                .satisfies(e -> assertThat(e.getSuppressed()).singleElement().extracting(Throwable::getMessage)
                        .isEqualTo("stuck did not close within PT0.05S (expected: closeAsync() to complete)"));
        assertThat(closed).containsExactly("broken", "stuck", "fine");
    }
}
