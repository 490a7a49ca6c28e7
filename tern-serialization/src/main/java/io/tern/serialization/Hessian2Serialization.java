package io.tern.serialization;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.tern.ClassPolicy;

/**
 * Hessian2, serialization id 2, as Apache Dubbo writes it, by Tern's own reader and writer. The
 * reader is built for hostile peers (see {@link Hessian2Reader} for its limits) and reads into
 * the classes the {@link ClassPolicy} allows; the writer writes the bytes hessian-lite writes for
 * the same values ({@link Hessian2Writer}). One instance serves a protocol; it is thread-safe, the
 * inputs and outputs it makes are not. Closed inputs and outputs go back to a small pool of this
 * instance's and serve later messages.
 */
public final class Hessian2Serialization {

    /** The dubbo protocol's id for Hessian2. */
    public static final byte ID = 2;

    private static final int POOL_SIZE = 32;

    private final ClassPolicy policy;
    private final ObjectWriters writers = new ObjectWriters();
    private final ReusePool<Hessian2Writer> outputs = new ReusePool<>(POOL_SIZE);
    private final ReusePool<Hessian2Reader> inputs = new ReusePool<>(POOL_SIZE);
    private final ObjectReaders readers;

    public Hessian2Serialization(ClassPolicy policy) {
        this(policy, defaultLoader());
    }

    public Hessian2Serialization(ClassPolicy policy, ClassLoader loader) {
        this.policy = requireNonNull(policy, "policy");
        requireNonNull(loader, "loader");
        this.readers = new ObjectReaders(policy, loader);
    }

    private static ClassLoader defaultLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Hessian2Serialization.class.getClassLoader();
    }

    public ClassPolicy policy() {
        return policy;
    }

    /**
     * An output appending to {@code target} at its writer index; close it when the message
     * is written. The output does not release {@code target}.
     */
    public ObjectOutput output(ByteBuf target) {
        requireNonNull(target, "target");
        Hessian2Writer output = outputs.poll();
        if (output == null) {
            output = new Hessian2Writer(writers, outputs);
        }
        output.open(target);
        return output;
    }

    /**
     * An input reading the readable bytes of {@code body}, a whole message, with Tern's reader;
     * close it when the message is read. The input does not release {@code body}.
     */
    public ObjectInput input(ByteBuf body) {
        requireNonNull(body, "body");
        Hessian2Reader input = inputs.poll();
        if (input == null) {
            input = new Hessian2Reader(readers, inputs);
        }
        input.open(body);
        return input;
    }
}
