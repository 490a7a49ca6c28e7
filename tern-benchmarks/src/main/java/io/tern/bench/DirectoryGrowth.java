package io.tern.bench;

import io.tern.Invocation;
import io.tern.ServiceUrl;
import io.tern.bootstrap.Reference;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.cluster.Provider;
import io.tern.cluster.Router;
import io.tern.example.UserService;
import io.tern.registry.Migration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.cluster.ClusterInvoker;

/**
 * A consumer whose directory holds more and more providers of one service: Tern's
 * ({@code TernClient}) or Apache Dubbo 3.3.5's ({@code ReferenceConfig}), each as an application
 * would make it, at the interface level, connecting lazily (the providers do not run). The
 * providers are written to ZooKeeper by {@link ZooKeeperHost}, in a JVM of its own. For each size,
 * it reports the consumer's heap per provider held (after full collections, against the heap
 * before the reference was made), then adds one provider and removes it again, twenty times: the
 * median time from the registry write being sent to the directory holding (or no longer holding)
 * it, and the bytes the consumer's threads allocated meanwhile (all but the one waiting), per
 * change.
 *
 * <p>Dubbo's registry applies at most one change per 5 seconds once it has applied ten
 * ({@code delay-notification}); the benchmark sets it to 0 so that Dubbo applies each change as it
 * comes, as Tern does ({@code -Dbench.dubbo.delayNotification=5000} for Dubbo's default).
 *
 * <p>Arguments: {@code tern|dubbo [SIZE...]}, 1,000 and 10,000 by default, in increasing order,
 * one JVM for all. A list of 10,000 providers (2.5 MB) does not fit ZooKeeper's default packet of
 * 1 MiB; the registry and the consumer both run with {@code -Djute.maxbuffer} of this JVM, 16 MiB
 * unless given. Dubbo must run in a private network ({@code bin/private-network}).
 */
public final class DirectoryGrowth {

    private static final int CHANGES = 20;

    private DirectoryGrowth() {
    }

    /** The consumer measured: made without a reference, then given one. */
    interface Consumer extends AutoCloseable {
        /** Makes the reference measured. */
        void refer();

        /** How many providers the reference's directory holds now. */
        int held();

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        String framework = args.length > 0 ? args[0] : "tern";
        int[] sizes = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1_000, 10_000};
        String jute = System.getProperty("jute.maxbuffer", Integer.toString(16 << 20));
        System.setProperty("jute.maxbuffer", jute);
        try (Estate.Helper registry = new Estate.Helper(ZooKeeperHost.class.getName(),
                List.of("-Djute.maxbuffer=" + jute, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"), List.of())) {
            String address = registry.read().substring("zookeeper ".length());
            registry.ask("add 0 " + sizes[0]);
            long before = 0;
            Consumer consumer = null;
            int held = 0;
            try {
                for (int size : sizes) {
                    if (consumer == null) {
                        consumer = framework.equals("dubbo") ? dubbo(address) : tern(address);
                        before = Estate.usedHeap();
                        consumer.refer();
                    } else {
                        registry.ask("add " + held + " " + size);
                    }
                    awaitHeld(consumer, size, TimeUnit.MINUTES.toNanos(5));
                    held = size;
                    double perProvider = (Estate.usedHeap() - before) / (double) size;
                    List<Double> addMillis = new ArrayList<>();
                    List<Double> removeMillis = new ArrayList<>();
                    long addBytes = 0;
                    long removeBytes = 0;
                    for (int i = 0; i < CHANGES; i++) {
                        long allocated = Allocation.othersThanThisThread();
                        long start = System.nanoTime();
                        registry.send("add " + size + " " + (size + 1));
                        awaitHeld(consumer, size + 1, TimeUnit.SECONDS.toNanos(60));
                        addMillis.add((System.nanoTime() - start) / 1e6);
                        addBytes += Allocation.othersThanThisThread() - allocated;
                        registry.read();
                        allocated = Allocation.othersThanThisThread();
                        start = System.nanoTime();
                        registry.send("remove " + size);
                        awaitHeld(consumer, size, TimeUnit.SECONDS.toNanos(60));
                        removeMillis.add((System.nanoTime() - start) / 1e6);
                        removeBytes += Allocation.othersThanThisThread() - allocated;
                        registry.read();
                    }
                    System.out.printf(Locale.ROOT, "%s, %,d providers: %,.0f bytes of heap per provider; one added"
                                    + " in %.1f ms, %,d bytes; one removed in %.1f ms, %,d bytes (medians and means of"
                                    + " %d)%n", framework, size, perProvider, Estate.median(addMillis),
                            addBytes / CHANGES, Estate.median(removeMillis), removeBytes / CHANGES, CHANGES);
                }
            } finally {
                if (consumer != null) {
                    consumer.close();
                }
            }
        }
        System.exit(0);
    }

    private static void awaitHeld(Consumer consumer, int expected, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (consumer.held() != expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the consumer holds " + consumer.held() + " providers (expected: "
                        + expected + " within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s)");
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /**
     * A Tern client with one reference. Its size is read through a router, which sees the
     * directory's providers at each call and keeps none, so that the call fails at once without
     * dialling any: a call costs the same for 10 providers or 10,000.
     */
    private static Consumer tern(String address) {
        TernClient client = Tern.client().application("estate-buyer").host("127.0.0.1")
                .migrationStep(Migration.Step.FORCE_INTERFACE)
                .registry("zookeeper://" + address + "?timeout=60000").build();
        AtomicInteger seen = new AtomicInteger();
        Router counter = new Router() {
            @Override
            public <T> List<Provider<T>> route(List<Provider<T>> providers, ServiceUrl consumerUrl,
                    Invocation invocation) {
                seen.set(providers.size());
                return List.of();
            }
        };
        return new Consumer() {
            private @org.jspecify.annotations.Nullable UserService proxy;

            @Override
            public void refer() {
                Reference<UserService> reference = client.reference(UserService.class,
                        options -> options.parameter("lazy", "true").retries(0).router(counter));
                proxy = reference.get();
            }

            @Override
            public int held() {
                UserService called = proxy;
                if (called == null) {
                    return 0;
                }
                try {
                    called.existUser("count");
                } catch (RuntimeException expected) {
                    // no provider kept: the router has counted them
                }
                return seen.get();
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }

    /** A Dubbo bootstrap, started without references. */
    private static Consumer dubbo(String address) {
        DubboSide.requirePrivateNetwork();
        DubboSide.configure();
        System.setProperty("dubbo.application.migration.step", "FORCE_INTERFACE");
        ApplicationConfig application = new ApplicationConfig("estate-buyer");
        application.setQosEnable(false);
        // Dubbo applies at most one change per 5 s once a registry has sent 10 (delay-notification,
        // 5,000 ms by default); without the delay, each change is applied as it comes, as Tern does.
        RegistryConfig registry = new RegistryConfig("zookeeper://" + address + "?timeout=60000"
                + "&delay-notification=" + System.getProperty("bench.dubbo.delayNotification", "0"));
        registry.setUseAsConfigCenter(false);
        DubboBootstrap bootstrap = DubboBootstrap.newInstance().application(application).registry(registry);
        bootstrap.start();
        return new DubboConsumer(bootstrap);
    }

    private static final class DubboConsumer implements Consumer {
        private final DubboBootstrap bootstrap;
        private @org.jspecify.annotations.Nullable ReferenceConfig<UserService> reference;

        DubboConsumer(DubboBootstrap bootstrap) {
            this.bootstrap = bootstrap;
        }

        @Override
        public void refer() {
            ReferenceConfig<UserService> made = new ReferenceConfig<>();
            made.setScopeModel(bootstrap.getApplicationModel().getDefaultModule());
            made.setInterface(UserService.class);
            made.setCheck(false);
            made.setLazy(true);
            made.get();
            reference = made;
        }

        @Override
        @SuppressWarnings("deprecation")
        public int held() {
            ReferenceConfig<UserService> made = reference;
            if (made != null && made.getInvoker() instanceof ClusterInvoker<?> cluster
                    && cluster.getDirectory() != null) {
                return cluster.getDirectory().getAllInvokers().size();
            }
            return 0;
        }

        @Override
        public void close() {
            ReferenceConfig<UserService> made = reference;
            if (made != null) {
                made.destroy();
            }
            bootstrap.destroy();
        }
    }
}
