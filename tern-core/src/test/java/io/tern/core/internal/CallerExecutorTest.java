package io.tern.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CallerExecutorTest {

    @Test
    void aTaskGivenWhileItsThreadWaitsRunsOnThatThread() throws Exception {
        CallerExecutor caller = CallerExecutor.current();
        CompletableFuture<String> call = new CompletableFuture<>();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Thread self = Thread.currentThread();
        Thread other = new Thread(() -> {
            await().atMost(Duration.ofSeconds(5)).until(() -> self.getState() == Thread.State.WAITING);
            caller.execute(() -> {
                ranOn.set(Thread.currentThread());
                call.complete("answer");
            });
        });
        other.start();
        assertThat(caller.await(call)).isEqualTo("answer");
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
        other.join();
    }

    @Test
    void aTaskGivenBetweenEnterAndAwaitWaitsForTheCaller() throws Exception {
        CallerExecutor caller = CallerExecutor.current();
        CompletableFuture<String> call = new CompletableFuture<>();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        caller.enter(); // as a proxy does before it sends the call
        try {
            Thread quick = new Thread(() -> caller.execute(() -> {
                ranOn.set(Thread.currentThread());
                call.complete("quick");
            }));
            quick.start();
            quick.join(); // the answer came before the caller began to wait
            assertThat(ranOn.get()).isNull();
            assertThat(caller.await(call)).isEqualTo("quick");
            assertThat(ranOn.get()).isSameAs(Thread.currentThread());
        } finally {
            caller.leave();
        }
    }

    @Test
    void aTaskGivenWhenNoOneWaitsRunsOnTheThreadThatGivesIt() throws Exception {
        CallerExecutor caller = CallerExecutor.current();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        Thread other = new Thread(() -> caller.execute(() -> ranOn.set(Thread.currentThread())), "giver");
        other.start();
        other.join();
        assertThat(ranOn.get()).isSameAs(other);
    }

    @Test
    void aFutureCompletedElsewhereWakesTheWaiter() throws Exception {
        CallerExecutor caller = CallerExecutor.current();
        CompletableFuture<String> call = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS).execute(() -> call.complete("late"));
        assertThat(caller.await(call)).isEqualTo("late");
    }

    @Test
    void aFailedFutureThrowsItsFailure() {
        CallerExecutor caller = CallerExecutor.current();
        CompletableFuture<String> call = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS)
                .execute(() -> call.completeExceptionally(new IllegalStateException("boom")));
        assertThatThrownBy(() -> caller.await(call)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void anInterruptedWaiterLeavesAndLaterTasksStillRun() throws Exception {
        AtomicReference<CallerExecutor> executor = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CompletableFuture<String> call = new CompletableFuture<>();
        CountDownLatch ready = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            executor.set(CallerExecutor.current());
            ready.countDown();
            try {
                executor.get().await(call);
            } catch (Exception e) {
                thrown.set(e);
            }
        }, "waiter");
        waiter.start();
        ready.await();
        await().atMost(Duration.ofSeconds(5)).until(() -> waiter.getState() == Thread.State.WAITING);
        waiter.interrupt();
        waiter.join(5_000);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);

        AtomicReference<Thread> ranOn = new AtomicReference<>();
        executor.get().execute(() -> {
            ranOn.set(Thread.currentThread());
            call.complete("after");
        });
        assertThat(ranOn.get()).isSameAs(Thread.currentThread()); // not left in a queue no one drains
        assertThat(call).isCompletedWithValue("after");
    }

    @Test
    void aTaskCanWaitForACallOfItsOwn() throws Exception {
        CallerExecutor caller = CallerExecutor.current();
        CompletableFuture<String> outer = new CompletableFuture<>();
        CompletableFuture<String> inner = new CompletableFuture<>();
        Thread self = Thread.currentThread();
        Thread other = new Thread(() -> {
            // given while it waits, so the task runs on the waiting thread and waits there itself
            await().atMost(Duration.ofSeconds(5)).until(() -> self.getState() == Thread.State.WAITING);
            caller.execute(() -> {
                try {
                    outer.complete("outer after " + caller.await(inner));
                } catch (Exception e) {
                    outer.completeExceptionally(e);
                }
            });
            sleep(50);
            caller.execute(() -> inner.complete("inner"));
        });
        other.start();
        assertThat(caller.await(outer)).isEqualTo("outer after inner");
        other.join();
    }

    @Test
    void awaitingAnotherThreadsExecutorIsRefused() throws Exception {
        AtomicReference<CallerExecutor> executor = new AtomicReference<>();
        Thread other = new Thread(() -> executor.set(CallerExecutor.current()), "owner");
        other.start();
        other.join();
        assertThatThrownBy(() -> executor.get().await(new CompletableFuture<>()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected: this executor's thread, owner");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
