package io.tern.core;

import static java.util.Objects.requireNonNull;

import io.tern.MethodDescriptor;
import io.tern.ServiceDescriptor;
import io.tern.ServiceKey;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of a service's calls run on the I/O thread they landed on, sparing the two thread
 * hand-overs a service pool costs: calls of a method that returns a {@code CompletableFuture}
 * (its work happens elsewhere), or of any method of a service exported {@code nonblocking=true};
 * never generic calls or {@code $echo}. A call that holds the I/O thread longer than
 * {@link #HOLD_LIMIT_NANOS} shows its method blocks after all: the method's calls go to the pool
 * from then on, and a warning names it once. One per exported service; a protocol asks it before
 * running a call, and tells it how long one that ran on the I/O thread took.
 */
public final class WhereCallsRun {

    private static final Logger log = LoggerFactory.getLogger(WhereCallsRun.class);

    /**
     * How long a call may hold the I/O thread it landed on: a method that takes longer is taken to
     * block, and its calls go to the service pool from then on.
     */
    public static final long HOLD_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final String protocol;
    private final ServiceKey key;
    private final ServiceDescriptor descriptor;
    /** The service says none of its methods blocks ({@code nonblocking=true}). */
    private final boolean nonBlocking;
    /** Per method, by index: 1 once a call of it held the I/O thread past {@link #HOLD_LIMIT_NANOS}. */
    private final AtomicIntegerArray heldTheLoop;

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
        this.heldTheLoop = new AtomicIntegerArray(descriptor.methods().size());
    }

    /** Whether a call of {@code method} runs on the I/O thread it landed on. */
    public boolean onTheIoThread(MethodDescriptor method) {
        return (nonBlocking || method.isAsync()) && own(method) && heldTheLoop.get(method.index()) == 0;
    }

    /** Whether {@code method} is one of the service's own, not a generic call's or {@code $echo}. */
    private boolean own(MethodDescriptor method) {
        int index = method.index();
        return index < descriptor.methods().size() && descriptor.methods().get(index) == method;
    }

    /**
     * A call of {@code method} that ran on the I/O thread held it {@code nanos}: past
     * {@link #HOLD_LIMIT_NANOS}, the method's calls go to the service pool from now on, said once.
     */
    public void held(MethodDescriptor method, long nanos) {
        if (nanos > HOLD_LIMIT_NANOS && own(method) && heldTheLoop.compareAndSet(method.index(), 0, 1)) {
            log.warn("{}: {}.{} held an I/O thread for {} ms, though {}; its calls run on the service pool from"
                    + " now on (expected: a method that does not block)", protocol, key, method.name(),
                    TimeUnit.NANOSECONDS.toMillis(nanos), nonBlocking ? "its service is declared nonblocking"
                    : "it returns a CompletableFuture");
        }
    }
}
