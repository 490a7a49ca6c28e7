package io.tern.serialization;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * A small lock-free pool of objects that are costly to make and cheap to reset. Taking from an
 * empty pool and returning to a full one are both allowed: the caller makes a new object, or the
 * returned one is left to the collector. Each thread starts its search at a slot of its own.
 */
final class ReusePool<T> {

    private final AtomicReferenceArray<@Nullable T> slots;
    private final int mask;

    /** A pool of {@code size} slots, a power of two. */
    ReusePool(int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size: " + size + " (expected: a power of two)");
        }
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    @Nullable T poll() {
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int index = (start + i) & mask;
            T item = slots.get(index);
            if (item != null && slots.compareAndSet(index, item, null)) {
                return item;
            }
        }
        return null;
    }

    void offer(T item) {
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int index = (start + i) & mask;
            if (slots.get(index) == null && slots.compareAndSet(index, null, item)) {
                return;
            }
        }
    }

    private int start() {
        long id = Thread.currentThread().getId();
        return (int) (id ^ (id >>> 16)) & mask;
    }
}
