package io.tern.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkStealingPoolTest {

    @Test
    void callsBlockedInManagedWaitsGetNoCompensationWorkers() throws Exception {
        WorkStealingPool pool = new WorkStealingPool(2, 8, "bounded-test");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        Set<Thread> blockers = ConcurrentHashMap.newKeySet();
        AtomicInteger laterCallsStarted = new AtomicInteger();
        try {
            for (int i = 0; i < 2; i++) {
                pool.execute(() -> {
                    blockers.add(Thread.currentThread());
                    gate.join(); // a managed wait: a plain ForkJoinPool would add a worker for it
                });
            }
            for (int i = 0; i < 4; i++) {
                pool.execute(laterCallsStarted::incrementAndGet);
            }
            // Compensation is decided before a worker parks: once both are parked, it has happened or never will.
            await().atMost(Duration.ofSeconds(10)).until(() -> blockers.size() == 2
                    && blockers.stream().allMatch(t -> t.getState() == Thread.State.WAITING));

            assertThat(pool.poolSize()).isEqualTo(2);
            assertThat(laterCallsStarted).hasValue(0);
            assertThat(pool.admitted()).isEqualTo(6);
        } finally {
            gate.complete(null);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> laterCallsStarted.get() == 4 && pool.admitted() == 0);
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void admitsThreadsPlusQueuesAndGivesBackQueuedCalls() throws Exception {
        WorkStealingPool pool = new WorkStealingPool(1, 2, "drain-test");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        pool.execute(() -> {
            entered.countDown();
            awaitQuietly(release);
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        Runnable first = ran::incrementAndGet;
        Runnable second = ran::incrementAndGet;
        pool.execute(first);
        pool.execute(second);
        assertThatThrownBy(() -> pool.execute(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class)
                .hasMessage("drain-test: 3 calls already admitted");

        List<Runnable> queued = pool.drainQueued(call -> true);

        assertThat(queued).containsExactlyInAnyOrder(first, second);
        assertThat(pool.admitted()).isEqualTo(1);
        release.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).as("drained calls never run").hasValue(0);
    }

    @Test
    void aDrainTakesTheCallsItPicksAndLeavesTheOthersToRun() throws Exception {
        WorkStealingPool pool = new WorkStealingPool(1, 4, "shared");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(() -> {
            entered.countDown();
            awaitQuietly(release);
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicInteger mine = new AtomicInteger();
        AtomicInteger others = new AtomicInteger();
        Runnable myCall = mine::incrementAndGet;
        Runnable anotherCall = others::incrementAndGet;
        pool.execute(myCall);
        pool.execute(anotherCall);

        List<Runnable> drained = pool.drainQueued(call -> call == myCall);

        assertThat(drained).containsExactly(myCall);
        assertThat(pool.admitted()).as("the running call and the other protocol's").isEqualTo(2);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> others.get() == 1);
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mine).as("the drained call never runs").hasValue(0);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
