package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.WhereCallsRun;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.testing.TernCleanup;
import io.tern.testing.WhereItRuns;
import io.tern.transport.EventLoops;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Triple unary calls that cannot block run on the I/O thread they landed on, as dubbo ones do: a
 * method returning a {@code CompletableFuture}, every method of a service declared
 * {@code nonblocking=true}. A method seen holding that thread past the limit twice within a
 * minute runs on the service pool from then on, so it stalls its connection twice, not again.
 */
@Timeout(60)
class TripleRunsWhereItLandsTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);

    /** A provider on event loops named {@code landing-*}, and a consumer's proxy to it. */
    private WhereItRuns serve(WhereItRuns.Impl impl, String parameters) {
        EventLoops loops = cleanup.register(EventLoops.create("landing", 1));
        TripleProtocol provider = cleanup.register(TripleProtocol.create(tracker, ClassPolicy.strict(), null, null,
                loops));
        TripleProtocol consumer = cleanup.register(TripleProtocol.create(tracker, ClassPolicy.strict()));
        Exporter<WhereItRuns> exporter = cleanup.register(provider.export(Invokers.of(WhereItRuns.class, impl,
                ServiceUrl.parse("tri://127.0.0.1:0/" + WhereItRuns.class.getName() + parameters))));
        return Proxies.create(cleanup.register(consumer.refer(WhereItRuns.class, exporter.url())));
    }

    @Test
    void anAsyncMethodRunsOnTheIoThreadAndABlockingOneOnThePool() {
        WhereItRuns where = serve(new WhereItRuns.Impl(), "");
        assertThat(where.async().join()).as("the first call, which loads what it needs").startsWith("tern-tri-service");
        assertThat(where.async().join()).startsWith("landing-");
        assertThat(where.sync()).startsWith("tern-tri-service");
        assertThat(where.sync()).startsWith("tern-tri-service");
    }

    @Test
    void everyMethodOfAServiceDeclaredNonBlockingRunsOnTheIoThread() {
        WhereItRuns where = serve(new WhereItRuns.Impl(), "?nonblocking=true");
        assertThat(where.sync()).as("the first call, which loads what it needs").startsWith("tern-tri-service");
        assertThat(where.sync()).startsWith("landing-");
        assertThat(where.async().join()).startsWith("tern-tri-service");
        assertThat(where.async().join()).startsWith("landing-");
    }

    @Test
    void aMethodThatHeldTheIoThreadTooLongRunsOnThePoolFromThenOnAndStallsNothing() {
        WhereItRuns.Impl impl = new WhereItRuns.Impl();
        WhereItRuns where = serve(impl, "");
        long past = 2 * TimeUnit.NANOSECONDS.toMillis(WhereCallsRun.HOLD_LIMIT_NANOS);
        where.async().join(); // its first call loads what it needs, on the pool
        assertThat(where.blocking(1).join()).as("the first call, which loads what it needs").startsWith("tern-tri-service");
        assertThat(where.blocking(past).join()).as("before anything was seen").startsWith("landing-");
        assertThat(where.blocking(1).join()).as("seen holding the thread once: a pause can do that").startsWith("landing-");
        assertThat(where.blocking(past).join()).as("the second time").startsWith("landing-");
        assertThat(where.blocking(1).join()).as("seen holding the thread twice within a minute").startsWith("tern-tri-service");

        // it now blocks on a pool thread: a call on the same connection is answered meanwhile
        CompletableFuture<String> held = where.blocking(0);
        assertThat(where.async()).succeedsWithin(Duration.ofSeconds(10)).asString().startsWith("landing-");
        assertThat(held).isNotDone();
        impl.gate.countDown();
        assertThat(held).succeedsWithin(Duration.ofSeconds(10)).asString().startsWith("tern-tri-service");
    }
}
