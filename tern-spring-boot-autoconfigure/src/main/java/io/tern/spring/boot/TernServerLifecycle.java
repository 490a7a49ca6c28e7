package io.tern.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernServer;
import io.tern.bootstrap.TernServerBuilder;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.registry.Registry;
import io.tern.triple.TripleProtocol;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Exports the context's {@link TernService} beans once the context is refreshed, so services
 * register only when the application is ready, and closes the server first on shutdown —
 * unregistering, waiting for consumers to hear of it, and draining — before the beans it calls
 * are destroyed.
 */
public final class TernServerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TernServerLifecycle.class);

    /** Late to start, early to stop: after and before the beans the services use, and the web server. */
    public static final int PHASE = Integer.MAX_VALUE - 1024;

    private final ApplicationContext context;
    private final TernSettings settings;
    private final LifecycleTracker tracker;
    private final ObjectProvider<Registry> registry;
    private final ObjectProvider<MeterRegistry> meters;
    private final ObjectProvider<ObservationRegistry> observations;
    private volatile @Nullable TernServer server;
    private volatile @Nullable Boolean provides;

    public TernServerLifecycle(ApplicationContext context, TernSettings settings, LifecycleTracker tracker,
            ObjectProvider<Registry> registry, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<ObservationRegistry> observations) {
        this.context = context;
        this.settings = settings;
        this.tracker = tracker;
        this.registry = registry;
        this.meters = meters;
        this.observations = observations;
    }

    @Override
    public synchronized void start() {
        Map<String, Object> services = context.getBeansWithAnnotation(TernService.class);
        if (services.isEmpty() || server != null) {
            return;
        }
        TernServerBuilder builder = Tern.server().application(settings.applicationName()).host(settings.host())
                .registerHost(settings.registerHost()).port(settings.port()).tracker(tracker);
        if (settings.serverTls() != null) {
            builder.tls(settings.serverTls());
        }
        Registry used = registry.getIfAvailable();
        if (used != null) {
            builder.registry(used).registerMode(settings.registerMode()).metadataType(settings.metadataType());
        }
        meters.ifAvailable(builder::metrics);
        observations.ifAvailable(builder::tracing);
        List<Declared> declared = services.entrySet().stream().map(e -> declared(e.getKey(), e.getValue())).toList();
        builder.triple(declared.stream().anyMatch(d -> d.protocols().contains("tri")));
        declared.forEach(d -> exportAs(builder, d.type(), d.bean(), d.annotation(), d.protocols()));
        TernServer started = builder.start();
        server = started;
        log.info("tern: {} service(s) on dubbo://{}:{}{}{}", services.size(), settings.registerHost(), started.port(),
                settings.host().equals(settings.registerHost()) ? "" : " (bound to " + settings.host() + ")",
                used == null ? "" : ", registered in " + used.url().address());
    }

    /** A service bean as it is exported: its interface, its annotation, the protocols it goes over. */
    private record Declared(Object bean, Class<?> type, TernService annotation, Set<String> protocols) {
    }

    /**
     * A bean whose class, or whose {@code @Bean} method, carries {@link TernService}, and the
     * protocols it is exported over: its {@code @TernService(protocol)}; else Triple for an
     * interface over protobuf messages; else {@code tern.protocol.name}.
     */
    private Declared declared(String name, Object bean) {
        Class<?> implementation = AopUtils.getTargetClass(bean);
        TernService annotation = context.findAnnotationOnBean(name, TernService.class);
        if (annotation == null) {
            throw new IllegalStateException("bean '" + name + "': no @TernService on " + implementation.getName());
        }
        Class<?> type = serviceInterface(name, implementation, annotation);
        if (annotation.protocol().isBlank()) {
            return new Declared(bean, type, annotation,
                    Set.of(TripleProtocol.carriesProtobuf(type) ? "tri" : settings.protocolName()));
        }
        Set<String> named = new LinkedHashSet<>();
        for (String protocol : annotation.protocol().split(",")) {
            try {
                named.add(TernSettings.protocol(protocol));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("bean '" + name + "': @TernService(protocol = \"" + annotation.protocol()
                        + "\"): '" + protocol.trim() + "' (expected: dubbo, tri, or dubbo,tri)", e);
            }
        }
        return new Declared(bean, type, annotation, named);
    }

    @SuppressWarnings("unchecked") // the bean implements type: serviceInterface checked it
    private static <T> void exportAs(TernServerBuilder builder, Class<T> type, Object bean, TernService annotation,
            Set<String> protocols) {
        builder.service(type, (T) bean, options -> {
            if (!protocols.contains("dubbo")) {
                options.tripleOnly();
            } else if (!protocols.contains("tri")) {
                options.dubboOnly();
            }
            if (!annotation.version().isEmpty()) {
                options.version(annotation.version());
            }
            if (!annotation.group().isEmpty()) {
                options.group(annotation.group());
            }
            if (annotation.timeout() > 0) {
                options.parameter("timeout", Long.toString(annotation.timeout()));
            }
            if (annotation.weight() > 0) {
                options.parameter("weight", Integer.toString(annotation.weight()));
            }
            AnnotationParameters.apply("@TernService", annotation.parameters(), options::parameter);
            if (!annotation.token().isEmpty()) {
                options.token(annotation.token());
            }
        });
    }

    private static Class<?> serviceInterface(String name, Class<?> implementation, TernService annotation) {
        if (annotation.interfaceClass() != void.class) {
            if (!annotation.interfaceClass().isInterface() || !annotation.interfaceClass().isAssignableFrom(implementation)) {
                throw new IllegalStateException("bean '" + name + "': @TernService(interfaceClass = "
                        + annotation.interfaceClass().getName() + ") (expected: an interface " + implementation.getName()
                        + " implements)");
            }
            return annotation.interfaceClass();
        }
        Class<?>[] interfaces = implementation.getInterfaces();
        if (interfaces.length != 1) {
            throw new IllegalStateException("bean '" + name + "': " + implementation.getName() + " implements "
                    + interfaces.length + " interfaces (expected: one, or @TernService(interfaceClass = ...))");
        }
        return interfaces[0];
    }

    @Override
    public void stop() {
        TernServer running = take();
        if (running != null) {
            running.close(); // unregister, wait, read-only event, drain
        }
    }

    /**
     * Closes the server gracefully — unregister, wait for consumers to hear, read-only event,
     * drain — and tells Spring when it is done, which waits up to
     * {@code spring.lifecycle.timeout-per-shutdown-phase}.
     */
    @Override
    public void stop(Runnable callback) {
        TernServer running = take();
        if (running == null) {
            callback.run();
            return;
        }
        running.closeAsync().whenComplete((done, failure) -> {
            if (failure != null) {
                log.warn("tern: the server did not close cleanly", failure);
            }
            callback.run();
        });
    }

    private synchronized @Nullable TernServer take() {
        TernServer running = server;
        server = null;
        return running;
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** Whether the context has {@link TernService} beans to export. */
    public boolean hasServices() {
        Boolean known = provides;
        if (known == null) {
            // asked once the context's singletons exist (health, readiness): the answer stays
            known = context.getBeanNamesForAnnotation(TernService.class).length > 0;
            provides = known;
        }
        return known;
    }

    /** The running server, or {@code null} before start, after stop, or with no service. */
    public @Nullable TernServer server() {
        return server;
    }
}
