package io.tern.serialization;

import static java.util.Objects.requireNonNull;

import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Hessian2, serialization id 2, as Apache Dubbo writes it. Messages are read by Tern's own reader,
 * built for hostile peers (see {@link Hessian2Reader} for its limits), into the classes the
 * {@link ClassPolicy} allows; they are written by hessian-lite's writer. One instance serves a
 * protocol; it is thread-safe, the inputs and outputs it makes are not. Closed inputs and outputs
 * go back to a small pool of this instance's and serve later messages.
 */
public final class Hessian2Serialization {

    /** The dubbo protocol's id for Hessian2. */
    public static final byte ID = 2;

    private static final int POOL_SIZE = 32;

    private final ClassPolicy policy;
    private final WriterFactory factory;
    private final ReusePool<Output> outputs = new ReusePool<>(POOL_SIZE);
    private final ReusePool<Hessian2Reader> inputs = new ReusePool<>(POOL_SIZE);
    private final ObjectReaders readers;

    public Hessian2Serialization(ClassPolicy policy) {
        this(policy, defaultLoader());
    }

    public Hessian2Serialization(ClassPolicy policy, ClassLoader loader) {
        this.policy = requireNonNull(policy, "policy");
        this.factory = new WriterFactory(requireNonNull(loader, "loader"));
        this.readers = new ObjectReaders(policy, loader);
    }

    private static ClassLoader defaultLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Hessian2Serialization.class.getClassLoader();
    }

    public ClassPolicy policy() {
        return policy;
    }

    /** An output writing to {@code out}; close it when the message is written. */
    public ObjectOutput output(OutputStream out) {
        requireNonNull(out, "out");
        Output output = outputs.poll();
        if (output == null) {
            ReusableOutput hessian = new ReusableOutput();
            hessian.setSerializerFactory(factory);
            output = new Output(hessian, outputs);
        }
        output.open(out);
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

    /**
     * Hessian's writer, reset only when a message used its tables. Resetting clears two
     * identity maps of a few hundred slots each, which costs more than writing a small message of
     * strings and numbers; so the writer notes whether a message added a reference, a class
     * definition or a type, and whether it was flushed whole, and a clean one just forgets its
     * stream.
     */
    private static final class ReusableOutput extends Hessian2Output {
        private boolean tablesUsed;
        private boolean flushed;

        ReusableOutput() {
            super(null);
        }

        void attach(OutputStream stream) {
            _os = stream;
            flushed = false;
        }

        void flushed() {
            flushed = true;
        }

        /** Forgets the stream and what the message wrote. */
        void release() {
            if (tablesUsed || !flushed) {
                free();
                tablesUsed = false;
            } else {
                _os = null;
            }
        }

        @Override
        public boolean addRef(Object object) throws IOException {
            tablesUsed = true;
            return super.addRef(object);
        }

        @Override
        public int writeObjectBegin(String type) throws IOException {
            tablesUsed = true;
            return super.writeObjectBegin(type);
        }

        @Override
        public boolean writeListBegin(int length, String type) throws IOException {
            tablesUsed |= type != null;
            return super.writeListBegin(length, type);
        }

        @Override
        public void writeMapBegin(String type) throws IOException {
            tablesUsed |= type != null;
            super.writeMapBegin(type);
        }
    }

    private static final class Output implements ObjectOutput {
        private final ReusableOutput out;
        private final ReusePool<Output> pool;
        private boolean open;
        private boolean mapSlotOwed;

        Output(ReusableOutput out, ReusePool<Output> pool) {
            this.out = out;
            this.pool = pool;
        }

        void open(OutputStream stream) {
            out.attach(stream);
            open = true;
            mapSlotOwed = false;
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                out.release();
                pool.offer(this);
            }
        }

        @Override
        public void writeUTF(@Nullable String value) throws IOException {
            out.writeString(value);
        }

        @Override
        public void writeInt(int value) throws IOException {
            out.writeInt(value);
        }

        @Override
        public void writeObject(@Nullable Object value) throws IOException {
            if (mapSlotOwed && !isScalar(value)) {
                out.addRef(new Object());
                mapSlotOwed = false;
            }
            out.writeObject(value);
        }

        @Override
        public void writeMapBegin() throws IOException {
            out.writeMapBegin(null);
            // Readers count every map as a reference, so the writer must too, or later references
            // point one short. Nothing before the map's first non-scalar value can be a reference,
            // so the map's slot is taken then, and a map of scalars leaves the tables alone.
            mapSlotOwed = true;
        }

        /** Values Hessian writes inline, never as references. */
        private static boolean isScalar(@Nullable Object value) {
            return value == null || value instanceof String || value instanceof Integer || value instanceof Long
                    || value instanceof Boolean || value instanceof Double || value instanceof Float
                    || value instanceof Short || value instanceof Byte || value instanceof Character;
        }

        @Override
        public void writeMapEnd() throws IOException {
            mapSlotOwed = false;
            out.writeMapEnd();
        }

        @Override
        public void flush() throws IOException {
            out.flushBuffer();
            out.flushed();
        }
    }
}
