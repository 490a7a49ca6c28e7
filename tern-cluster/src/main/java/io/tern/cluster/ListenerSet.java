package io.tern.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Listeners of a directory's snapshots; each is removed by the subscription that added it. */
final class ListenerSet<E> {

    private static final Logger log = LoggerFactory.getLogger(ListenerSet.class);

    private final Set<Consumer<E>> listeners = ConcurrentHashMap.newKeySet();

    Directory.Subscription add(Consumer<E> listener) {
        Consumer<E> wrapper = listener::accept; // a distinct identity per subscription
        listeners.add(wrapper);
        return () -> listeners.remove(wrapper);
    }

    void fire(E event) {
        for (Consumer<E> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("a directory listener failed", e);
            }
        }
    }

    int size() {
        return listeners.size();
    }

    void clear() {
        listeners.clear();
    }
}
