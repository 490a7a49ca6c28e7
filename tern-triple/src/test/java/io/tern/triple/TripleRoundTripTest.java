package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.RpcContext;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Tern Triple consumer calling a Tern Triple provider: answers, failures, timeouts,
 * attachments, and what closing releases.
 */
@Timeout(120)
class TripleRoundTripTest {

    public interface Greeter {
        String greet(String name);

        List<Integer> lengths(List<String> words);

        String slow(long millis) throws InterruptedException;

        String context(String key);

        void fail(String message);
    }

    static final class GreeterImpl implements Greeter {
        @Override
        public String greet(String name) {
            return "Hello, " + name;
        }

        @Override
        public List<Integer> lengths(List<String> words) {
            return words.stream().map(String::length).toList();
        }

        @Override
        public String slow(long millis) throws InterruptedException {
            Thread.sleep(millis);
            return "late";
        }

        @Override
        public String context(String key) {
            RpcContext.setResponseAttachment("echo", "pong");
            Object value = RpcContext.requestAttachments().get(key);
            return value == null ? "none" : value.toString();
        }

        @Override
        public void fail(String message) {
            throw new IllegalStateException(message);
        }
    }

    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
    private TripleProtocol provider;
    private TripleProtocol consumer;
    private Exporter<Greeter> exporter;

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    @BeforeEach
    void start() {
        provider = cleanup.register(TripleProtocol.create(tracker, ClassPolicy.strict()));
        consumer = cleanup.register(TripleProtocol.create(tracker, ClassPolicy.strict()));
        exporter = provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                ServiceUrl.parse("tri://127.0.0.1:0/" + Greeter.class.getName() + "?version=1.0.0")));
    }

    private ServiceUrl url(String query) {
        return ServiceUrl.parse("tri://127.0.0.1:" + exporter.url().port() + "/" + Greeter.class.getName() + "?" + query);
    }

    @Test
    void answersExceptionsAndAttachmentsComeBack() {
        Invoker<Greeter> invoker = consumer.refer(Greeter.class, url("version=1.0.0"));
        Greeter greeter = Proxies.create(invoker);
        assertThat(greeter.greet("Tern")).isEqualTo("Hello, Tern");
        assertThat(greeter.lengths(List.of("a", "bbb"))).containsExactly(1, 3);
        assertThatThrownBy(() -> greeter.fail("broken")).isInstanceOf(IllegalStateException.class).hasMessage("broken");
        RpcContext.setAttachment("trace", "t-1");
        assertThat(greeter.context("trace")).isEqualTo("t-1");
        assertThat(RpcContext.responseAttachments()).containsEntry("echo", "pong");
        invoker.close();
    }

    @Test
    void aCallPastItsTimeoutFailsWithTimeoutAndTheConnectionServesOn() {
        Invoker<Greeter> invoker = consumer.refer(Greeter.class, url("version=1.0.0&timeout=200"));
        Greeter greeter = Proxies.create(invoker);
        assertThatThrownBy(() -> greeter.slow(5_000)).isInstanceOf(RpcException.class)
                .satisfies(e -> assertThat(((RpcException) e).status()).isEqualTo(RpcStatus.TIMEOUT))
                .hasMessageContaining("did not answer within 200 ms");
        assertThat(greeter.greet("after")).isEqualTo("Hello, after");
        invoker.close();
    }

    @Test
    void aServiceNotExportedThereFailsAsNotFound() {
        Invoker<Greeter> invoker = consumer.refer(Greeter.class, url("version=9.9.9&group=green"));
        assertThatThrownBy(() -> Proxies.create(invoker).greet("x")).isInstanceOf(RpcException.class)
                .satisfies(e -> assertThat(((RpcException) e).status()).isEqualTo(RpcStatus.SERVICE_NOT_FOUND))
                .hasMessageContaining("UNIMPLEMENTED");
        invoker.close();
    }

    @Test
    void invokersShareAConnectionAndTheLastToCloseClosesItThroughTwoHundredCycles() {
        for (int i = 0; i < 200; i++) {
            Invoker<Greeter> first = consumer.refer(Greeter.class, url("version=1.0.0"));
            Invoker<Greeter> second = consumer.refer(Greeter.class, url("version=1.0.0"));
            assertThat(consumer.connectionCount()).isEqualTo(1);
            assertThat(Proxies.create(first).greet("one")).isEqualTo("Hello, one");
            assertThat(Proxies.create(second).greet("two")).isEqualTo("Hello, two");
            first.close();
            assertThat(consumer.connectionCount()).as("still shared").isEqualTo(1);
            second.closeAsync().join();
            assertThat(consumer.connectionCount()).isZero();
            assertThat(consumer.invokerCount()).isZero();
        }
        LifecycleReport report = tracker.awaitCollected(Duration.ofSeconds(30));
        assertThat(report.counts(ResourceKind.CLIENT).live()).isZero();
        assertThat(report.counts(ResourceKind.CLIENT).created()).isEqualTo(200);
        assertThat(report.counts(ResourceKind.INVOKER).created()).as("the referred ones").isEqualTo(400);
        assertThat(report.counts(ResourceKind.INVOKER).live()).isZero();
        assertThat(report.totalLeaked()).as(report.format()).isZero();
    }

    @Test
    void closingTheProtocolClosesItsInvokersAndConnections() {
        Invoker<Greeter> invoker = consumer.refer(Greeter.class, url("version=1.0.0"));
        assertThat(Proxies.create(invoker).greet("x")).isEqualTo("Hello, x");
        consumer.closeAsync().join();
        assertThat(invoker.isDestroyed()).isTrue();
        assertThat(consumer.connectionCount()).isZero();
        assertThat(tracker.counts(ResourceKind.CLIENT).live()).isZero();
        assertThatThrownBy(() -> consumer.refer(Greeter.class, url("version=1.0.0")))
                .isInstanceOf(IllegalStateException.class).hasMessage("protocol closed: tri (expected: an open protocol)");
    }
}
