package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.ServiceUrl;
import io.tern.StreamObserver;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.testing.TernCleanup;
import io.tern.transport.EventLoops;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server stream's messages share flushes: written while the provider's event loop is busy, they
 * go out together, not one system call each. Counted as this process's write system calls
 * ({@code syscw} in {@code /proc/self/io}), which every flush to a socket adds to.
 */
@Timeout(60)
class TripleStreamFlushTest {

    public interface Burst {
        void burst(int messages, StreamObserver<String> out);
    }

    private static final int MESSAGES = 200;

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    private final CountDownLatch serviceStarted = new CountDownLatch(1);
    private final CountDownLatch write = new CountDownLatch(1);
    private final CountDownLatch written = new CountDownLatch(1);

    @Test
    void messagesWrittenWhileTheEventLoopIsBusyGoOutInAFewWritesNotOneEach() throws Exception {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
        // the provider on one event loop, so that the test can hold it; the consumer on its own
        EventLoops providerLoops = cleanup.register(EventLoops.create("flush-provider", 1));
        TripleProtocol provider = cleanup.register(
                TripleProtocol.create(tracker, ClassPolicy.strict(), null, null, providerLoops));
        TripleProtocol consumer = cleanup.register(TripleProtocol.create(tracker, ClassPolicy.strict()));
        Burst service = (messages, out) -> {
            serviceStarted.countDown();
            awaitQuietly(write);
            for (int i = 0; i < messages; i++) {
                out.onNext("m" + i); // small: all of them fit what a stream may queue, none waits
            }
            out.onCompleted();
            written.countDown();
        };
        Exporter<Burst> exporter = cleanup.register(provider.export(Invokers.of(Burst.class, service,
                ServiceUrl.parse("tri://127.0.0.1:0/" + Burst.class.getName()))));
        Burst burst = Proxies.create(cleanup.register(consumer.refer(Burst.class, exporter.url())));
        TripleStreamingTest.Recorder<String> answers = new TripleStreamingTest.Recorder<>();

        burst.burst(MESSAGES, answers);
        assertThat(serviceStarted.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        providerLoops.ioGroup().next().execute(() -> {
            held.countDown();
            awaitQuietly(letGo);
        });
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        long before = writeSystemCalls();
        write.countDown();
        assertThat(written.await(10, TimeUnit.SECONDS)).as("the service wrote its stream").isTrue();
        letGo.countDown();

        assertThat(answers.awaitEnd()).isNull();
        long calls = writeSystemCalls() - before;
        assertThat(answers.values).hasSize(MESSAGES);
        assertThat(calls).as("write system calls for %d messages and their trailers", MESSAGES)
                .isLessThan(MESSAGES / 4);
    }

    private static long writeSystemCalls() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
            if (line.startsWith("syscw:")) {
                return Long.parseLong(line.substring("syscw:".length()).trim());
            }
        }
        throw new IllegalStateException("/proc/self/io: no syscw line (expected: Linux's per-process I/O counters)");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
