package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.StreamObserver;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Streaming calls between a Tern Triple consumer and provider: server streams and
 * bidirectional ones, their failures, cancellation each way, flow control, and what the streams
 * leave behind.
 */
@Timeout(120)
class TripleStreamingTest {

    public interface Feed {
        void count(int upTo, StreamObserver<Integer> numbers);

        void failAfter(int sent, StreamObserver<String> out);

        StreamObserver<String> echo(StreamObserver<String> replies);

        void flood(int size, StreamObserver<byte[]> chunks);

        String sleep(long millis);
    }

    /** What the provider saw, for the tests to look at. */
    static final class FeedImpl implements Feed {
        final AtomicInteger produced = new AtomicInteger();
        final AtomicReference<Thread> producer = new AtomicReference<>();
        final CompletableFuture<RpcException> floodStopped = new CompletableFuture<>();
        final CompletableFuture<Throwable> echoEnded = new CompletableFuture<>();
        final CompletableFuture<Boolean> sleepInterrupted = new CompletableFuture<>();

        @Override
        public void count(int upTo, StreamObserver<Integer> numbers) {
            for (int i = 1; i <= upTo; i++) {
                numbers.onNext(i);
            }
            numbers.onCompleted();
        }

        @Override
        public void failAfter(int sent, StreamObserver<String> out) {
            for (int i = 0; i < sent; i++) {
                out.onNext("item " + i);
            }
            out.onError(new IllegalStateException("stopped after " + sent));
        }

        @Override
        public StreamObserver<String> echo(StreamObserver<String> replies) {
            return new StreamObserver<>() {
                @Override
                public void onNext(String value) {
                    replies.onNext("echo: " + value);
                }

                @Override
                public void onError(Throwable error) {
                    echoEnded.complete(error);
                }

                @Override
                public void onCompleted() {
                    replies.onCompleted();
                    echoEnded.complete(null);
                }
            };
        }

        @Override
        public void flood(int size, StreamObserver<byte[]> chunks) {
            producer.set(Thread.currentThread());
            try {
                while (true) {
                    chunks.onNext(new byte[size]);
                    produced.incrementAndGet();
                }
            } catch (RpcException e) {
                floodStopped.complete(e);
            }
        }

        @Override
        public String sleep(long millis) {
            try {
                Thread.sleep(millis);
                sleepInterrupted.complete(false);
                return "slept";
            } catch (InterruptedException e) {
                sleepInterrupted.complete(true);
                return "interrupted";
            }
        }
    }

    /** Records what a call's answers brought. */
    static class Recorder<T> implements StreamObserver<T> {
        final List<T> values = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();

        @Override
        public void onNext(T value) {
            values.add(value);
        }

        @Override
        public void onError(Throwable error) {
            end.complete(error);
        }

        @Override
        public void onCompleted() {
            end.complete(null);
        }

        Throwable awaitEnd() {
            return end.orTimeout(30, TimeUnit.SECONDS).join();
        }
    }

    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
    private final FeedImpl impl = new FeedImpl();
    private TripleProtocol provider;
    private TripleProtocol consumer;
    private Exporter<Feed> exporter;
    private Invoker<Feed> invoker;
    private Feed feed;

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    @BeforeEach
    void start() {
        provider = cleanup.register(TripleProtocol.create(tracker, ClassPolicy.strict()));
        consumer = cleanup.register(TripleProtocol.create(tracker, ClassPolicy.strict()));
        exporter = provider.export(Invokers.of(Feed.class, impl,
                ServiceUrl.parse("tri://127.0.0.1:0/" + Feed.class.getName())));
        invoker = consumer.refer(Feed.class, ServiceUrl.parse("tri://127.0.0.1:" + exporter.url().port() + "/"
                + Feed.class.getName() + "?timeout=500"));
        feed = Proxies.create(invoker);
    }

    /** A server stream with two parameters before its observer: a shape Triple does not carry. */
    public interface TwoBeforeTheObserver {
        void count(int from, int upTo, StreamObserver<Integer> numbers);
    }

    /** An observer returned without one taken. */
    public interface ObserverWithoutObserver {
        StreamObserver<String> open(String name);
    }

    @Test
    void aStreamingShapeTripleDoesNotCarryIsRefusedAtExportAndReferNamingTheMethod() {
        TwoBeforeTheObserver implementation = (from, upTo, numbers) -> numbers.onCompleted();
        ServiceUrl url = ServiceUrl.parse("tri://127.0.0.1:0/" + TwoBeforeTheObserver.class.getName());
        assertThatThrownBy(() -> provider.export(Invokers.of(TwoBeforeTheObserver.class, implementation, url)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("method: " + TwoBeforeTheObserver.class.getName()
                        + ".count(int, int, StreamObserver) returning void (expected over tri: unary,"
                        + " void m(Request, StreamObserver<Response>) for a server stream");
        assertThatThrownBy(() -> consumer.refer(TwoBeforeTheObserver.class, exporter.url()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".count(int, int, StreamObserver)");
        assertThatThrownBy(() -> consumer.refer(ObserverWithoutObserver.class, exporter.url()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".open(String) returning StreamObserver");
        assertThat(feed.sleep(0)).as("the protocols serve on").isNotNull();
    }

    @Test
    void aServerStreamBringsEveryItemInOrderThenCompletes() {
        Recorder<Integer> numbers = new Recorder<>();
        feed.count(1_000, numbers);
        assertThat(numbers.awaitEnd()).isNull();
        assertThat(numbers.values).hasSize(1_000).startsWith(1, 2, 3).endsWith(999, 1_000);
    }

    @Test
    void aServerStreamThatFailsEndsWithTheServicesMessageAfterWhatItSent() {
        Recorder<String> out = new Recorder<>();
        feed.failAfter(3, out);
        Throwable end = out.awaitEnd();
        assertThat(out.values).containsExactly("item 0", "item 1", "item 2");
        assertThat(end).isInstanceOf(RpcException.class).hasMessageContaining("UNKNOWN: stopped after 3");
        assertThat(((RpcException) end).status()).isEqualTo(RpcStatus.SERVICE_ERROR);
    }

    @Test
    void aBidirectionalStreamEchoesEachMessageAndCompletesWhenTheCallerDoes() {
        Recorder<String> replies = new Recorder<>();
        StreamObserver<String> requests = feed.echo(replies);
        for (int i = 0; i < 100; i++) {
            requests.onNext("m" + i);
        }
        requests.onCompleted();
        assertThat(replies.awaitEnd()).isNull();
        assertThat(replies.values).hasSize(100).startsWith("echo: m0").endsWith("echo: m99");
        assertThat(impl.echoEnded.join()).isNull();
    }

    @Test
    void aCallerCancellingABidirectionalStreamCancelsTheServicesSide() {
        Recorder<String> replies = new Recorder<>();
        StreamObserver<String> requests = feed.echo(replies);
        requests.onNext("one");
        await().until(() -> replies.values.size() == 1);
        requests.onError(new IllegalStateException("changed my mind"));

        Throwable serverSide = impl.echoEnded.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(serverSide).isInstanceOf(RpcException.class);
        assertThat(((RpcException) serverSide).status()).isEqualTo(RpcStatus.CANCELLED);
        Throwable callerSide = replies.awaitEnd();
        assertThat(((RpcException) callerSide).status()).isEqualTo(RpcStatus.CANCELLED);
        assertThat(callerSide).hasMessageContaining("changed my mind");
    }

    @Test
    void aSlowReaderHoldsTheWriterBackAndAnObserverThatThrowsCancelsTheStream() throws InterruptedException {
        CountDownLatch reading = new CountDownLatch(1);
        AtomicInteger received = new AtomicInteger();
        Recorder<byte[]> end = new Recorder<>() {
            @Override
            public void onNext(byte[] chunk) {
                try {
                    reading.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (received.incrementAndGet() == 1_000) {
                    throw new IllegalStateException("enough");
                }
            }
        };
        int chunk = 64 * 1024;
        feed.flood(chunk, end);

        // The provider's thread ends up waiting for window, having sent a bounded amount.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Thread producer = impl.producer.get();
            return producer != null && (producer.getState() == Thread.State.WAITING
                    || producer.getState() == Thread.State.TIMED_WAITING)
                    && Arrays.stream(producer.getStackTrace())
                            .anyMatch(f -> f.getClassName().equals(StreamWritability.class.getName()));
        });
        int windowChunks = 2 * TripleProtocol.MAX_MESSAGE_SIZE / chunk;
        assertThat(impl.produced.get()).as("chunks sent to a reader that reads nothing")
                .isLessThan(windowChunks + StreamInbound.PAUSE_AT + 64);

        reading.countDown();
        Throwable callerSide = end.awaitEnd();
        assertThat(((RpcException) callerSide).status()).isEqualTo(RpcStatus.CANCELLED);
        assertThat(callerSide).hasMessageContaining("enough");
        RpcException serverSide = impl.floodStopped.orTimeout(30, TimeUnit.SECONDS).join();
        assertThat(serverSide.status()).isEqualTo(RpcStatus.CANCELLED);
        assertThat(impl.produced.get()).isGreaterThanOrEqualTo(1_000);
    }

    @Test
    void aUnaryCallPastItsTimeoutInterruptsTheServicesThread() {
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(RpcException.class,
                () -> feed.sleep(30_000)).status()).isEqualTo(RpcStatus.TIMEOUT);
        assertThat(impl.sleepInterrupted.orTimeout(30, TimeUnit.SECONDS).join()).isTrue();
        assertThat(feed.sleep(1)).isEqualTo("slept");
    }

    @Test
    void streamsOpenedAndCancelledLeaveNothingBehind() {
        for (int i = 0; i < 200; i++) {
            Recorder<String> replies = new Recorder<>();
            StreamObserver<String> requests = feed.echo(replies);
            requests.onNext("x");
            if (i % 2 == 0) {
                requests.onError(new IllegalStateException("cancel " + i));
            } else {
                requests.onCompleted();
            }
            replies.awaitEnd();
        }
        invoker.close();
        exporter.close();
        invoker = null; // the test lets go of what it closed; what is left reachable is a leak
        exporter = null;
        feed = null;
        LifecycleReport report = tracker.awaitCollected(Duration.ofSeconds(30));
        assertThat(report.counts(ResourceKind.CLIENT).live()).isZero();
        assertThat(report.totalLeaked()).as(report.format()).isZero();
    }
}
