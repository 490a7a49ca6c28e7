package io.tern.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * Gauges and function counters that several owners may register under one name and tags in one
 * registry — a server and a client of one application both reporting the global lifecycle
 * tracker, two protocols of one role — without one owner's close removing the meter from under
 * the other. The meter reports the sum over its distinct sources (a source given twice counts
 * once) and leaves the registry with its last source. Sources are held until released.
 */
final class SharedMeters {

    private record Key(MeterRegistry registry, String name, Tags tags) {
        // MeterRegistry compares by identity: one entry per registry object
    }

    private record Source(Object source, ToDoubleFunction<Object> value) {
    }

    private static final class Entry {
        final List<Source> sources = new CopyOnWriteArrayList<>();
        @org.jspecify.annotations.Nullable Meter meter;

        /** The sum over the distinct sources: a source two owners gave counts once. */
        double sum() {
            List<Source> now = List.copyOf(sources);
            double total = 0;
            for (int i = 0; i < now.size(); i++) {
                Source s = now.get(i);
                boolean seen = false;
                for (int j = 0; j < i && !seen; j++) {
                    seen = now.get(j).source == s.source;
                }
                if (!seen) {
                    total += s.value.applyAsDouble(s.source);
                }
            }
            return total;
        }
    }

    /** A source's share of a meter; closing it releases the share. */
    interface Handle extends AutoCloseable {
        @Override
        void close();
    }

    private static final Map<Key, Entry> ENTRIES = new HashMap<>();

    private SharedMeters() {
    }

    static <S> Handle gauge(MeterRegistry registry, String name, String description, Tags tags, S source,
            ToDoubleFunction<S> value) {
        return add(registry, name, tags, source, value, entry -> Gauge.builder(name, entry, Entry::sum)
                .description(description).tags(tags).strongReference(true).register(registry));
    }

    static <S> Handle counter(MeterRegistry registry, String name, String description, Tags tags, S source,
            ToDoubleFunction<S> value) {
        return add(registry, name, tags, source, value, entry -> FunctionCounter.builder(name, entry, Entry::sum)
                .description(description).tags(tags).register(registry));
    }

    @SuppressWarnings("unchecked") // the function is only ever applied to its own source
    private static <S> Handle add(MeterRegistry registry, String name, Tags tags, S source, ToDoubleFunction<S> value,
            java.util.function.Function<Entry, Meter> register) {
        Key key = new Key(registry, name, tags);
        Source added = new Source(source, (ToDoubleFunction<Object>) value);
        synchronized (ENTRIES) {
            Entry entry = ENTRIES.get(key);
            if (entry == null) {
                entry = new Entry();
                entry.meter = register.apply(entry);
                ENTRIES.put(key, entry);
            }
            entry.sources.add(added);
            Entry owner = entry;
            return new Handle() {
                private boolean closed;

                @Override
                public void close() {
                    synchronized (ENTRIES) {
                        if (closed) {
                            return;
                        }
                        closed = true;
                        owner.sources.remove(added);
                        if (owner.sources.isEmpty() && ENTRIES.remove(key, owner)) {
                            registry.remove(owner.meter);
                        }
                    }
                }
            };
        }
    }
}
