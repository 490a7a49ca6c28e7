package io.tern.serialization;

import static java.util.Objects.requireNonNull;

import com.alibaba.com.caucho.hessian.io.Hessian2Input;
import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import io.tern.RpcException;
import io.tern.RpcStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Hessian2, serialization id 2, as Apache Dubbo writes it, reading through a {@link ClassPolicy}.
 * One instance serves a protocol; it is thread-safe, the inputs and outputs it makes are not.
 * Closed inputs and outputs go back to a small pool of this instance's and serve later messages:
 * making Hessian's readers and writers (buffers, reference maps) costs more than a whole small
 * call.
 */
public final class Hessian2Serialization {

    /** The dubbo protocol's id for Hessian2. */
    public static final byte ID = 2;

    private static final int POOL_SIZE = 32;

    private final ClassPolicy policy;
    private final PolicySerializerFactory factory;
    private final ReusePool<Output> outputs = new ReusePool<>(POOL_SIZE);
    private final ReusePool<Input> inputs = new ReusePool<>(POOL_SIZE);

    public Hessian2Serialization(ClassPolicy policy) {
        this(policy, defaultLoader());
    }

    public Hessian2Serialization(ClassPolicy policy, ClassLoader loader) {
        this.policy = requireNonNull(policy, "policy");
        this.factory = new PolicySerializerFactory(policy, requireNonNull(loader, "loader"));
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

    /** An input reading from {@code in}; close it when the message is read. */
    public ObjectInput input(InputStream in) {
        requireNonNull(in, "in");
        Input input = inputs.poll();
        if (input == null) {
            Hessian2Input hessian = new Hessian2Input(null);
            hessian.setSerializerFactory(factory);
            input = new Input(hessian, inputs);
        }
        input.open(in);
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

    private static final class Input implements ObjectInput {
        private final Hessian2Input in;
        private final ReusePool<Input> pool;
        private boolean open;

        Input(Hessian2Input in, ReusePool<Input> pool) {
            this.in = in;
            this.pool = pool;
        }

        void open(InputStream stream) {
            in.init(stream);
            open = true;
        }

        @Override
        public void close() {
            if (open) {
                open = false;
                in.init(null); // forgets the stream and what was read (references, class definitions)
                try {
                    in.resetBuffer();
                } catch (IllegalStateException unread) {
                    // A message left partly read (a failed read): its rest is dropped all the same.
                }
                pool.offer(this);
            }
        }

        @Override
        public @Nullable String readUTF() {
            try {
                return in.readString();
            } catch (IOException | RuntimeException e) {
                throw failure("a string", e);
            }
        }

        @Override
        public int readInt() {
            try {
                return in.readInt();
            } catch (IOException | RuntimeException e) {
                throw failure("an int", e);
            }
        }

        @Override
        public @Nullable Object readObject() {
            try {
                return in.readObject();
            } catch (IOException | RuntimeException | StackOverflowError e) {
                throw failure("a value", e);
            }
        }

        @Override
        public @Nullable Object readObject(Class<?> type) {
            try {
                // Hessian values name their own types; element types are not forced on collections,
                // whose elements may have been written as any subtype.
                return in.readObject(type);
            } catch (IOException | RuntimeException | StackOverflowError e) {
                throw failure("a " + type.getName(), e);
            }
        }
    }

    /**
     * The failure of a read: a refusal by the policy as it is, anything else as a serialization
     * failure naming what was being read.
     */
    static RpcException failure(String reading, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RpcException rpc) {
                return rpc;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return new RpcException(RpcStatus.SERIALIZATION, "hessian2: cannot read " + reading + ": "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
}
