package io.tern.bench;

import io.tern.ServiceUrl;
import io.tern.registry.ApplicationDiscovery;
import io.tern.registry.EmbeddedZooKeeper;
import io.tern.registry.Registry;
import io.tern.registry.RegistryUrls;
import io.tern.registry.ZooKeeperRegistry;
import io.tern.registry.discovery.AppMetadata;
import io.tern.registry.discovery.InstanceMetadata;
import io.tern.registry.discovery.InstanceNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.apache.dubbo.rpc.cluster.ClusterInvoker;
import org.apache.dubbo.rpc.service.GenericService;

/**
 * What discovery costs as an estate grows, at the interface level and at the application level,
 * for a Tern consumer: {@code apps} applications of {@code instances} instances each, every
 * instance serving the same {@code services} interfaces, written to an embedded ZooKeeper in
 * Dubbo's layout (the application level's metadata in the metadata report, so no instance needs
 * to run). For each level it reports the registry's nodes and bytes, the consumer's heap per
 * provider it holds (subscribed to every interface, after full collections), and the time from
 * one more instance of an application to the consumer's list growing by it.
 *
 * <p>Arguments: {@code [apps] [instances] [services] [--dubbo]}, 20 50 5 by default (1,000
 * instances). With {@code --dubbo}, an Apache Dubbo 3.3.5 consumer is measured the same way
 * afterwards, at {@code FORCE_INTERFACE} and {@code FORCE_APPLICATION}, referring each interface
 * generically and connecting lazily (the providers do not run); that needs a private network
 * ({@code bin/private-network}), as the side-by-side benchmark does. Run in a fresh JVM. Past some 4,000 instances of an interface, its interface-level provider
 * list no longer fits one ZooKeeper packet ({@code jute.maxbuffer}, 1 MiB by default): give the
 * JVM (it runs the ZooKeeper server too) a larger {@code -Djute.maxbuffer} to measure it.
 */
public final class DiscoveryScale {

    private DiscoveryScale() {
    }

    public static void main(String[] args) throws Exception {
        int apps = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int instances = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int services = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        boolean withDubbo = args.length > 3 && args[3].equals("--dubbo");
        try (EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(0)) {
            String address = "zookeeper://" + zookeeper.connectString() + "?timeout=30000&file-cache=false";
            ZooKeeperRegistry writer = ZooKeeperRegistry.connect(ServiceUrl.parse(address));
            CuratorFramework raw = CuratorFrameworkFactory.newClient(zookeeper.connectString(), new RetryOneTime(100));
            raw.start();
            long start = System.nanoTime();
            for (int app = 0; app < apps; app++) {
                for (int instance = 0; instance < instances; instance++) {
                    publish(writer, app, instance, services);
                }
            }
            System.out.printf(Locale.ROOT, "estate: %,d applications x %,d instances x %,d services written in %,d ms%n",
                    apps, instances, services, (System.nanoTime() - start) / 1_000_000);
            long[] interfaceLevel;
            try {
                interfaceLevel = size(raw, "/dubbo", "mapping", "metadata", "config");
            } catch (Exception e) {
                System.out.printf(Locale.ROOT, "registry, interface level: cannot be listed: %s (ZooKeeper answers a"
                        + " list in one packet of at most jute.maxbuffer, 1 MiB by default; run with"
                        + " -Djute.maxbuffer=N to measure it)%n", e);
                System.exit(1);
                return;
            }
            long[] applicationLevel = size(raw, "/services");
            long[] mapping = size(raw, "/dubbo/mapping");
            long[] metadata = size(raw, "/dubbo/metadata");
            System.out.printf(Locale.ROOT, "registry, interface level: %,d nodes, %,d bytes%n", interfaceLevel[0],
                    interfaceLevel[1]);
            System.out.printf(Locale.ROOT, "registry, application level: %,d nodes, %,d bytes (instances %,d/%,d,"
                    + " mapping %,d/%,d, metadata report %,d/%,d)%n", applicationLevel[0] + mapping[0] + metadata[0],
                    applicationLevel[1] + mapping[1] + metadata[1], applicationLevel[0], applicationLevel[1],
                    mapping[0], mapping[1], metadata[0], metadata[1]);
            int providers = apps * instances * services;
            measure("interface level", address, services, providers, apps, instances, false, writer);
            measure("application level", address, services, providers, apps, instances, true, writer);
            if (withDubbo) {
                DubboSide.requirePrivateNetwork();
                DubboSide.configure();
                String dubboAddress = "zookeeper://" + zookeeper.connectString() + "?timeout=30000";
                measureDubbo("interface level", "FORCE_INTERFACE", dubboAddress, services, providers, apps, instances,
                        writer);
                measureDubbo("application level", "FORCE_APPLICATION", dubboAddress, services, providers, apps,
                        instances, writer);
            }
            raw.close();
            writer.close();
        }
        System.exit(0);
    }

    private static String service(int s) {
        return "com.example.scale.Service" + s;
    }

    private static List<ServiceUrl> exported(int app, int instance, int services) {
        List<ServiceUrl> urls = new ArrayList<>();
        for (int s = 0; s < services; s++) {
            urls.add(ServiceUrl.parse("dubbo://10." + (app % 250) + "." + (instance / 250) + "." + (instance % 250)
                    + ":20880/" + service(s) + "?interface=" + service(s) + "&application=app-" + app
                    + "&side=provider&methods=get,put,list&timeout=3000&release=tern&dubbo=2.0.2"));
        }
        return urls;
    }

    /** One instance, at both levels: its provider URLs, and its instance node with remote metadata. */
    private static void publish(ZooKeeperRegistry writer, int app, int instance, int services) {
        List<ServiceUrl> urls = exported(app, instance, services);
        urls.forEach(writer::register);
        AppMetadata metadata = AppMetadata.of("app-" + app, urls);
        if (instance == 0) {
            writer.applications().publishMetadata(metadata);
            for (int s = 0; s < services; s++) {
                writer.applications().map(service(s), "app-" + app);
            }
        }
        ServiceUrl first = urls.get(0);
        writer.applications().register(new InstanceNode("app-" + app, first.host(), first.port(), Map.of(
                InstanceMetadata.REVISION, metadata.revision(), InstanceMetadata.STORAGE_TYPE, InstanceMetadata.REMOTE,
                InstanceMetadata.ENDPOINTS, "[{\"port\":20880,\"protocol\":\"dubbo\"}]"), System.currentTimeMillis()));
    }

    /** Nodes and bytes (names and data) under {@code path}, less the children named in {@code skipped}. */
    private static long[] size(CuratorFramework raw, String path, String... skipped) throws Exception {
        long[] total = {0, 0};
        if (raw.checkExists().forPath(path) == null) {
            return total;
        }
        for (String child : raw.getChildren().forPath(path)) {
            if (List.of(skipped).contains(child)) {
                continue;
            }
            String childPath = path + "/" + child;
            byte[] data = raw.getData().forPath(childPath);
            total[0]++;
            total[1] += child.getBytes(StandardCharsets.UTF_8).length + (data == null ? 0 : data.length);
            long[] below = size(raw, childPath);
            total[0] += below[0];
            total[1] += below[1];
        }
        return total;
    }

    private static void measure(String level, String address, int services, int providers, int apps, int instances,
            boolean applicationLevel, ZooKeeperRegistry writer) throws Exception {
        ZooKeeperRegistry registry = ZooKeeperRegistry.connect(ServiceUrl.parse(address));
        ApplicationDiscovery discovery = ApplicationDiscovery.create(registry.applications(),
                instance -> CompletableFuture.failedFuture(new IllegalStateException("metadata is remote here")));
        List<AtomicReference<List<ServiceUrl>>> lists = new ArrayList<>();
        List<Registry.Subscription> subscriptions = new ArrayList<>();
        long before = Estate.usedHeap();
        long start = System.nanoTime();
        for (int s = 0; s < services; s++) {
            AtomicReference<List<ServiceUrl>> seen = new AtomicReference<>(List.of());
            lists.add(seen);
            ServiceUrl consumer = RegistryUrls.genericConsumer("127.0.0.1", service(s), "scale-buyer", "", "");
            subscriptions.add(applicationLevel ? discovery.subscribe(consumer, seen::set, java.time.Duration.ofMinutes(2))
                    : registry.subscribe(consumer, seen::set));
        }
        long subscribed = System.nanoTime() - start;
        long held = lists.stream().mapToLong(l -> l.get().size()).sum();
        long heap = Estate.usedHeap() - before;

        CountDownLatch grown = new CountDownLatch(1);
        AtomicReference<List<ServiceUrl>> watched = lists.get(0);
        int size = watched.get().size();
        Thread waiter = new Thread(() -> {
            while (watched.get().size() <= size) {
                Thread.onSpinWait();
            }
            grown.countDown();
        });
        waiter.setDaemon(true);
        waiter.start();
        long changed = System.nanoTime();
        publish(writer, 0, instances, services); // one more instance of the first application
        boolean seen = grown.await(60, TimeUnit.SECONDS);
        long update = System.nanoTime() - changed;
        System.out.printf(Locale.ROOT, "%s: %,d providers held of %,d; subscribed in %,d ms; consumer heap %,d bytes"
                        + " per provider; one instance added seen in %s%n", level, held, providers, subscribed / 1_000_000,
                Math.round(heap / (double) Math.max(1, held)), seen ? String.format(Locale.ROOT, "%.1f ms",
                        update / 1e6) : "no time (not seen in 60 s)");
        subscriptions.forEach(Registry.Subscription::close);
        discovery.close();
        registry.close();
        unpublish(writer, 0, instances, services);
    }

    /**
     * As {@link #measure}, for a Dubbo consumer at {@code step}: the providers it holds are its
     * references' directories' invokers (lazy: none connects).
     */
    private static void measureDubbo(String level, String step, String address, int services, int providers, int apps,
            int instances, ZooKeeperRegistry writer) throws Exception {
        System.setProperty("dubbo.application.migration.step", step);
        ApplicationConfig application = new ApplicationConfig("scale-dubbo-buyer-" + step.toLowerCase(Locale.ROOT));
        application.setQosEnable(false);
        RegistryConfig registry = new RegistryConfig(address);
        registry.setUseAsConfigCenter(false);
        DubboBootstrap dubbo = DubboBootstrap.newInstance().application(application).registry(registry);
        dubbo.start();
        List<ReferenceConfig<GenericService>> references = new ArrayList<>();
        long before = Estate.usedHeap();
        long start = System.nanoTime();
        for (int s = 0; s < services; s++) {
            ReferenceConfig<GenericService> reference = new ReferenceConfig<>();
            reference.setScopeModel(dubbo.getApplicationModel().getDefaultModule());
            reference.setInterface(service(s));
            reference.setGeneric("true");
            reference.setCheck(false);
            reference.setLazy(true);
            reference.get();
            references.add(reference);
        }
        int each = apps * instances;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (references.stream().anyMatch(r -> held(r) < each) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long subscribed = System.nanoTime() - start;
        long held = references.stream().mapToLong(DiscoveryScale::held).sum();
        long heap = Estate.usedHeap() - before;

        ReferenceConfig<GenericService> watched = references.get(0);
        long changed = System.nanoTime();
        publish(writer, 0, instances, services); // one more instance of the first application
        deadline = changed + TimeUnit.SECONDS.toNanos(60);
        while (held(watched) <= each && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        boolean seen = held(watched) > each;
        long update = System.nanoTime() - changed;
        System.out.printf(Locale.ROOT, "Dubbo %s: %,d providers held of %,d; subscribed in %,d ms; consumer heap %,d"
                        + " bytes per provider; one instance added seen in %s%n", level, held, providers,
                subscribed / 1_000_000, Math.round(heap / (double) Math.max(1, held)), seen
                        ? String.format(Locale.ROOT, "%.1f ms", update / 1e6) : "no time (not seen in 60 s)");
        references.forEach(ReferenceConfig::destroy);
        dubbo.destroy();
        System.clearProperty("dubbo.application.migration.step");
        unpublish(writer, 0, instances, services);
    }

    /** The providers a Dubbo reference's directory holds now (its invoker is the one way to it Dubbo offers). */
    @SuppressWarnings("deprecation")
    private static int held(ReferenceConfig<GenericService> reference) {
        try {
            if (reference.getInvoker() instanceof ClusterInvoker<?> cluster && cluster.getDirectory() != null) {
                return cluster.getDirectory().getAllInvokers().size();
            }
        } catch (RuntimeException e) {
            // not referred yet
        }
        return 0;
    }

    private static void unpublish(ZooKeeperRegistry writer, int app, int instance, int services) {
        List<ServiceUrl> urls = exported(app, instance, services);
        urls.forEach(writer::unregister);
        ServiceUrl first = urls.get(0);
        writer.applications().unregister(new InstanceNode("app-" + app, first.host(), first.port(), Map.of(), 0));
    }
}
