package io.tern.core.injvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.TestServices.Greeter;
import io.tern.core.TestServices.GreeterImpl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Destroying an invoker or unexporting a service lets calls already in flight complete. */
class InFlightCallTest {

    private final ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/" + Greeter.class.getName());

    @Test
    void destroyWaitsForTheCallInFlightAndRefusesNewOnes() throws Exception {
        try (InjvmProtocol protocol = InjvmProtocol.create()) {
            protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
            Invoker<Greeter> invoker = protocol.refer(Greeter.class, url);
            Greeter greeter = Proxies.create(invoker);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> inFlight = startBlockedCall(greeter, release);

            CompletableFuture<Void> closed = invoker.closeAsync();
            assertThat(closed).isNotDone();
            assertThat(invoker.isDestroyed()).isTrue();
            assertThat(protocol.stats().referredCount()).as("forgotten at once, not when drained").isZero();
            assertThatThrownBy(() -> greeter.greet("new call"))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.DESTROYED));

            release.countDown();
            assertThat(inFlight).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("released");
            assertThat(closed).succeedsWithin(Duration.ofSeconds(10));
            assertThat(invoker.closeAsync()).isSameAs(closed);
        }
    }

    @Test
    void unexportLetsTheCallInFlightFinish() throws Exception {
        try (InjvmProtocol protocol = InjvmProtocol.create()) {
            Exporter<Greeter> exporter = protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
            Greeter greeter = Proxies.create(protocol.refer(Greeter.class, url));
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<String> inFlight = startBlockedCall(greeter, release);

            CompletableFuture<Void> unexported = exporter.closeAsync();
            assertThat(protocol.stats().exportedCount()).isZero();
            assertThat(unexported).isNotDone();
            assertThatThrownBy(() -> greeter.greet("new call"))
                    .isInstanceOfSatisfying(RpcException.class,
                            e -> assertThat(e.status()).isEqualTo(RpcStatus.SERVICE_NOT_FOUND));

            release.countDown();
            assertThat(inFlight).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("released");
            assertThat(unexported).succeedsWithin(Duration.ofSeconds(10));
        }
    }

    /** Starts a call that blocks in the service until {@code release} opens; returns once it is running. */
    private static CompletableFuture<String> startBlockedCall(Greeter greeter, CountDownLatch release)
            throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return greeter.await(entered, release);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).as("the call reached the service").isTrue();
        return inFlight;
    }

    @Test
    void closeIsIdempotentAndThreadSafe() throws Exception {
        try (InjvmProtocol protocol = InjvmProtocol.create()) {
            Invoker<Greeter> invoker = protocol.refer(Greeter.class, url);
            CompletableFuture<?>[] futures = new CompletableFuture<?>[16];
            Thread[] threads = new Thread[16];
            for (int i = 0; i < threads.length; i++) {
                int index = i;
                threads[i] = new Thread(() -> futures[index] = invoker.closeAsync());
                threads[i].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            for (CompletableFuture<?> f : futures) {
                assertThat(f).isSameAs(futures[0]).isDone();
            }
            invoker.close();
            assertThat(invoker.url()).isEqualTo(url);
            assertThat(invoker.type()).isEqualTo(Greeter.class);
        }
    }

    @Test
    void aClosedProtocolRefusesWorkAndClosesWhatWasOpen() {
        InjvmProtocol protocol = InjvmProtocol.create();
        Exporter<Greeter> exporter = protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
        Invoker<Greeter> invoker = protocol.refer(Greeter.class, url);

        protocol.close();

        assertThat(exporter.isUnexported()).isTrue();
        assertThat(invoker.isDestroyed()).isTrue();
        assertThatThrownBy(() -> protocol.refer(Greeter.class, url))
                .hasMessage("protocol injvm is closed (expected: an open protocol)");
    }

    @Test
    void aServiceKeyIsExportedOnceAtATime() {
        try (InjvmProtocol protocol = InjvmProtocol.create()) {
            protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
            Invoker<Greeter> second = Invokers.of(Greeter.class, new GreeterImpl(), url);

            assertThatThrownBy(() -> protocol.export(second))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("service: " + Greeter.class.getName() + " is already exported on injvm"
                            + " (expected: unexport it first)");
            assertThat(second.isDestroyed()).as("a refused export leaves the invoker to its caller").isFalse();
            second.close();
        }
    }

    @Test
    void aReferenceMadeBeforeTheExportWorksOnceItExists() {
        try (InjvmProtocol protocol = InjvmProtocol.create()) {
            Greeter greeter = Proxies.create(protocol.refer(Greeter.class, url));
            protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));

            assertThat(greeter.greet("early")).isEqualTo("Hello, early");
        }
    }
}
