package io.tern.testing;

import static java.util.Objects.requireNonNull;

import io.tern.AsyncCloseable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test made — servers, clients, protocols, registries, references — and fails the
 * test when one of them does not close cleanly in time, the way grpc-java's cleanup rule does:
 *
 * <pre>{@code
 * @RegisterExtension
 * final TernCleanup cleanup = new TernCleanup();
 *
 * @Test
 * void greets() {
 *     TernServer server = cleanup.register(Tern.server().service(Greeter.class, impl).start());
 *     TernClient client = cleanup.register(Tern.client().build());
 *     ...
 * }
 * }</pre>
 *
 * <p>What is registered while a test runs is closed after it; what is registered outside one
 * (in {@code @BeforeAll}, with the extension in a static field) is closed after the class.
 * Resources close in reverse order of registration, each given {@link #timeout} to complete its
 * {@link AsyncCloseable#closeAsync()}; every one is closed even when an earlier one fails, and
 * the failures are reported together, naming each resource.
 */
public final class TernCleanup implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Duration timeout;
    private final List<AutoCloseable> perTest = new ArrayList<>();
    private final List<AutoCloseable> perClass = new ArrayList<>();
    private boolean inTest;

    public TernCleanup() {
        this(DEFAULT_TIMEOUT);
    }

    private TernCleanup(Duration timeout) {
        this.timeout = timeout;
    }

    /** A cleanup that gives each resource this long to close (10 seconds by default). */
    public static TernCleanup withTimeout(Duration timeout) {
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        return new TernCleanup(timeout);
    }

    public Duration timeout() {
        return timeout;
    }

    /** Closes {@code resource} after the test (or the class); returns it. */
    public synchronized <T extends AutoCloseable> T register(T resource) {
        requireNonNull(resource, "resource");
        (inTest ? perTest : perClass).add(resource);
        return resource;
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        inTest = true;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<AutoCloseable> resources;
        synchronized (this) {
            inTest = false;
            resources = new ArrayList<>(perTest);
            perTest.clear();
        }
        closeAll(resources);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<AutoCloseable> resources;
        synchronized (this) {
            resources = new ArrayList<>(perClass);
            perClass.clear();
        }
        closeAll(resources);
    }

    /**
     * Closes resources in reverse order.
     *
     * @throws AssertionError naming every resource that failed to close or did not close in time
     */
    void closeAll(List<AutoCloseable> resources) {
        AssertionError failure = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            AutoCloseable resource = resources.get(i);
            String problem = close(resource);
            if (problem != null) {
                AssertionError error = new AssertionError(problem);
                if (failure == null) {
                    failure = error;
                } else {
                    failure.addSuppressed(error);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes one resource; returns what went wrong, or {@code null}. */
    private @Nullable String close(AutoCloseable resource) {
        try {
            if (resource instanceof AsyncCloseable async) {
                CompletableFuture<Void> closed = async.closeAsync();
                closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                resource.close();
            }
            return null;
        } catch (TimeoutException e) {
            return resource + " did not close within " + timeout + " (expected: closeAsync() to complete)";
        } catch (ExecutionException e) {
            return resource + " failed to close: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return resource + ": interrupted while closing";
        } catch (Exception e) {
            return resource + " failed to close: " + e;
        }
    }
}
