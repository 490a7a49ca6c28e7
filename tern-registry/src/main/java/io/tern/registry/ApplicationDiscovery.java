package io.tern.registry;

import static java.util.Objects.requireNonNull;

import io.tern.AsyncCloseable;
import io.tern.ServiceUrl;
import io.tern.ServiceUrlBuilder;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.registry.discovery.AppMetadata;
import io.tern.registry.discovery.InstanceMetadata;
import io.tern.registry.discovery.InstanceNode;
import io.tern.registry.discovery.MetadataSource;
import io.tern.registry.discovery.ServiceInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumers subscribed at the application level, as Apache Dubbo 3's service-discovery registry
 * subscribes them. The applications that serve a consumer's interface are the reference's
 * {@code provided-by}, else the interface's mapping, watched; each application's instances are
 * watched ({@link ZooKeeperApplications#watchInstances}, one watch shared by every consumer of the
 * application); and what an instance serves is the metadata of the revision it advertises, asked
 * of the instance ({@link MetadataSource}), or read from the metadata report when the instance
 * says it keeps it there ({@code dubbo.metadata.storage-type=remote}), once per revision, with {@value #METADATA_ATTEMPTS}
 * attempts a second apart, and kept while the application is watched. A consumer hears the
 * provider URLs of its service at every instance, as an interface-level registry tells them; an
 * instance advertising no revision, or {@code 0}, serves nothing, as in Dubbo.
 *
 * <p>All of it runs on one thread of its own, in the order things happen: ZooKeeper's watch
 * thread and the metadata services' answers only hand work to it, so no lock is held from one to
 * the other. Closing a subscription releases its watches (the last of an application or an
 * interface removes ZooKeeper's) and, with the last subscription of an application, the metadata
 * kept for it.
 */
public final class ApplicationDiscovery implements AsyncCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApplicationDiscovery.class);

    /** The reference parameter naming the applications that serve it, comma-separated, as Dubbo's. */
    public static final String PROVIDED_BY = "provided-by";
    /** Attempts to get one revision's metadata from an instance, as Dubbo's. */
    static final int METADATA_ATTEMPTS = 3;
    /** The wait between two attempts, as Dubbo's. */
    static final Duration METADATA_RETRY = Duration.ofSeconds(1);
    /** Revisions kept at most; the least recently used goes first. */
    static final int MAX_REVISIONS = 1_024;
    /** How long a revision that could not be had is not asked again. */
    static final Duration ASK_AGAIN_AFTER = Duration.ofSeconds(30);
    /** Instances left out named at most in the reason a list is empty. */
    private static final int LEFT_OUT_NAMED = 3;
    /** How long closing a subscription waits for the discovery thread to close it. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final ZooKeeperApplications applications;
    private final MetadataSource source;
    private final LifecycleTracker tracker;
    private final ExecutorService thread;
    /** The thread {@link #thread} runs on, once started. */
    private volatile @Nullable Thread worker;
    /** The rest is the thread's alone. */
    private final Set<AppSubscription> subscriptions = new LinkedHashSet<>();
    /** How many subscriptions watch each application. */
    private final Map<String, Integer> watchers = new HashMap<>();
    /** Metadata by application and revision: had, being asked, or failed (and when). */
    private final Map<Revision, Asked> metadata = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Revision, Asked> eldest) {
            return size() > MAX_REVISIONS;
        }
    };
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    private volatile boolean closed;

    private record Revision(String app, String revision) {
    }

    /** One revision asked of an instance; {@code failedAt} set on the thread when the answer failed. */
    private static final class Asked {
        final CompletableFuture<AppMetadata> answer;
        long failedAt;

        Asked(CompletableFuture<AppMetadata> answer) {
            this.answer = answer;
        }
    }

    private ApplicationDiscovery(ZooKeeperApplications applications, MetadataSource source, LifecycleTracker tracker) {
        this.applications = applications;
        this.source = source;
        this.tracker = tracker;
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "tern-discovery");
            t.setDaemon(true);
            worker = t;
            return t;
        });
    }

    /**
     * Discovery over {@code applications}, asking instances for their metadata through
     * {@code source}; each subscription is tracked by {@code tracker}
     * ({@link ResourceKind#SUBSCRIPTION}), which reports one closed but still reachable.
     */
    public static ApplicationDiscovery create(ZooKeeperApplications applications, MetadataSource source,
            LifecycleTracker tracker) {
        return new ApplicationDiscovery(requireNonNull(applications, "applications"), requireNonNull(source, "source"),
                requireNonNull(tracker, "tracker"));
    }

    /** As above, tracked by the global tracker. */
    public static ApplicationDiscovery create(ZooKeeperApplications applications, MetadataSource source) {
        return create(applications, source, LifecycleTracker.global());
    }

    /**
     * Delivers the providers of the service {@code consumer} names, found at the application
     * level, now and after every change, until the subscription is closed; none arrive as one
     * {@code empty://} URL saying why. Waits up to {@code firstWait} for the first list (the
     * metadata of the instances found is asked of them over the network), then returns whether
     * or not it came; it follows when it does.
     */
    public Registry.Subscription subscribe(ServiceUrl consumer, Registry.NotifyListener listener, Duration firstWait) {
        requireNonNull(consumer, "consumer");
        requireNonNull(listener, "listener");
        requireNonNull(firstWait, "firstWait");
        if (closed) {
            throw new IllegalStateException("application discovery is closed (expected: an open registry)");
        }
        AppSubscription subscription = new AppSubscription(consumer, listener);
        run(subscription::open);
        try {
            subscription.first.get(firstWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.info("registry: no provider list for {} at the application level after {} ms yet; it follows when"
                    + " the instances answer", consumer.serviceKey(), firstWait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("registry: subscribing {} at the application level: {}", consumer.serviceKey(), e.getCause());
        }
        return () -> close(subscription);
    }

    /**
     * Closes {@code subscription} on the discovery thread and waits until it is closed, so that
     * when a reference's close returns its watches are gone; at once when called on that thread
     * (a listener closing its own subscription).
     */
    private void close(AppSubscription subscription) {
        if (Thread.currentThread() == worker) {
            subscription.close();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!run(() -> {
            try {
                subscription.close();
            } finally {
                done.complete(null);
            }
        })) {
            return; // discovery closed: it closed every subscription
        }
        try {
            done.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("registry: closing the application-level subscription of {} did not end within {} ms; it ends"
                    + " on the discovery thread", subscription.consumer.serviceKey(), CLOSE_WAIT.toMillis());
        }
    }

    /** A thread of its own, a daemon named {@code name}, that runs tasks in the order given. */
    static ExecutorService thread(String name) {
        return Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Subscriptions open now; for lifecycle tests. */
    public int subscriptionCount() {
        return onThread(subscriptions::size);
    }

    /** Revisions whose metadata is kept or asked now; for lifecycle tests. */
    public int revisionCount() {
        return onThread(metadata::size);
    }

    private <V> V onThread(java.util.function.Supplier<V> read) {
        CompletableFuture<V> answer = new CompletableFuture<>();
        run(() -> answer.complete(read.get()));
        return answer.join();
    }

    /** Runs {@code task} on the discovery thread; false when the discovery is closed. */
    private boolean run(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("registry: application-level discovery: {}", e.toString(), e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            log.debug("registry: application-level discovery closed; dropping a change");
            return false;
        }
    }

    /**
     * The metadata of the revision {@code instance} advertises: kept, being asked, or asked of it
     * now. A revision that could not be had is asked again at a change after
     * {@link #ASK_AGAIN_AFTER}, not at once, so an instance that does not answer is not asked
     * without end.
     */
    private CompletableFuture<AppMetadata> metadataOf(InstanceNode instance) {
        Revision key = new Revision(instance.app(), instance.revision());
        Asked known = metadata.get(key);
        if (known != null && (known.failedAt == 0 || System.nanoTime() - known.failedAt < ASK_AGAIN_AFTER.toNanos())) {
            return known.answer;
        }
        Asked asked = new Asked(ask(instance, 1));
        metadata.put(key, asked);
        asked.answer.whenComplete((had, failure) -> run(() -> {
            if (failure != null) {
                asked.failedAt = System.nanoTime();
                log.warn("registry: instance {} of {} is left out: {}", instance.id(), instance.app(),
                        unwrap(failure).getMessage());
            }
            for (AppSubscription subscription : List.copyOf(subscriptions)) {
                if (subscription.watches(instance.app())) {
                    subscription.refresh();
                }
            }
        }));
        return asked.answer;
    }

    private CompletableFuture<AppMetadata> ask(InstanceNode instance, int attempt) {
        CompletableFuture<AppMetadata> answer;
        try {
            answer = InstanceMetadata.REMOTE.equals(instance.metadata().get(InstanceMetadata.STORAGE_TYPE))
                    ? CompletableFuture.completedFuture(applications.metadata(instance.app(), instance.revision()))
                    : source.metadata(instance);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((had, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(had);
            }
            if (attempt >= METADATA_ATTEMPTS || closed) {
                return CompletableFuture.<AppMetadata>failedFuture(new IllegalStateException("cannot get the metadata"
                        + " of revision " + instance.revision() + " from instance " + instance.id() + " of "
                        + instance.app() + " after " + attempt + " attempts: " + unwrap(failure).getMessage(), failure));
            }
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(
                    METADATA_RETRY.toMillis(), TimeUnit.MILLISECONDS)).thenCompose(ignored -> ask(instance, attempt + 1));
        }).thenCompose(next -> next);
    }

    /** The message of the failure {@code failed} completed with. */
    private static String failureOf(CompletableFuture<?> failed) {
        try {
            failed.join();
            return "no failure";
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return String.valueOf(unwrap(e).getMessage());
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** One more subscription watches {@code app}. */
    private void watch(String app) {
        watchers.merge(app, 1, Integer::sum);
    }

    /** One subscription fewer watches {@code app}; with the last, its metadata goes. */
    private void unwatch(String app) {
        if (watchers.merge(app, -1, Integer::sum) <= 0) {
            watchers.remove(app);
            metadata.keySet().removeIf(key -> key.app().equals(app));
        }
    }

    /** Closes every subscription, forgets the metadata kept, and stops the discovery thread. */
    @Override
    public CompletableFuture<Void> closeAsync() {
        if (closed) {
            return closeFuture;
        }
        closed = true;
        run(() -> {
            List.copyOf(subscriptions).forEach(AppSubscription::close);
            metadata.clear();
            thread.shutdown();
            closeFuture.complete(null);
        });
        return closeFuture;
    }

    /**
     * The provider URL of {@code service} at {@code instance}: its protocol, the instance's host,
     * the port the instance advertises for the protocol (else the instance's own, as Dubbo takes
     * it: the port in the metadata is where the instance that was asked serves it, and instances
     * sharing a revision share that metadata), and the service's parameters.
     */
    static ServiceUrl providerUrl(InstanceNode instance, ServiceInfo service) {
        int port = InstanceMetadata.endpointPort(instance.metadata(), service.protocol());
        if (port <= 0) {
            port = instance.port();
        }
        ServiceUrlBuilder url = ServiceUrl.builder(service.protocol()).address(instance.host(), port)
                .path(service.path().isEmpty() ? service.name() : service.path()).parameters(service.params())
                .interfaceName(service.name());
        if (!service.group().isEmpty()) {
            url.group(service.group());
        }
        if (!service.version().isEmpty()) {
            url.version(service.version());
        }
        return url.build();
    }

    /** One consumer's subscription; the discovery thread's alone. */
    private final class AppSubscription {
        private final ServiceUrl consumer;
        private final Registry.NotifyListener listener;
        private final String interfaceName;
        /** The applications watched, and their instances once heard. */
        private final Map<String, Watched> watched = new HashMap<>();
        /** What each instance was last found to serve, and its URLs, by application and instance id. */
        private final Map<String, Resolved> resolved = new HashMap<>();
        final CompletableFuture<Void> first = new CompletableFuture<>();
        private final LifecycleTracker.Tracked tracked;
        private Registry.@Nullable Subscription mapping;
        private @Nullable List<ServiceUrl> told;
        /** Why instances were left out at the last refresh: their metadata could not be had (the first few). */
        private final List<String> leftOut = new ArrayList<>();
        private boolean open = true;

        AppSubscription(ServiceUrl consumer, Registry.NotifyListener listener) {
            this.consumer = consumer;
            this.listener = listener;
            this.interfaceName = consumer.interfaceName();
            this.tracked = tracker.track(ResourceKind.SUBSCRIPTION, consumer.serviceKey());
        }

        void open() {
            if (closed) {
                open = false;
                tracked.destroyed(this);
                first.complete(null);
                return;
            }
            subscriptions.add(this);
            String provided = consumer.parameter(PROVIDED_BY);
            if (provided != null && !provided.isBlank()) {
                serve(ZooKeeperApplications.applications(provided)); // comma-separated, as a mapping
            } else {
                mapping = applications.watchMapping(interfaceName, apps -> run(() -> serve(apps)));
            }
        }

        boolean watches(String app) {
            return watched.containsKey(app);
        }

        /** The applications that serve the interface are now {@code apps}. */
        void serve(Set<String> apps) {
            if (!open) {
                return;
            }
            for (String app : List.copyOf(watched.keySet())) {
                if (!apps.contains(app)) {
                    leave(app);
                }
            }
            for (String app : apps) {
                if (!watched.containsKey(app)) {
                    Watched one = new Watched();
                    watched.put(app, one);
                    watch(app);
                    one.subscription = applications.watchInstances(app, list -> run(() -> heard(app, one, list)));
                }
            }
            refresh();
        }

        private void leave(String app) {
            Watched one = watched.remove(app);
            if (one != null) {
                Registry.Subscription subscription = one.subscription;
                if (subscription != null) {
                    subscription.close();
                }
                resolved.keySet().removeIf(id -> id.startsWith(app + "/"));
                unwatch(app);
            }
        }

        private void heard(String app, Watched one, List<InstanceNode> instances) {
            if (open && watched.get(app) == one) {
                one.instances = instances;
                refresh();
            }
        }

        /**
         * Works out the providers from what is known and tells the listener when they changed. An
         * instance whose new revision is still being asked keeps serving what its last one did;
         * before the first list, the listener waits until every application and instance has
         * answered.
         */
        void refresh() {
            if (!open) {
                return;
            }
            if (!first.isDone() && watched.values().stream().anyMatch(w -> w.instances == null)) {
                return; // an application not heard yet: nothing to tell before the first list
            }
            boolean waiting = false;
            leftOut.clear();
            List<ServiceUrl> providers = new ArrayList<>();
            Set<String> current = new java.util.HashSet<>();
            for (Map.Entry<String, Watched> entry : watched.entrySet()) {
                List<InstanceNode> instances = entry.getValue().instances;
                if (instances == null) {
                    waiting = true;
                    continue;
                }
                for (InstanceNode instance : instances) {
                    String revision = instance.revision();
                    if (revision.isEmpty() || revision.equals(AppMetadata.EMPTY_REVISION)) {
                        continue;
                    }
                    String id = instance.app() + "/" + instance.id();
                    current.add(id);
                    CompletableFuture<AppMetadata> asked = metadataOf(instance);
                    Resolved had = resolved.get(id);
                    if (asked.isDone() && !asked.isCompletedExceptionally()) {
                        AppMetadata served = asked.join();
                        if (had == null || !had.instance().equals(instance) || had.metadata() != served) {
                            had = new Resolved(instance, served, urls(instance, served.services().values()));
                            resolved.put(id, had);
                        }
                    } else if (asked.isDone()) {
                        resolved.remove(id);
                        if (leftOut.size() < LEFT_OUT_NAMED) {
                            leftOut.add(failureOf(asked));
                        }
                        continue;
                    } else {
                        waiting = true;
                        if (had == null) {
                            continue;
                        }
                    }
                    providers.addAll(had.urls());
                }
            }
            resolved.keySet().retainAll(current);
            if (waiting && !first.isDone()) {
                return;
            }
            List<ServiceUrl> matched = RegistryUrls.matching(consumer, providers);
            if (matched.get(0).isEmptyProtocol()) {
                matched = List.of(RegistryUrls.empty(consumer, whyEmpty()));
            }
            if (!matched.equals(told)) {
                told = matched;
                listener.notify(matched);
            }
            first.complete(null);
        }

        /** What a user can act on when no provider is found. */
        private String whyEmpty() {
            if (watched.isEmpty()) {
                return mapping == null ? "provided-by names no application"
                        : "no application maps interface " + interfaceName + " (checked "
                        + applications.mappingPath(interfaceName) + "; set provided-by or register the provider)";
            }
            List<String> apps = watched.keySet().stream().sorted().toList();
            return "no instance of " + String.join(", ", apps) + " serves " + consumer.serviceKey() + " (checked "
                    + String.join(", ", apps.stream().map(applications::instancesPath).toList()) + ")"
                    + (leftOut.isEmpty() ? "" : "; left out: " + String.join("; ", leftOut));
        }

        /** The provider URLs of the consumer's interface at {@code instance}, serving {@code services}. */
        private List<ServiceUrl> urls(InstanceNode instance, Collection<ServiceInfo> services) {
            List<ServiceUrl> urls = new ArrayList<>(1);
            for (ServiceInfo service : services) {
                if (service.name().equals(interfaceName)) {
                    try {
                        urls.add(providerUrl(instance, service));
                    } catch (IllegalArgumentException e) {
                        log.warn("registry: instance {} of {} is left out: {}", instance.id(), instance.app(),
                                e.getMessage());
                    }
                }
            }
            return List.copyOf(urls);
        }

        void close() {
            if (!open) {
                return;
            }
            open = false;
            tracked.destroyed(this);
            subscriptions.remove(this);
            Registry.Subscription watching = mapping;
            if (watching != null) {
                watching.close();
            }
            List.copyOf(watched.keySet()).forEach(this::leave);
            first.complete(null);
        }
    }

    /**
     * An instance as a subscription last resolved it: the node, the metadata of its revision, and
     * the provider URLs they give, kept so that a change elsewhere does not build them again.
     */
    private record Resolved(InstanceNode instance, AppMetadata metadata, List<ServiceUrl> urls) {
    }

    /** An application a subscription watches: its instances once heard. */
    private static final class Watched {
        @Nullable List<InstanceNode> instances;
        Registry.@Nullable Subscription subscription;
    }
}
