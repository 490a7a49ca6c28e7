package io.tern.core;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * How many times each governance rule (by its config-center key, or the registry path of the
 * legacy forms) was applied and refused, for the meters {@code tern.rules.applied{key}} and
 * {@code tern.rules.refused{key}}. At most {@link #MAX_KEYS} keys are counted apart; the rest
 * together under {@link #OTHER}, so a config center of many keys cannot grow it without bound.
 */
public final class RuleStats {

    public static final int MAX_KEYS = 1_000;
    public static final String OTHER = "_other";

    /** Counts of one key. */
    public static final class Counts {
        private final LongAdder applied = new LongAdder();
        private final LongAdder refused = new LongAdder();
        /** What identifies the text last refused: its hash and length (the text may be large). */
        private volatile long lastRefused;

        public long applied() {
            return applied.sum();
        }

        public long refused() {
            return refused.sum();
        }
    }

    private final ConcurrentHashMap<String, Counts> byKey = new ConcurrentHashMap<>();
    private final List<Consumer<String>> newKeyListeners = new CopyOnWriteArrayList<>();

    /** A rule of {@code key} was read and is in force. */
    public void applied(String key) {
        counts(key).applied.increment();
    }

    /**
     * A rule {@code text} of {@code key} was refused; the one before it stays. Whether it is news:
     * false when the same text was the last refused there, so that a refusal seen by many
     * references of a client is logged once.
     */
    public boolean refused(String key, String text) {
        Counts counts = counts(key);
        counts.refused.increment();
        long identity = (long) text.hashCode() << 32 | (text.length() & 0xFFFF_FFFFL);
        if (counts.lastRefused == identity) {
            return false;
        }
        counts.lastRefused = identity;
        return true;
    }

    /** The counts of {@code key}; zero counts when it has none. */
    public Counts of(String key) {
        Counts counts = byKey.get(key);
        return counts != null ? counts : new Counts();
    }

    /** The keys counted so far. */
    public java.util.Set<String> keys() {
        return java.util.Set.copyOf(byKey.keySet());
    }

    /** Tells {@code listener} every key counted so far, and each new one as it comes. */
    public synchronized void onNewKey(Consumer<String> listener) {
        requireNonNull(listener, "listener");
        newKeyListeners.add(listener);
        byKey.keySet().forEach(listener);
    }

    private Counts counts(String key) {
        Counts counts = byKey.get(key);
        if (counts != null) {
            return counts;
        }
        synchronized (this) {
            String counted = byKey.size() < MAX_KEYS || byKey.containsKey(key) ? key : OTHER;
            Counts made = byKey.get(counted);
            if (made == null) {
                made = new Counts();
                byKey.put(counted, made);
                for (Consumer<String> listener : newKeyListeners) {
                    listener.accept(counted);
                }
            }
            return made;
        }
    }
}
