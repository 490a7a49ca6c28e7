package io.tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.Invoker;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Gc;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A call that finds no provider while the providers are changing, as in a rolling restart where
 * the last old provider leaves just before its successor is seen: its retries wait for the next
 * change and route against the list as it is then.
 */
class ProviderChangeTest {

    private static final ServiceUrl EMPTY = ServiceUrl.parse("empty://127.0.0.1/"
            + FakeInvoker.Service.class.getName() + "?category=providers");

    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);

    private DynamicDirectory<FakeInvoker.Service> directory(long timeoutMillis, int retries) {
        ServiceUrl consumer = ServiceUrl.parse("consumer://127.0.0.1/" + FakeInvoker.Service.class.getName()
                + "?timeout=" + timeoutMillis + "&retries=" + retries);
        return DynamicDirectory.create(FakeInvoker.Service.class, consumer, url -> new FakeInvoker(url,
                i -> CompletableFuture.completedFuture(Result.value(url.address())), tracker), Duration.ZERO, tracker);
    }

    @SuppressWarnings("unchecked")
    private static ClusterInvoker<FakeInvoker.Service> join(DynamicDirectory<FakeInvoker.Service> directory) {
        return (ClusterInvoker<FakeInvoker.Service>) Clusters.join(directory, List.of());
    }

    private static CompletableFuture<Result> call(Invoker<FakeInvoker.Service> cluster) {
        return cluster.invoke(FakeInvoker.invocation("x"));
    }

    private static RpcException failure(CompletableFuture<Result> call) {
        try {
            call.join();
        } catch (CompletionException e) {
            return Result.asRpcException(e.getCause());
        }
        throw new AssertionError("the call succeeded: " + call.join());
    }

    @Test
    void aCallThatFindsNoProviderJustAfterTheLastLeftIsAnsweredByItsSuccessor() {
        DynamicDirectory<FakeInvoker.Service> directory = directory(10_000, 2);
        try (ClusterInvoker<FakeInvoker.Service> cluster = join(directory)) {
            directory.notify(List.of(FakeInvoker.url("10.0.0.1:20880")));
            assertThat(Result.await(call(cluster)).value()).isEqualTo("10.0.0.1:20880");

            directory.notify(List.of(EMPTY)); // the old provider left; its successor is not seen yet
            CompletableFuture<Result> call = call(cluster);
            assertThat(call).as("waiting for the providers to change").isNotDone();
            assertThat(cluster.changeWaiters()).isEqualTo(1);

            directory.notify(List.of(FakeInvoker.url("10.0.0.2:20880")));
            assertThat(Result.await(call).value()).isEqualTo("10.0.0.2:20880");
            assertThat(cluster.changeWaiters()).isZero();
        }
    }

    @Test
    void withoutRetriesOrLongAfterTheLastChangeACallFailsAtOnce() {
        DynamicDirectory<FakeInvoker.Service> noRetries = directory(10_000, 0);
        try (ClusterInvoker<FakeInvoker.Service> cluster = join(noRetries)) {
            noRetries.notify(List.of(FakeInvoker.url("10.0.0.1:20880")));
            noRetries.notify(List.of(EMPTY));
            CompletableFuture<Result> call = call(cluster);
            assertThat(call).as("a call without retries has nothing to wait with").isCompletedExceptionally();
            assertThat(failure(call).status()).isEqualTo(RpcStatus.NO_PROVIDER);
        }

        DynamicDirectory<FakeInvoker.Service> settled = directory(50, 2);
        try (ClusterInvoker<FakeInvoker.Service> cluster = join(settled)) {
            settled.notify(List.of(FakeInvoker.url("10.0.0.1:20880")));
            settled.notify(List.of(EMPTY));
            long changed = System.nanoTime();
            await().until(() -> System.nanoTime() - changed > Duration.ofMillis(100).toNanos());
            CompletableFuture<Result> call = call(cluster);
            assertThat(call).as("no change within the timeout: nothing to wait for").isCompletedExceptionally();
            assertThat(failure(call).getMessage()).endsWith("#call: 0 providers, 0 after routing");
            assertThat(cluster.changeWaiters()).isZero();
        }
    }

    @Test
    void aWaitIsBoundedByTheTimeoutAndEachWaitSpendsARetry() {
        DynamicDirectory<FakeInvoker.Service> directory = directory(200, 2);
        try (ClusterInvoker<FakeInvoker.Service> cluster = join(directory)) {
            directory.notify(List.of(FakeInvoker.url("10.0.0.1:20880")));
            directory.notify(List.of(EMPTY));
            CompletableFuture<Result> call = call(cluster);
            RpcException e = failure(call);
            assertThat(e.status()).isEqualTo(RpcStatus.NO_PROVIDER);
            assertThat(e.getMessage()).endsWith("#call: 0 providers, 0 after routing");
            assertThat(cluster.changeWaiters()).isZero();
        }
    }

    @Test
    void closingTheClusterEndsItsWaitingCallsAndKeepsNothingOfThem() {
        DynamicDirectory<FakeInvoker.Service> directory = directory(60_000, 2);
        ClusterInvoker<FakeInvoker.Service> cluster = join(directory);
        directory.notify(List.of(FakeInvoker.url("10.0.0.1:20880")));
        directory.notify(List.of(EMPTY));
        CompletableFuture<Result> call = call(cluster);
        assertThat(cluster.changeWaiters()).isEqualTo(1);

        cluster.close();
        assertThat(failure(call).getMessage()).contains("0 providers, 0 after routing");
        assertThat(cluster.changeWaiters()).isZero();
        // The timer still holds the finished waiter for a minute; it must not hold the cluster.
        WeakReference<Object> ref = new WeakReference<>(cluster);
        cluster = null;
        directory = null;
        Gc.awaitCleared(List.of(ref));
    }
}
