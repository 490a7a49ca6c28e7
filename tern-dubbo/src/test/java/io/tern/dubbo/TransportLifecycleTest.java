package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.Exporter;
import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.MethodDescriptor;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.ServiceUrl;
import io.tern.core.Gc;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.dubbo.EchoServices.BlockingGreeter;
import io.tern.dubbo.EchoServices.Greeter;
import io.tern.dubbo.EchoServices.GreeterImpl;
import io.tern.testing.LifecycleAssertions;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ref.WeakReference;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Churn and failure over real sockets: nothing is left behind, no call waits for its timeout. */
class TransportLifecycleTest {

    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);

    @Test
    void referCallDestroyCyclesLeaveNoClientNoPendingCallNoThreadNoFileDescriptor() throws IOException {
        try (DubboProtocol provider = DubboProtocol.create();
                DubboProtocol consumer = DubboProtocol.builder().tracker(tracker).build()) {
            ServiceUrl url = provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName()))).url();
            referCycles(consumer, url, 20); // warm up event loops and pools
            await().atMost(Duration.ofSeconds(10)).until(() -> provider.stats().acceptedConnections() == 0);
            int threads = threadCount();
            String threadsBefore = threadNames();
            long fds = openFileDescriptors();

            List<WeakReference<Object>> refs = referCycles(consumer, url, 2_000);

            assertThat(consumer.stats().clientCount()).isZero();
            assertThat(consumer.stats().referredCount()).isZero();
            assertThat(consumer.stats().pendingCalls()).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> provider.stats().acceptedConnections() == 0);
            Gc.awaitCleared(refs);
            awaitAllCollected();
            LifecycleReport report = tracker.report();
            assertThat(report.counts(ResourceKind.CLIENT)).isEqualTo(new LifecycleReport.Counts(2_020, 2_020, 2_020, 2_020, 0));
            assertThat(report.counts(ResourceKind.INVOKER).collected()).isEqualTo(2_020);
            await().alias("threads back to " + threads + ": " + threadsBefore + " now " + threadNames()).atMost(Duration.ofSeconds(30))
                    .pollInSameThread().until(() -> threadCount() <= threads);
            await("file descriptors back to " + fds).atMost(Duration.ofSeconds(30)).pollInSameThread()
                    .until(() -> openFileDescriptors() <= fds);
            System.out.printf("churn: 2,000 refer/call/destroy cycles over dubbo: %d threads, %d file descriptors"
                    + " before and after%n", threads, fds);
        }
    }

    private static List<WeakReference<Object>> referCycles(DubboProtocol consumer, ServiceUrl url, int cycles) {
        List<WeakReference<Object>> refs = new ArrayList<>(cycles);
        for (int i = 0; i < cycles; i++) {
            Invoker<Greeter> invoker = consumer.refer(Greeter.class, url);
            assertThat(Proxies.create(invoker).greet("cycle " + i)).isEqualTo("Hello, cycle " + i);
            invoker.close();
            refs.add(new WeakReference<>(invoker));
        }
        return refs;
    }

    @Test
    void exportUnexportCyclesOnOnePortLeaveNothingAndCloseThePort() throws IOException {
        try (DubboProtocol provider = DubboProtocol.builder().tracker(tracker).build()) {
            ServiceUrl url = exportOnAnyPortAndUnexport(provider);

            List<WeakReference<Object>> refs = exportCycles(provider, url, 1_000);

            assertThat(provider.stats().exportedCount()).isZero();
            assertThat(provider.stats().serverCount()).isZero();
            assertThatThrownBy(() -> new Socket("127.0.0.1", url.port()).close()).isInstanceOf(ConnectException.class);
            Gc.awaitCleared(refs);
            awaitAllCollected();
            LifecycleReport report = tracker.report();
            assertThat(report.counts(ResourceKind.SERVER)).isEqualTo(new LifecycleReport.Counts(1_001, 1_001, 1_001, 1_001, 0));
            assertThat(report.counts(ResourceKind.EXPORTER).live()).isZero();
            assertThat(report.totalLeaked()).isZero();
        }
    }

    /** The URL of a port that was bound once; the exporter is not kept, so the test holds nothing. */
    private static ServiceUrl exportOnAnyPortAndUnexport(DubboProtocol provider) {
        Exporter<Greeter> first = provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName())));
        first.close();
        return first.url();
    }

    private List<WeakReference<Object>> exportCycles(DubboProtocol provider, ServiceUrl url, int cycles) {
        List<WeakReference<Object>> refs = new ArrayList<>(cycles);
        for (int i = 0; i < cycles; i++) {
            Exporter<Greeter> exporter = provider.export(Invokers.of(Greeter.class, new GreeterImpl(), url, tracker));
            assertThat(exporter.url().port()).isEqualTo(url.port());
            exporter.close();
            refs.add(new WeakReference<>(exporter));
        }
        return refs;
    }

    @Test
    void killingTheProviderFailsCallsInFlightAtOnceWithANetworkStatus() throws Exception {
        Process process = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                ProviderMain.class.getName()).redirectErrorStream(true).start();
        try (DubboProtocol consumer = DubboProtocol.create();
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
            int port = Integer.parseInt(awaitLine(out, "port ").substring("port ".length()));
            Greeter greeter = Proxies.create(consumer.refer(Greeter.class,
                    ServiceUrl.parse("dubbo://127.0.0.1:" + port + "/" + Greeter.class.getName() + "?timeout=600000")));
            CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return greeter.sleep(600_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitLine(out, "sleeping");
            assertThat(consumer.stats().pendingCalls()).isEqualTo(1);

            process.destroyForcibly();

            // Well inside the ten-minute timeout: the closed connection fails the call.
            assertThat(inFlight).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
                    .havingRootCause().isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(RpcStatus.NETWORK);
                        assertThat(e.getMessage()).isEqualTo("connection to 127.0.0.1:" + port + " closed");
                    });
            assertThat(consumer.stats().pendingCalls()).isZero();
        } finally {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anExhaustedPoolAnswersServerBusy() throws Exception {
        BlockingGreeter blocking = new BlockingGreeter();
        CountDownLatch entered = blocking.entered;
        CountDownLatch release = blocking.release;
        try (DubboProtocol provider = DubboProtocol.builder()
                .serverOptions(ServerOptions.DEFAULT.withThreads(1, 0)).build();
                DubboProtocol consumer = DubboProtocol.create()) {
            ServiceUrl url = provider.export(Invokers.of(Greeter.class, blocking,
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName() + "?timeout=30000"))).url();
            Greeter greeter = Proxies.create(consumer.refer(Greeter.class, url));
            CompletableFuture<String> occupying = CompletableFuture.supplyAsync(() -> {
                try {
                    return greeter.sleep(0);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> greeter.greet("no room"))
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(RpcStatus.SERVER_BUSY);
                        assertThat(e.getMessage()).contains("provider answered status 100")
                                .contains("server thread pool exhausted");
                    });
            release.countDown();
            assertThat(occupying).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("released");
            // The one thread takes new work once it has finished answering, a moment after the answer left.
            await().atMost(Duration.ofSeconds(10)).ignoreExceptionsInstanceOf(RpcException.class)
                    .until(() -> greeter.greet("room again").equals("Hello, room again"));
        }
    }

    @Test
    void closingWithAFullQueueAnswersEveryQueuedCall() throws Exception {
        BlockingGreeter blocking = new BlockingGreeter();
        int queues = 4;
        try (DubboProtocol provider = DubboProtocol.builder()
                .serverOptions(ServerOptions.DEFAULT.withThreads(1, queues)).build();
                DubboProtocol consumer = DubboProtocol.create()) {
            Exporter<Greeter> exporter = provider.export(Invokers.of(Greeter.class, blocking,
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName() + "?timeout=30000")));
            Invoker<Greeter> invoker = consumer.refer(Greeter.class, exporter.url());
            Greeter greeter = Proxies.create(invoker);
            CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> sleepQuietly(greeter));
            List<CompletableFuture<String>> queued = fillTheQueue(invoker, greeter, blocking, queues);

            CompletableFuture<Void> unexported = exporter.closeAsync();
            assertThat(unexported).isNotDone();
            blocking.release.countDown();

            assertThat(running).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("released");
            for (int i = 0; i < queues; i++) {
                assertThat(queued.get(i)).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("Hello, queued " + i);
            }
            assertThat(unexported).succeedsWithin(Duration.ofSeconds(10));
            assertThat(Thread.getAllStackTraces().keySet()).as("the call pool's threads are gone when close completes")
                    .noneMatch(t -> t.getName().startsWith("tern-server-127.0.0.1:" + exporter.url().port() + "-"));
        }
    }

    @Test
    void callsStillQueuedAtTheShutdownTimeoutAreRefusedWithAStatusNotDropped() throws Exception {
        BlockingGreeter blocking = new BlockingGreeter();
        int queues = 3;
        try (DubboProtocol provider = DubboProtocol.builder()
                .serverOptions(ServerOptions.DEFAULT.withThreads(1, queues).withShutdownTimeout(Duration.ofMillis(200)))
                .build();
                DubboProtocol consumer = DubboProtocol.create()) {
            Exporter<Greeter> exporter = provider.export(Invokers.of(Greeter.class, blocking,
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName() + "?timeout=30000")));
            Invoker<Greeter> invoker = consumer.refer(Greeter.class, exporter.url());
            Greeter greeter = Proxies.create(invoker);
            CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> sleepQuietly(greeter));
            List<CompletableFuture<String>> queued = fillTheQueue(invoker, greeter, blocking, queues);

            CompletableFuture<Void> unexported = exporter.closeAsync();

            for (CompletableFuture<String> call : queued) {
                assertThat(call).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
                        .isInstanceOfSatisfying(RpcException.class, e -> {
                            assertThat(e.status()).isEqualTo(RpcStatus.SERVER_BUSY);
                            assertThat(e.getMessage()).contains("is shutting down: the call did not start within the"
                                    + " shutdown timeout of 200 ms");
                        });
            }
            assertThat(unexported).succeedsWithin(Duration.ofSeconds(10));
            assertThat(running).failsWithin(Duration.ofSeconds(10));
        } finally {
            blocking.release.countDown();
        }
    }

    /**
     * With the pool's one worker held by {@code blocking}, sends {@code queues} calls that wait in
     * its queue; the refusal of one more (one connection, read in order) proves the queue full.
     */
    private static List<CompletableFuture<String>> fillTheQueue(Invoker<Greeter> invoker, Greeter greeter,
            BlockingGreeter blocking, int queues) throws InterruptedException {
        assertThat(blocking.entered.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> queued = new ArrayList<>();
        for (int i = 0; i < queues; i++) {
            queued.add(greetWithoutWaiting(invoker, "queued " + i));
        }
        assertThatThrownBy(() -> greeter.greet("one too many")).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status()).isEqualTo(RpcStatus.SERVER_BUSY));
        return queued;
    }

    /**
     * Calls {@code greet}, a method that runs on the pool (unlike {@code greetAsync}, which runs
     * where it lands), without waiting for its answer: calls made so, one after another, arrive in order.
     */
    private static CompletableFuture<String> greetWithoutWaiting(Invoker<Greeter> invoker, String name) {
        MethodDescriptor greet = ServiceDescriptor.of(Greeter.class).find("greet").get(0);
        return invoker.invoke(Invocation.of(invoker.url().serviceKey(), greet, new Object[] {name}))
                .thenApply(result -> {
                    if (result.exception() != null) {
                        throw new CompletionException(result.exception());
                    }
                    return (String) result.value();
                });
    }

    private static String sleepQuietly(Greeter greeter) {
        try {
            return greeter.sleep(0);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void gracefulShutdownTellsConsumersAndLetsCallsInFlightFinish() throws Exception {
        BlockingGreeter blocking = new BlockingGreeter();
        CountDownLatch entered = blocking.entered;
        CountDownLatch release = blocking.release;
        try (DubboProtocol provider = DubboProtocol.create(); DubboProtocol consumer = DubboProtocol.create()) {
            Exporter<Greeter> exporter = provider.export(Invokers.of(Greeter.class, blocking,
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName() + "?timeout=30000")));
            Invoker<Greeter> invoker = consumer.refer(Greeter.class, exporter.url());
            Greeter greeter = Proxies.create(invoker);
            CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return greeter.sleep(0);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> unexported = exporter.closeAsync();

            await("the consumer hears the read-only event").atMost(Duration.ofSeconds(10))
                    .until(() -> !invoker.isAvailable());
            assertThatThrownBy(() -> new Socket("127.0.0.1", exporter.url().port()).close())
                    .as("no longer accepting").isInstanceOf(ConnectException.class);
            assertThat(unexported).isNotDone();
            release.countDown();
            assertThat(inFlight).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("released");
            assertThat(unexported).succeedsWithin(Duration.ofSeconds(10));
            assertThat(provider.stats().serverCount()).isZero();
        }
    }

    /** Waits until the tracker has seen every destroyed object collected; fails with its report if not. */
    private void awaitAllCollected() {
        LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(30));
    }

    private static String awaitLine(BufferedReader reader, String prefix) throws IOException {
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new IOException("the provider process ended before printing '" + prefix + "'");
    }

    private static String javaExecutable() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    private static String threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList().toString();
    }

    /**
     * Live threads, less the provider's call pool: that pool may grow to its bound under
     * back-to-back calls and shrinks after its keep-alive, whatever the consumer does.
     */
    private static int threadCount() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.getName().startsWith("tern-server-"))
                .count();
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
