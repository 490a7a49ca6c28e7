package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.ServiceUrl;
import io.tern.StreamObserver;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.testing.LifecycleAssertions;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Triple under churn: ten thousand streams ended every way a stream ends, two thousand
 * refer/call/destroy cycles, and export/unexport cycles on one port. Afterwards no stream is
 * open on either side, no connection or server is left, and everything the calls made is
 * collected; Netty's paranoid leak detector checks every buffer.
 */
@Timeout(600)
class TripleChurnTest {

    public interface Churn {
        String greet(String name);

        void flood(int size, StreamObserver<String> out);

        StreamObserver<String> echo(StreamObserver<String> replies);
    }

    /** Keeps weak references to every observer it is given or makes, for the collection checks. */
    static final class ChurnImpl implements Churn {
        final ConcurrentLinkedQueue<WeakReference<Object>> observers = new ConcurrentLinkedQueue<>();

        @Override
        public String greet(String name) {
            return "Hello, " + name;
        }

        /** 64 KiB per message: the window (8 MiB) then holds a hundred or so of them, not a million. */
        private static final String CHUNK = "x".repeat(64 * 1024);

        @Override
        public void flood(int size, StreamObserver<String> out) {
            observers.add(new WeakReference<>(out));
            try {
                for (int i = 0; i < size; i++) {
                    out.onNext(CHUNK);
                }
                out.onCompleted();
            } catch (RpcException e) {
                // the caller cancelled
            }
        }

        @Override
        public StreamObserver<String> echo(StreamObserver<String> replies) {
            observers.add(new WeakReference<>(replies));
            StreamObserver<String> requests = new StreamObserver<>() {
                @Override
                public void onNext(String value) {
                    if (value.equals("fail")) {
                        replies.onError(new IllegalStateException("the provider ends it"));
                    } else {
                        replies.onNext(value);
                    }
                }

                @Override
                public void onError(Throwable error) {
                    // cancelled by the caller
                }

                @Override
                public void onCompleted() {
                    replies.onCompleted();
                }
            };
            observers.add(new WeakReference<>(requests));
            return requests;
        }
    }

    /** A caller's observer that ends its own stream after a few answers by throwing. */
    static final class Ends implements StreamObserver<String> {
        final CompletableFuture<Throwable> end = new CompletableFuture<>();
        private final int throwAfter;
        private int seen;

        Ends(int throwAfter) {
            this.throwAfter = throwAfter;
        }

        @Override
        public void onNext(String value) {
            if (++seen == throwAfter) {
                throw new IllegalStateException("enough");
            }
        }

        @Override
        public void onError(Throwable error) {
            end.complete(error);
        }

        @Override
        public void onCompleted() {
            end.complete(null);
        }
    }

    @Test
    void tenThousandStreamsEndedEveryWayLeaveNoStreamAndNothingReachable() throws Exception {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        ChurnImpl impl = new ChurnImpl();
        ConcurrentLinkedQueue<WeakReference<Object>> callers = new ConcurrentLinkedQueue<>();
        try (TripleProtocol provider = TripleProtocol.create(tracker, ClassPolicy.strict());
                TripleProtocol consumer = TripleProtocol.create(tracker, ClassPolicy.strict())) {
            tenThousandStreams(provider, consumer, impl, callers);
        }
        LifecycleReport report = LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(60));
        LifecycleAssertions.assertNoneLive(report, ResourceKind.SERVER, ResourceKind.CLIENT, ResourceKind.INVOKER,
                ResourceKind.EXPORTER);
        awaitCleared("the provider's observers", impl.observers);
        awaitCleared("the callers' observers", callers);
        System.out.printf("churn: 10,000 Triple streams reset, cancelled, failed or completed: %d observers"
                + " collected, no stream open%n", impl.observers.size() + callers.size());
    }

    /** The streams, on an exporter and invoker this method alone holds, closed before it returns. */
    private static void tenThousandStreams(TripleProtocol provider, TripleProtocol consumer, ChurnImpl impl,
            ConcurrentLinkedQueue<WeakReference<Object>> callers) throws InterruptedException {
        Exporter<Churn> exporter = provider.export(Invokers.of(Churn.class, impl,
                ServiceUrl.parse("tri://127.0.0.1:0/" + Churn.class.getName())));
        Invoker<Churn> invoker = consumer.refer(Churn.class, exporter.url());
        Churn churn = Proxies.create(invoker);
        Semaphore inFlight = new Semaphore(32);
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 10_000; i++) {
            inFlight.acquire();
            Ends ends = new Ends(3);
            callers.add(new WeakReference<>(ends));
            ends.end.whenComplete((r, e) -> inFlight.release());
            switch (i % 4) {
                case 0 -> churn.flood(1_000_000, ends); // the caller's observer throws: a reset mid-flight
                case 1 -> { // the caller cancels a bidirectional stream mid-flight
                    StreamObserver<String> requests = churn.echo(ends);
                    requests.onNext("a");
                    requests.onError(new IllegalStateException("cancel"));
                }
                case 2 -> { // the provider fails it mid-flight
                    StreamObserver<String> requests = churn.echo(ends);
                    requests.onNext("a");
                    requests.onNext("fail");
                }
                default -> { // it completes
                    StreamObserver<String> requests = churn.echo(ends);
                    requests.onNext("a");
                    requests.onCompleted();
                }
            }
            ends.end.whenComplete((r, e) -> {
                if (r != null && !(r instanceof RpcException)) {
                    unexpected.add(r);
                }
            });
        }
        inFlight.acquire(32); // every stream has ended for its caller
        assertThat(unexpected).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> provider.activeStreams() == 0
                && consumer.activeStreams() == 0);
        assertThat(churn.greet("after")).isEqualTo("Hello, after");

        invoker.close();
        exporter.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> provider.serverCount() == 0
                && consumer.connectionCount() == 0);
    }

    @Test
    void twoThousandReferCallDestroyCyclesLeaveNoConnectionAndNothingReachable() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        try (TripleProtocol provider = TripleProtocol.create(tracker, ClassPolicy.strict());
                TripleProtocol consumer = TripleProtocol.create(tracker, ClassPolicy.strict())) {
            ServiceUrl url = provider.export(Invokers.of(Churn.class, new ChurnImpl(),
                    ServiceUrl.parse("tri://127.0.0.1:0/" + Churn.class.getName()))).url();
            for (int i = 0; i < 2_000; i++) {
                Invoker<Churn> invoker = consumer.refer(Churn.class, url);
                Churn churn = Proxies.create(invoker);
                assertThat(churn.greet("cycle " + i)).isEqualTo("Hello, cycle " + i);
                Ends ends = new Ends(Integer.MAX_VALUE);
                churn.flood(3, ends);
                assertThat(ends.end.orTimeout(30, TimeUnit.SECONDS).join()).isNull();
                invoker.close();
            }
            assertThat(consumer.connectionCount()).isZero();
            assertThat(consumer.invokerCount()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> provider.activeStreams() == 0);
        }
        LifecycleReport report = LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(60));
        assertThat(report.counts(ResourceKind.CLIENT)).isEqualTo(new LifecycleReport.Counts(2_000, 2_000, 2_000, 2_000, 0));
        assertThat(report.counts(ResourceKind.INVOKER).collected()).isGreaterThanOrEqualTo(2_000);
        System.out.println("churn: 2,000 Triple refer/call/destroy cycles: 2,000 connections closed and collected");
    }

    @Test
    void exportUnexportCyclesOnOnePortCloseTheServerEachTimeAndLeaveNothing() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        try (TripleProtocol provider = TripleProtocol.create(tracker, ClassPolicy.strict())) {
            ServiceUrl url = exportOnAnyPortAndUnexport(provider);
            for (int i = 0; i < 500; i++) {
                Exporter<Churn> exporter = provider.export(Invokers.of(Churn.class, new ChurnImpl(), url, tracker));
                assertThat(exporter.url().port()).isEqualTo(url.port());
                exporter.closeAsync().join(); // done once the port is closed: the next export binds it again
                assertThat(provider.serverCount()).isZero();
            }
        }
        LifecycleReport report = LifecycleAssertions.assertAllCollected(tracker, Duration.ofSeconds(60));
        assertThat(report.counts(ResourceKind.SERVER)).isEqualTo(new LifecycleReport.Counts(501, 501, 501, 501, 0));
        assertThat(report.counts(ResourceKind.EXPORTER).live()).isZero();
    }

    /** The URL of a port that was bound once; the exporter is not kept, so the test holds nothing. */
    private static ServiceUrl exportOnAnyPortAndUnexport(TripleProtocol provider) {
        Exporter<Churn> first = provider.export(Invokers.of(Churn.class, new ChurnImpl(),
                ServiceUrl.parse("tri://127.0.0.1:0/" + Churn.class.getName())));
        first.closeAsync().join();
        return first.url();
    }

    private static void awaitCleared(String what, ConcurrentLinkedQueue<WeakReference<Object>> refs) {
        List<WeakReference<Object>> all = List.copyOf(refs);
        await(what + " collected").atMost(Duration.ofSeconds(60)).pollInSameThread().until(() -> {
            System.gc();
            return all.stream().allMatch(r -> r.get() == null);
        });
    }
}
