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
 */
public final class Hessian2Serialization {

    /** The dubbo protocol's id for Hessian2. */
    public static final byte ID = 2;

    private final ClassPolicy policy;
    private final PolicySerializerFactory factory;

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

    public ObjectOutput output(OutputStream out) {
        Hessian2Output output = new Hessian2Output(requireNonNull(out, "out"));
        output.setSerializerFactory(factory);
        return new Output(output);
    }

    public ObjectInput input(InputStream in) {
        Hessian2Input input = new Hessian2Input(requireNonNull(in, "in"));
        input.setSerializerFactory(factory);
        return new Input(input);
    }

    private static final class Output implements ObjectOutput {
        private final Hessian2Output out;

        Output(Hessian2Output out) {
            this.out = out;
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
            out.writeObject(value);
        }

        @Override
        public void flush() throws IOException {
            out.flushBuffer();
        }
    }

    private static final class Input implements ObjectInput {
        private final Hessian2Input in;

        Input(Hessian2Input in) {
            this.in = in;
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
