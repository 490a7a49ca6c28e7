package io.tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.Invoker;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.ServiceUrl;
import io.tern.core.Gc;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DynamicDirectoryTest {

    private static final ServiceUrl CONSUMER = ServiceUrl.parse("consumer://127.0.0.1/"
            + FakeInvoker.Service.class.getName());

    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
    private final List<FakeInvoker> made = new java.util.concurrent.CopyOnWriteArrayList<>();

    private DynamicDirectory<FakeInvoker.Service> directory() {
        return DynamicDirectory.create(FakeInvoker.Service.class, CONSUMER, url -> {
            FakeInvoker invoker = new FakeInvoker(url, i -> CompletableFuture.completedFuture(
                    Result.value(url.address())), tracker);
            made.add(invoker);
            return invoker;
        }, Duration.ofSeconds(5), tracker);
    }

    private static ServiceUrl provider(int n) {
        return FakeInvoker.url("10.0." + (n / 250) + "." + (n % 250 + 1) + ":20880");
    }

    private DynamicDirectory<FakeInvoker.Service> directory(ServiceUrl consumer, java.util.Set<String> protocols) {
        return DynamicDirectory.create(FakeInvoker.Service.class, consumer, url -> {
            FakeInvoker invoker = new FakeInvoker(url, i -> CompletableFuture.completedFuture(
                    Result.value(url.address())), tracker);
            made.add(invoker);
            return invoker;
        }, Duration.ofSeconds(5), tracker, protocols);
    }

    @Test
    void onlyProvidersOfTheProtocolsTheConsumerHasOrAsksForAreTaken() {
        ServiceUrl dubbo = provider(1);
        ServiceUrl tri = dubbo.toBuilder().protocol("tri").build();
        try (DynamicDirectory<FakeInvoker.Service> directory = directory(CONSUMER, java.util.Set.of("dubbo"))) {
            directory.notify(List.of(dubbo, tri));
            assertThat(directory.providers()).extracting(p -> p.url().protocol()).containsExactly("dubbo");
        }
        ServiceUrl asksForTri = CONSUMER.toBuilder().parameter("protocol", "tri").build();
        try (DynamicDirectory<FakeInvoker.Service> directory = directory(asksForTri, java.util.Set.of("dubbo", "tri"))) {
            directory.notify(List.of(dubbo, tri));
            assertThat(directory.providers()).extracting(p -> p.url().protocol()).containsExactly("tri");
        }
        try (DynamicDirectory<FakeInvoker.Service> any = directory()) {
            any.notify(List.of(dubbo, tri));
            assertThat(any.providers()).as("no protocols given: any").hasSize(2);
        }
    }

    @Test
    void notificationsReuseKeepCreateAndDestroy() {
        try (DynamicDirectory<FakeInvoker.Service> directory = directory()) {
            directory.notify(List.of(provider(1), provider(2)));
            List<Provider<FakeInvoker.Service>> first = directory.providers();
            assertThat(first).hasSize(2);

            directory.notify(List.of(provider(2), provider(3)));
            List<Provider<FakeInvoker.Service>> second = directory.providers();
            assertThat(second).hasSize(2);
            assertThat(second.get(0)).as("unchanged provider keeps its invoker").isSameAs(first.get(1));
            assertThat(first.get(0).isDestroyed()).as("removed provider's invoker is destroyed").isTrue();
            assertThat(made).hasSize(3);
        }
        assertThat(made).allMatch(Invoker::isDestroyed);
    }

    @Test
    void aProviderWithABadSettingIsRefusedOnceAndCallsGoToTheOthers() {
        ServiceUrl bad = provider(2).toBuilder().parameter("weight", "heavy").build();
        try (DynamicDirectory<FakeInvoker.Service> directory = directory();
                Invoker<FakeInvoker.Service> cluster = Clusters.join(directory, List.of())) {
            directory.notify(List.of(provider(1), bad));

            assertThat(directory.providers()).extracting(p -> p.url().address()).containsExactly(provider(1).address());
            assertThat(directory.refusedCount()).isEqualTo(1);
            assertThat(made).as("no invoker made for the refused provider").hasSize(1);
            for (int i = 0; i < 10; i++) {
                assertThat(Result.await(cluster.invoke(FakeInvoker.invocation("x"))).value())
                        .isEqualTo(provider(1).address());
            }
            assertThat(directory.providers().get(0).settings().weight("x")).isEqualTo(100);
        }
    }

    @Test
    void anEmptyNotificationKeepsTheLastListAndEmptyProtocolClearsIt() {
        try (DynamicDirectory<FakeInvoker.Service> directory = directory()) {
            directory.notify(List.of(provider(1), provider(2)));
            directory.notify(List.of());
            assertThat(directory.providers()).hasSize(2);

            directory.notify(List.of(ServiceUrl.parse("empty://127.0.0.1/" + FakeInvoker.Service.class.getName()
                    + "?category=providers")));
            assertThat(directory.providers()).isEmpty();
            assertThat(made).allMatch(Invoker::isDestroyed);
        }
    }

    @Test
    void theGracePeriodBoundsTheWaitWithoutTouchingTheInvokersOwnClose() {
        CompletableFuture<Result> hung = new CompletableFuture<>();
        DynamicDirectory<FakeInvoker.Service> directory = DynamicDirectory.create(FakeInvoker.Service.class, CONSUMER,
                url -> {
                    FakeInvoker invoker = new FakeInvoker(url, i -> hung, tracker);
                    made.add(invoker);
                    return invoker;
                }, Duration.ofMillis(50), tracker);
        directory.notify(List.of(provider(1)));
        FakeInvoker invoker = made.get(0);
        CompletableFuture<Result> inFlight = invoker.invoke(FakeInvoker.invocation("x"));

        CompletableFuture<Void> closed = directory.closeAsync();
        assertThat(closed).succeedsWithin(Duration.ofSeconds(10)); // stopped waiting after the grace period
        assertThat(invoker.isDestroyed()).isTrue();
        assertThat(invoker.closeAsync()).as("the invoker's own close still waits for its call").isNotDone();

        hung.complete(Result.value("late"));
        assertThat(inFlight).isCompletedWithValueMatching(r -> "late".equals(r.value()));
        assertThat(invoker.closeAsync()).succeedsWithin(Duration.ofSeconds(10));
    }

    @Test
    void listenersHearEveryChangeAndLeaveWithTheirSubscription() {
        try (DynamicDirectory<FakeInvoker.Service> directory = directory()) {
            AtomicInteger heard = new AtomicInteger();
            Directory.Subscription subscription = directory.onChange(list -> heard.incrementAndGet());
            directory.notify(List.of(provider(1)));
            directory.notify(List.of(provider(2)));
            subscription.close();
            directory.notify(List.of(provider(3)));
            assertThat(heard.get()).isEqualTo(2);
            assertThat(directory.listenerCount()).isZero();
        }
    }

    @Test
    void notificationsRacingCallsNeverFailACall() throws Exception {
        DynamicDirectory<FakeInvoker.Service> directory = directory();
        directory.notify(List.of(provider(0), provider(1), provider(2)));
        Invoker<FakeInvoker.Service> cluster = Clusters.join(directory, RouterChain.empty(), ClusterConfig.DEFAULT,
                new Random(3), tracker);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger calls = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(8);
        for (int t = 0; t < 8; t++) {
            callers.execute(() -> {
                try {
                    while (running.get()) {
                        try {
                            Object value = Result.await(cluster.invoke(FakeInvoker.invocation("x"))).recreate();
                            if (value == null) {
                                failures.add(new AssertionError("null answer"));
                            }
                            calls.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e);
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        Random random = new Random(5);
        for (int i = 0; i < 2_000; i++) {
            // Always one provider at least, and always one that stays: provider 0.
            List<ServiceUrl> providers = new ArrayList<>(List.of(provider(0)));
            for (int p = 1; p < 6; p++) {
                if (random.nextBoolean()) {
                    providers.add(provider(p));
                }
            }
            directory.notify(providers);
        }
        running.set(false);
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        callers.shutdown();
        cluster.close();

        // A provider removed while a call picked it either took the call first (it finishes) or
        // refused it as destroyed, and the cluster sent it elsewhere: callers never see either.
        assertThat(List.copyOf(failures)).isEmpty();
        assertThat(calls.get()).isPositive();
    }

    @Test
    void tenThousandNotificationsLeaveStatisticsAtTheLiveSetAndEveryRemovedInvokerCollected() {
        DynamicDirectory<FakeInvoker.Service> directory = directory();
        ClusterConfig config = new ClusterConfig(ClusterStrategy.FAILOVER, LoadBalancers.ROUND_ROBIN, 2, 2, false,
                100, 3, Duration.ofSeconds(5), Map.of("call", new ClusterConfig.MethodConfig(-1, null)));
        ClusterInvoker<FakeInvoker.Service> cluster = (ClusterInvoker<FakeInvoker.Service>) Clusters.join(directory,
                RouterChain.empty(), config, new Random(7), tracker);
        Random random = new Random(9);
        List<WeakReference<Object>> removed = new ArrayList<>();
        int live = 0;
        for (int i = 0; i < 10_000; i++) {
            List<ServiceUrl> providers = new ArrayList<>();
            int base = i * 3;
            for (int p = 0; p < 1 + random.nextInt(5); p++) {
                providers.add(provider((base + p) % 5_000));
            }
            directory.notify(providers);
            live = directory.providers().size();
            assertThat(Result.await(cluster.invoke(FakeInvoker.invocation("x"))).value()).isNotNull();
            assertThat(cluster.stats().size()).isLessThanOrEqualTo(live);
            assertThat(cluster.balancerStateSize()).isLessThanOrEqualTo(live);
        }
        removed.addAll(weakRefsToDestroyed());
        assertThat(cluster.stats().size()).isLessThanOrEqualTo(live);
        Gc.awaitCleared(removed);
        System.out.printf("churn: 10,000 notifications, %,d invokers removed and collected, %d live; statistics"
                + " entries %d, balancer entries %d%n", removed.size(), live, cluster.stats().size(),
                cluster.balancerStateSize());
        cluster.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> directory.providers().isEmpty());
    }

    /**
     * Weak references to the destroyed invokers made so far, which this test then forgets. A
     * method of its own, so no iterator over them outlives it in the caller's frame.
     */
    private List<WeakReference<Object>> weakRefsToDestroyed() {
        List<WeakReference<Object>> refs = new ArrayList<>();
        for (FakeInvoker invoker : made) {
            if (invoker.isDestroyed()) {
                refs.add(new WeakReference<>(invoker));
            }
        }
        made.removeIf(Invoker::isDestroyed);
        return refs;
    }

    @Test
    void closingTheClusterClosesTheDirectoryAndItsInvokers() {
        DynamicDirectory<FakeInvoker.Service> directory = directory();
        directory.notify(List.of(provider(1), provider(2)));
        Invoker<FakeInvoker.Service> cluster = Clusters.join(directory, List.of());
        cluster.close();
        assertThat(directory.providers()).isEmpty();
        assertThat(made).allMatch(Invoker::isDestroyed);
        assertThat(Result.await(cluster.invoke(FakeInvoker.invocation("x")).handle((r, e) -> Result.value(e))).value())
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status())
                        .isEqualTo(io.tern.RpcStatus.DESTROYED));
    }
}
