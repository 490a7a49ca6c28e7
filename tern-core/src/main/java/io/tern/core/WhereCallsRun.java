package io.tern.core;

import static java.util.Objects.requireNonNull;

import io.tern.MethodDescriptor;
import io.tern.ServiceDescriptor;
import io.tern.ServiceKey;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of a service's calls run on the I/O thread they landed on, sparing the two thread
 * hand-overs a service pool costs: calls of a method that returns a {@code CompletableFuture}
 * (its work happens elsewhere), or of any method of a service exported {@code nonblocking=true};
 * never generic calls or {@code $echo}. A method's first call runs on the pool all the same: it
 * loads and initializes what the method needs, which can take longer than the bound below
 * without the method blocking. A method whose calls on the I/O thread hold it longer than
 * {@link #HOLD_LIMIT_NANOS} twice within {@link #STRIKE_WINDOW_NANOS} is taken to block after
 * all: its calls go to the pool from then on, and a warning names it once. One such call alone is
 * not enough, as a collection or a safepoint pause can hold any call that long. One per exported
 * service; a protocol asks it before running a call, tells it when a call ran on the pool, and
 * how long one on the I/O thread took.
 */
public final class WhereCallsRun {

    private static final Logger log = LoggerFactory.getLogger(WhereCallsRun.class);

    /**
     * How long a call may hold the I/O thread it landed on: a method whose calls take longer twice
     * within {@link #STRIKE_WINDOW_NANOS} is taken to block, and its calls go to the service pool
     * from then on.
     */
    public static final long HOLD_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /** How close together two calls of a method past {@link #HOLD_LIMIT_NANOS} must be to move it. */
    public static final long STRIKE_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** A method no call of which has run on the pool yet. */
    private static final int COLD = 0;
    /** A method a call of which has run on the pool, and which has not been taken to block. */
    private static final int WARM = 1;
    /** A method taken to block: two of its calls held the I/O thread too long within the window. */
    private static final int HELD = 2;

    private final String protocol;
    private final ServiceKey key;
    private final ServiceDescriptor descriptor;
    /** The service says none of its methods blocks ({@code nonblocking=true}). */
    private final boolean nonBlocking;
    /** Per method, by index: {@link #COLD}, {@link #WARM} or {@link #HELD}. */
    private final AtomicIntegerArray states;
    /** Per method, by index: when a call of it last held the I/O thread too long; 0 for never. */
    private final AtomicLongArray strikes;

    /**
     * The policy for {@code descriptor}'s methods, exported under {@code key} over
     * {@code protocol} (named in the warning), {@code nonBlocking} as its URL's
     * {@code nonblocking} says.
     */
    public WhereCallsRun(String protocol, ServiceKey key, ServiceDescriptor descriptor, boolean nonBlocking) {
        this.protocol = requireNonNull(protocol, "protocol");
        this.key = requireNonNull(key, "key");
        this.descriptor = requireNonNull(descriptor, "descriptor");
        this.nonBlocking = nonBlocking;
        this.states = new AtomicIntegerArray(descriptor.methods().size());
        this.strikes = new AtomicLongArray(descriptor.methods().size());
    }

    /** Whether a call of {@code method} runs on the I/O thread it landed on. */
    public boolean onTheIoThread(MethodDescriptor method) {
        return (nonBlocking || method.isAsync()) && own(method) && states.get(method.index()) == WARM;
    }

    /** A call of {@code method} ran on the pool: the method's next calls may run on the I/O thread. */
    public void ranOnThePool(MethodDescriptor method) {
        if (own(method) && states.get(method.index()) == COLD) {
            states.compareAndSet(method.index(), COLD, WARM);
        }
    }

    /** Whether {@code method} is one of the service's own, not a generic call's or {@code $echo}. */
    private boolean own(MethodDescriptor method) {
        int index = method.index();
        return index < descriptor.methods().size() && descriptor.methods().get(index) == method;
    }

    /**
     * A call of {@code method} that ran on the I/O thread held it {@code nanos}: past
     * {@link #HOLD_LIMIT_NANOS} for the second time within {@link #STRIKE_WINDOW_NANOS}, the
     * method's calls go to the service pool from now on, said once.
     */
    public void held(MethodDescriptor method, long nanos) {
        if (nanos <= HOLD_LIMIT_NANOS || !own(method)) {
            return;
        }
        int index = method.index();
        long now = System.nanoTime() | 1; // never 0, which means "none yet"
        long last = strikes.getAndSet(index, now);
        if (last == 0 || now - last > STRIKE_WINDOW_NANOS) {
            log.debug("{}: {}.{} held an I/O thread for {} ms; a second time within a minute moves its calls to the"
                    + " service pool", protocol, key, method.name(), TimeUnit.NANOSECONDS.toMillis(nanos));
            return;
        }
        if (states.getAndSet(index, HELD) != HELD) {
            log.warn("{}: {}.{} held an I/O thread for {} ms, twice within a minute, though {}; its calls run on the"
                    + " service pool from now on (expected: a method that does not block)", protocol, key,
                    method.name(), TimeUnit.NANOSECONDS.toMillis(nanos), nonBlocking
                            ? "its service is declared nonblocking" : "it returns a CompletableFuture");
        }
    }
}
