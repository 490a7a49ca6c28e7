package io.tern.core.injvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.TestServices.Greeter;
import io.tern.core.TestServices.GreeterImpl;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Destroy racing calls on 8 threads: every call either succeeds or fails with DESTROYED — no
 * NullPointerException, no other failure, no call that hangs.
 */
class DestroyRaceTest {

    private static final int THREADS = 8;
    private final ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/" + Greeter.class.getName());
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @RepeatedTest(20)
    void everyCallSucceedsOrFailsWithDestroyed() throws InterruptedException {
        try (InjvmProtocol protocol = InjvmProtocol.create()) {
            protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
            Invoker<Greeter> invoker = protocol.refer(Greeter.class, url);
            Greeter greeter = Proxies.create(invoker);
            AtomicInteger succeeded = new AtomicInteger();
            AtomicInteger destroyed = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(THREADS);

            for (int t = 0; t < THREADS; t++) {
                boolean async = t % 2 == 0;
                pool.execute(() -> {
                    try {
                        while (true) {
                            try {
                                String reply = async ? greeter.greetAsync("race").join() : greeter.greet("race");
                                if (!"Hello, race".equals(reply)) {
                                    unexpected.add(new AssertionError("reply: " + reply));
                                }
                                succeeded.incrementAndGet();
                            } catch (RpcException e) {
                                if (e.status() == RpcStatus.DESTROYED) {
                                    destroyed.incrementAndGet();
                                    return;
                                }
                                unexpected.add(e);
                                return;
                            } catch (java.util.concurrent.CompletionException e) {
                                if (e.getCause() instanceof RpcException rpc && rpc.status() == RpcStatus.DESTROYED) {
                                    destroyed.incrementAndGet();
                                    return;
                                }
                                unexpected.add(e);
                                return;
                            } catch (Throwable e) {
                                unexpected.add(e);
                                return;
                            }
                        }
                    } finally {
                        done.countDown();
                    }
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> succeeded.get() >= THREADS * 50);
            invoker.closeAsync();

            assertThat(done.await(30, TimeUnit.SECONDS)).as("every caller saw the destroy").isTrue();
            assertThat(List.copyOf(unexpected)).isEmpty();
            assertThat(destroyed.get()).isEqualTo(THREADS);
            assertThat(invoker.closeAsync()).succeedsWithin(Duration.ofSeconds(10));
            assertThat(protocol.stats().referredCount()).isZero();
        }
    }
}
