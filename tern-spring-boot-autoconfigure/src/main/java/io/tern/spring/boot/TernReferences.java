package io.tern.spring.boot;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.tern.bootstrap.Reference;
import io.tern.bootstrap.ReferenceOptions;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.bootstrap.TernClientBuilder;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.registry.Registry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The application's consumer side: the {@link TernClient} behind every reference, made when the
 * first reference is, and the references {@link TernReference} declarations made — one per
 * distinct declaration, shared by every injection point that repeats it. Closing it (with the
 * context, after the beans the references went into) closes the references and the client, so
 * their directories, subscriptions, consumer registrations and connections go.
 */
public final class TernReferences implements DisposableBean {

    /** The bean name the auto-configuration gives it. */
    public static final String BEAN_NAME = "ternReferences";

    private record Declaration(Class<?> type, TernReference annotation) {
    }

    private final TernSettings settings;
    private final LifecycleTracker tracker;
    private final ObjectProvider<Registry> registry;
    private final ObjectProvider<MeterRegistry> meters;
    private final ObjectProvider<ObservationRegistry> observations;
    private final Map<Declaration, Reference<?>> declared = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile @Nullable TernClient client;
    private volatile boolean closed;

    /**
     * The registry, when there is one, is made before this bean (so it closes after the client) but
     * looked up when the client is made, not kept.
     */
    public TernReferences(TernSettings settings, LifecycleTracker tracker, ObjectProvider<Registry> registry,
            ObjectProvider<MeterRegistry> meters, ObjectProvider<ObservationRegistry> observations) {
        this.settings = requireNonNull(settings, "settings");
        this.tracker = requireNonNull(tracker, "tracker");
        registry.getIfAvailable();
        this.registry = registry;
        this.meters = meters;
        this.observations = observations;
    }

    /**
     * The proxy for a declaration: the reference it made before, or a new one.
     *
     * @throws IllegalStateException when a reference cannot be made, naming the declaration
     */
    public <T> T proxy(Class<T> type, TernReference annotation) {
        requireNonNull(type, "type");
        requireNonNull(annotation, "annotation");
        if (!type.isInterface()) {
            throw new IllegalStateException("@TernReference on " + type.getName()
                    + " (expected: a service interface)");
        }
        Reference<?> reference = declared.get(new Declaration(type, annotation));
        if (reference == null) {
            lock.lock();
            try {
                Declaration declaration = new Declaration(type, annotation);
                reference = declared.get(declaration);
                if (reference == null) {
                    try {
                        reference = reference(type, options -> apply(options, annotation));
                    } catch (RuntimeException e) {
                        throw new IllegalStateException(annotation + " " + type.getName() + ": " + e.getMessage(), e);
                    }
                    declared.put(declaration, reference);
                }
            } finally {
                lock.unlock();
            }
        }
        return type.cast(reference.get());
    }

    private static void apply(ReferenceOptions options, TernReference annotation) {
        if (!annotation.url().isEmpty()) {
            options.url(annotation.url());
        }
        if (!annotation.version().isEmpty()) {
            options.version(annotation.version());
        }
        if (!annotation.group().isEmpty()) {
            options.group(annotation.group());
        }
        if (annotation.timeout() > 0) {
            options.timeout(Duration.ofMillis(annotation.timeout()));
        }
        if (annotation.retries() >= 0) {
            options.retries(annotation.retries());
        }
        if (!annotation.loadbalance().isEmpty()) {
            options.loadBalancer(annotation.loadbalance());
        }
        AnnotationParameters.apply("@TernReference", annotation.parameters(), options::parameter);
        if (!annotation.protocol().isEmpty()) {
            options.protocol(TernSettings.protocol(annotation.protocol()));
        }
    }

    /**
     * A new reference, owned by the caller (close it, or let the context close it); the consumer
     * timeout applies unless {@code configure} sets one.
     */
    public <T> Reference<T> reference(Class<T> type, Consumer<ReferenceOptions> configure) {
        requireNonNull(configure, "configure");
        Duration timeout = settings.consumerTimeout();
        String protocol = settings.consumerProtocol();
        return client().reference(type, options -> {
            if (timeout != null) {
                options.timeout(timeout);
            }
            if (!protocol.equals("dubbo")) {
                options.protocol(protocol);
            }
            configure.accept(options);
        });
    }

    /** The client, made now if no reference has made it yet. */
    public TernClient client() {
        TernClient made = client;
        if (made != null) {
            return made;
        }
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("tern: the application context is closing; no new references");
            }
            if (client == null) {
                TernClientBuilder builder = Tern.client().application(settings.applicationName()).host(settings.registerHost())
                        .tracker(tracker).migrationStep(settings.migrationStep());
                registry.ifAvailable(builder::registry);
                if (settings.clientTls() != null) {
                    builder.tls(settings.clientTls());
                }
                meters.ifAvailable(builder::metrics);
                observations.ifAvailable(builder::tracing);
                client = builder.build();
            }
            return client;
        } finally {
            lock.unlock();
        }
    }

    /** The client if a reference has made it, else {@code null}. */
    public @Nullable TernClient clientIfMade() {
        return client;
    }

    /** Closes every reference and the client. */
    @Override
    public void destroy() {
        TernClient made;
        lock.lock();
        try {
            closed = true;
            made = client;
            client = null;
            declared.clear();
        } finally {
            lock.unlock();
        }
        if (made != null) {
            made.close(); // closes the references still open, then the protocol
        }
    }
}
