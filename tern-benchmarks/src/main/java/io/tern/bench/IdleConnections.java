package io.tern.bench;

import io.tern.ServiceUrl;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.core.Invokers;
import io.tern.dubbo.DubboProtocol;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;

/**
 * A provider holding more and more idle client connections: Tern's dubbo protocol or Apache
 * Dubbo 3.3.5's, each as {@link BenchServer} runs it, in this JVM. The idle connections come from
 * {@link IdleClients}, in a JVM of its own, from many loopback addresses; each has sent a
 * heartbeat, as a connected Dubbo consumer does. For each count it reports the provider JVM's
 * heap (after full collections) and direct memory per connection, against the
 * provider before any idle connection; and the latency of {@code getUser} calls made back to back
 * on one busy connection meanwhile (a Tern client in this JVM, the same for both providers).
 *
 * <p>Arguments: {@code tern|dubbo [COUNT...]}, 1,000 and 10,000 by default, in increasing order.
 * Tern's provider holds 4,096 connections by default ({@code accepts}); it is raised here to hold
 * them all. Dubbo must run in a private network ({@code bin/private-network}); so 10,000
 * connections fit the descriptors of one process (20,000 here).
 */
public final class IdleConnections {

    private static final long WARMUP_SECONDS = 10;
    private static final long MEASURE_SECONDS = 5;

    private IdleConnections() {
    }

    public static void main(String[] args) throws Exception {
        String framework = args.length > 0 ? args[0] : "tern";
        int[] counts = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1_000, 10_000};
        int most = Arrays.stream(counts).max().orElse(0);
        BenchServer.Provider provider = framework.equals("dubbo") ? dubbo() : tern(most + 1_000);
        TernClient client = Tern.client().build();
        UserService busy = client.reference(UserService.class,
                options -> options.url("dubbo://127.0.0.1:" + provider.port() + "?serialization=hessian2")).get();
        latency(busy, WARMUP_SECONDS);
        Histogram quiet = latency(busy, MEASURE_SECONDS);
        System.out.printf(Locale.ROOT, "%s, no idle connection: calls on the busy one %s%n", framework,
                percentiles(quiet));
        long heap = Estate.usedHeap();
        long direct = Estate.directMemory();
        try (Estate.Helper idle = new Estate.Helper(IdleClients.class.getName(), List.of(),
                List.of("127.0.0.1", Integer.toString(provider.port())))) {
            idle.read();
            for (int count : counts) {
                long start = System.nanoTime();
                idle.ask("open " + count);
                long opened = System.nanoTime() - start;
                Histogram busyCalls = latency(busy, MEASURE_SECONDS);
                double perHeap = (Estate.usedHeap() - heap) / (double) count;
                double perDirect = (Estate.directMemory() - direct) / (double) count;
                System.out.printf(Locale.ROOT, "%s, %,d idle connections (opened in %,d ms): per connection %,.0f"
                                + " bytes of heap, %,.0f bytes of direct memory; calls on the busy one %s%n", framework,
                        count, TimeUnit.NANOSECONDS.toMillis(opened), perHeap, perDirect, percentiles(busyCalls));
            }
        }
        client.close();
        provider.close();
        System.exit(0);
    }

    private static BenchServer.Provider tern(int accepts) {
        DubboProtocol protocol = DubboProtocol.create();
        int port = protocol.export(Invokers.of(UserService.class, new UserServiceImpl(), ServiceUrl.parse(
                "dubbo://127.0.0.1:0/" + UserService.class.getName() + "?accepts=" + accepts))).url().port();
        return new BenchServer.Provider(port, protocol);
    }

    private static BenchServer.Provider dubbo() {
        int port = BenchServer.freePort();
        DubboBootstrap bootstrap = DubboSide.provide(DubboSide.bootstrap("idle-provider"), port);
        bootstrap.start();
        return new BenchServer.Provider(port, bootstrap::destroy);
    }

    /** Calls made back to back for {@code seconds}, each one's time in nanoseconds. */
    private static Histogram latency(UserService service, long seconds) throws io.tern.example.UserNotFoundException {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (long now = System.nanoTime(); now < end; ) {
            service.getUser(1);
            long after = System.nanoTime();
            histogram.recordValue(Math.min(after - now, histogram.getHighestTrackableValue()));
            now = after;
        }
        return histogram;
    }

    private static String percentiles(Histogram h) {
        return String.format(Locale.ROOT, "p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs (%,d calls)",
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3, h.getTotalCount());
    }
}
