package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.testing.WhereItRuns;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls that cannot block run on the I/O thread they landed on: a method returning a
 * {@code CompletableFuture}, every method of a service declared {@code nonblocking=true}, from
 * the method's second call on (its first loads what it needs, on the pool). A method
 * seen holding that thread past the limit twice within a minute runs on the service pool from then
 * on, so it stalls its connection twice, not again.
 */
@Timeout(60)
class RunsWhereItLandsTest {

    private static final String PATH = WhereItRuns.class.getName();

    @Test
    void anAsyncMethodRunsOnTheIoThreadAndABlockingOneOnThePool() {
        try (DubboProtocol provider = DubboProtocol.create(); DubboProtocol consumer = DubboProtocol.create()) {
            ServiceUrl url = provider.export(Invokers.of(WhereItRuns.class, new WhereItRuns.Impl(),
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH))).url();
            WhereItRuns where = Proxies.create(consumer.refer(WhereItRuns.class, url));
            assertThat(where.async().join()).as("the first call, which loads what it needs").startsWith("tern-server-");
            assertThat(where.async().join()).startsWith("tern-io-");
            assertThat(where.sync()).startsWith("tern-server-");
            assertThat(where.sync()).startsWith("tern-server-");
        }
    }

    @Test
    void everyMethodOfAServiceDeclaredNonBlockingRunsOnTheIoThread() {
        try (DubboProtocol provider = DubboProtocol.create(); DubboProtocol consumer = DubboProtocol.create()) {
            ServiceUrl url = provider.export(Invokers.of(WhereItRuns.class, new WhereItRuns.Impl(),
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH + "?nonblocking=true"))).url();
            WhereItRuns where = Proxies.create(consumer.refer(WhereItRuns.class, url));
            assertThat(where.sync()).as("the first call, which loads what it needs").startsWith("tern-server-");
            assertThat(where.sync()).startsWith("tern-io-");
            assertThat(where.async().join()).startsWith("tern-server-");
            assertThat(where.async().join()).startsWith("tern-io-");
        }
    }

    @Test
    void aMethodThatHeldTheIoThreadTooLongRunsOnThePoolFromThenOnAndStallsNothing() {
        WhereItRuns.Impl impl = new WhereItRuns.Impl();
        try (DubboProtocol provider = DubboProtocol.create(); DubboProtocol consumer = DubboProtocol.create()) {
            ServiceUrl url = provider.export(Invokers.of(WhereItRuns.class, impl,
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH))).url();
            WhereItRuns where = Proxies.create(consumer.refer(WhereItRuns.class, url));
            long past = 2 * TimeUnit.NANOSECONDS.toMillis(io.tern.core.WhereCallsRun.HOLD_LIMIT_NANOS);
            where.async().join(); // its first call loads what it needs, on the pool
            assertThat(where.blocking(1).join()).as("the first call, which loads what it needs").startsWith("tern-server-");
            assertThat(where.blocking(past).join()).as("before anything was seen").startsWith("tern-io-");
            assertThat(where.blocking(1).join()).as("seen holding the thread once: a pause can do that").startsWith("tern-io-");
            assertThat(where.blocking(past).join()).as("the second time").startsWith("tern-io-");
            assertThat(where.blocking(1).join()).as("seen holding the thread twice within a minute").startsWith("tern-server-");

            // it now blocks on a pool thread: a call on the same connection is answered meanwhile
            CompletableFuture<String> held = where.blocking(0);
            assertThat(where.async()).succeedsWithin(Duration.ofSeconds(10)).asString().startsWith("tern-io-");
            assertThat(held).isNotDone();
            impl.gate.countDown();
            assertThat(held).succeedsWithin(Duration.ofSeconds(10)).asString().startsWith("tern-server-");
        }
    }
}
