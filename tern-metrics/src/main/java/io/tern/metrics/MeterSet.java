package io.tern.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The request meters of one side, shared by every invoker of the same method: made when the
 * first invoker of a method binds them, removed from the registry when the last one lets go, so
 * the registry holds only the meters of methods that have a live invoker.
 */
final class MeterSet {

    /** What tells one method's meters from another's: their tags. */
    record Key(String application, String interfaceName, String method, String group, String version) {
        Tags tags() {
            return Tags.of("application.name", application, "interface", interfaceName, "method", method,
                    "group", group, "version", version);
        }
    }

    private final MeterRegistry registry;
    private final String side;
    private final Map<Key, RequestMeters> meters = new HashMap<>();
    private boolean closed;

    MeterSet(MeterRegistry registry, String side) {
        this.registry = registry;
        this.side = side;
    }

    /** The meters of {@code key}, made if no invoker holds them yet; each call is matched by one {@link #release}. */
    synchronized RequestMeters acquire(Key key) {
        RequestMeters m = meters.get(key);
        if (m == null) {
            m = new RequestMeters(registry, side, key.tags());
            if (!closed) {
                meters.put(key, m);
            }
        }
        m.users++;
        if (closed) {
            remove(m); // a late invoker of a closed set counts into meters no registry keeps
        }
        return m;
    }

    synchronized void release(Key key, RequestMeters m) {
        if (--m.users == 0 && meters.remove(key, m)) {
            remove(m);
        }
    }

    private void remove(RequestMeters m) {
        for (Meter meter : m.meters) {
            registry.remove(meter);
        }
    }

    /** Methods with meters now. */
    synchronized int size() {
        return meters.size();
    }

    /** Removes every meter; later invokers' meters are never registered for long. */
    synchronized void close() {
        closed = true;
        List.copyOf(meters.values()).forEach(this::remove);
        meters.clear();
    }
}
