package io.tern.spring.boot;

import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernServer;
import io.tern.bootstrap.TernServerBuilder;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Exports the context's {@link TernService} beans once the context is refreshed, so services
 * register only when the application is ready, and closes the server first on shutdown —
 * unregistering, waiting for consumers to hear of it, and draining — before the beans it calls
 * are destroyed.
 */
public class TernServerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TernServerLifecycle.class);

    /** Late to start, early to stop: after and before the beans the services use. */
    public static final int PHASE = Integer.MAX_VALUE - 1024;

    private final ApplicationContext context;
    private final TernProperties properties;
    private volatile @Nullable TernServer server;

    public TernServerLifecycle(ApplicationContext context, TernProperties properties) {
        this.context = context;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        Map<String, Object> services = context.getBeansWithAnnotation(TernService.class);
        if (services.isEmpty() || server != null) {
            return;
        }
        TernServerBuilder builder = Tern.server().application(applicationName())
                .host(properties.getProtocol().getHost()).port(properties.getProtocol().getPort());
        String registry = properties.getRegistry().getAddress();
        if (registry != null && !registry.isBlank()) {
            builder.registry(registry);
        }
        Integer ops = properties.getOps().getPort();
        if (ops != null) {
            builder.ops(ops);
        }
        services.forEach((name, bean) -> export(builder, name, bean));
        server = builder.start();
        log.info("tern: {} service(s) on dubbo://{}:{}", services.size(), properties.getProtocol().getHost(),
                server.port());
    }

    private static void export(TernServerBuilder builder, String name, Object bean) {
        Class<?> implementation = AopUtils.getTargetClass(bean);
        TernService annotation = org.springframework.core.annotation.AnnotationUtils.findAnnotation(implementation,
                TernService.class);
        if (annotation == null) {
            throw new IllegalStateException("bean '" + name + "': no @TernService on " + implementation.getName());
        }
        Class<?> type = serviceInterface(name, implementation, annotation);
        exportAs(builder, type, bean, annotation);
    }

    @SuppressWarnings("unchecked") // the bean implements type: serviceInterface checked it
    private static <T> void exportAs(TernServerBuilder builder, Class<T> type, Object bean, TernService annotation) {
        builder.service(type, (T) bean, options -> {
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

    private String applicationName() {
        String name = properties.getApplication().getName();
        if (name == null || name.isBlank()) {
            name = context.getEnvironment().getProperty("spring.application.name", "tern-application");
        }
        return name;
    }

    @Override
    public void stop() {
        TernServer running;
        synchronized (this) {
            running = server;
            server = null;
        }
        if (running != null) {
            running.close(); // unregister, wait, read-only event, drain
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** The running server, or {@code null} before start, after stop, or with no service. */
    public @Nullable TernServer server() {
        return server;
    }
}
