package io.tern.triple;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tern.MethodDescriptor;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.StreamObserver;
import io.tern.serialization.Hessian2Serialization;
import io.tern.serialization.ObjectInput;
import io.tern.serialization.ObjectOutput;
import io.tern.triple.internal.GrpcDeframer;
import io.tern.triple.internal.Protobuf;
import io.tern.triple.internal.ProtobufCodec;
import io.tern.triple.internal.TripleRequestWrapper;
import io.tern.triple.internal.TripleResponseWrapper;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How one method's messages travel over Triple, decided once per method: as protobuf messages
 * when its request and answer types are generated messages, else wrapped
 * ({@code TripleRequestWrapper}/{@code TripleResponseWrapper}) with Hessian2 inside, as Apache
 * Dubbo sends them. Both sides use it: a consumer to write requests and read answers, a provider
 * the other way round. Every buffer it returns is framed and owned by the caller; every buffer
 * it takes stays the caller's.
 */
abstract sealed class TripleMethod {

    /** What Dubbo calls Hessian2 inside the wrappers. */
    static final String HESSIAN = "hessian4";
    /** The observer type Dubbo names among a server-streaming request's argument types. */
    static final String DUBBO_STREAM_OBSERVER = "org.apache.dubbo.common.stream.StreamObserver";

    final MethodDescriptor descriptor;
    /** The method's name in a request's {@code :path}. */
    final String wireName;

    private TripleMethod(MethodDescriptor descriptor, String wireName) {
        this.descriptor = descriptor;
        this.wireName = wireName;
    }

    /**
     * The wire form of a method. A protobuf method is called by its name with the first letter
     * upper-cased ({@code sayHello} as {@code SayHello}), as protoc names the methods of a
     * {@code .proto} service; a wrapped one by its Java name, as Dubbo calls it.
     */
    static TripleMethod of(MethodDescriptor method, Hessian2Serialization serialization) {
        return isProtobuf(method) ? new ProtobufMethod(method) : new WrappedMethod(method, serialization);
    }

    /** Whether a method's request and answer are generated protobuf messages, each alone in its frame. */
    static boolean isProtobuf(MethodDescriptor method) {
        boolean messages = Protobuf.isMessage(method.requestType()) && Protobuf.isMessage(method.responseType());
        return method.kind() == MethodDescriptor.Kind.UNARY ? method.parameterCount() == 1 && messages : messages;
    }

    /**
     * A method whose messages are given and taken as their encoded bytes ({@code byte[]}), each
     * alone in its gRPC frame: for the services every server answers, which must run without
     * protobuf-java. Called by its gRPC name, as a protobuf method is.
     */
    static TripleMethod encoded(MethodDescriptor method) {
        return new EncodedMethod(method);
    }

    /**
     * Refuses an interface with a method that uses {@link StreamObserver} in a shape Triple cannot
     * carry, which would otherwise be taken for a unary method and fail at every call.
     *
     * @throws IllegalArgumentException naming the method and the shapes Triple supports
     */
    static void checkShapes(Class<?> type) {
        for (MethodDescriptor method : ServiceDescriptor.of(type).methods()) {
            if (method.kind() != MethodDescriptor.Kind.UNARY) {
                continue;
            }
            boolean observer = method.method().getReturnType() == StreamObserver.class;
            for (Class<?> parameter : method.parameterTypes()) {
                observer |= parameter == StreamObserver.class;
            }
            if (observer) {
                throw new IllegalArgumentException("method: " + type.getName() + "." + method.name() + "("
                        + method.parameterTypes().stream().map(Class::getSimpleName)
                                .collect(java.util.stream.Collectors.joining(", "))
                        + ") returning " + method.method().getReturnType().getSimpleName()
                        + " (expected over tri: unary, void m(Request, StreamObserver<Response>) for a server"
                        + " stream, or StreamObserver<Request> m(StreamObserver<Response>) for a client or"
                        + " bidirectional stream)");
            }
        }
    }

    /** The name a gRPC client of a {@code .proto} service calls a Java method by. */
    static String grpcName(String javaName) {
        return javaName.isEmpty() || Character.isUpperCase(javaName.charAt(0)) ? javaName
                : Character.toUpperCase(javaName.charAt(0)) + javaName.substring(1);
    }

    MethodDescriptor.Kind kind() {
        return descriptor.kind();
    }

    /** Whether its messages are generated protobuf messages, which a {@code .proto} file describes. */
    boolean protobuf() {
        return this instanceof ProtobufMethod;
    }

    /** Whether an answer message can carry the service's exception (wrapped ones can, protobuf ones cannot). */
    abstract boolean carriesExceptions();

    /** A consumer's request of a unary or server-streaming call: its arguments but the observer. */
    abstract ByteBuf request(ByteBufAllocator allocator, @Nullable Object[] arguments);

    /** A consumer's request message of a bidirectional call. */
    abstract ByteBuf requestMessage(ByteBufAllocator allocator, @Nullable Object message);

    /** An answer message read by a consumer; {@code thrown} when the provider said it carries the service's exception. */
    abstract @Nullable Object answer(ByteBuf message, boolean thrown);

    /** The arguments a provider reads from a unary or server-streaming request, the observer not among them. */
    abstract @Nullable Object[] arguments(ByteBuf message);

    /** One request message of a bidirectional call, read by a provider. */
    abstract @Nullable Object message(ByteBuf message);

    /** A provider's answer message: a value, or the service's exception when {@code thrown}. */
    abstract ByteBuf answer(ByteBufAllocator allocator, @Nullable Object value, boolean thrown);

    /** Whether a wrapped request's argument types name this method's parameters. */
    boolean matches(List<String> argTypes) {
        List<Class<?>> types = descriptor.parameterTypes();
        if (types.size() != argTypes.size()) {
            return false;
        }
        for (int i = 0; i < types.size(); i++) {
            String sent = argTypes.get(i);
            boolean same = types.get(i) == StreamObserver.class ? sent.endsWith(".StreamObserver")
                    : types.get(i).getName().equals(sent);
            if (!same) {
                return false;
            }
        }
        return true;
    }

    /** Generated protobuf messages, each alone in its gRPC frame. */
    private static final class ProtobufMethod extends TripleMethod {
        private final ProtobufCodec requests;
        private final ProtobufCodec answers;

        ProtobufMethod(MethodDescriptor method) {
            super(method, grpcName(method.name()));
            this.requests = ProtobufCodec.of(method.requestType());
            this.answers = ProtobufCodec.of(method.responseType());
        }

        @Override
        boolean carriesExceptions() {
            return false;
        }

        @Override
        ByteBuf request(ByteBufAllocator allocator, @Nullable Object[] arguments) {
            return requests.frame(allocator, arguments[0]);
        }

        @Override
        ByteBuf requestMessage(ByteBufAllocator allocator, @Nullable Object message) {
            return requests.frame(allocator, message);
        }

        @Override
        @Nullable Object answer(ByteBuf message, boolean thrown) {
            return answers.read(message);
        }

        @Override
        @Nullable Object[] arguments(ByteBuf message) {
            return new Object[] {requests.read(message)};
        }

        @Override
        @Nullable Object message(ByteBuf message) {
            return requests.read(message);
        }

        @Override
        ByteBuf answer(ByteBufAllocator allocator, @Nullable Object value, boolean thrown) {
            if (thrown) {
                throw new RpcException(RpcStatus.SERVICE_ERROR, "a protobuf method answers no exception in a message");
            }
            return answers.frame(allocator, value);
        }
    }

    /** Messages as their bytes, encoded and decoded by the service itself. */
    private static final class EncodedMethod extends TripleMethod {

        EncodedMethod(MethodDescriptor method) {
            super(method, grpcName(method.name()));
        }

        @Override
        boolean carriesExceptions() {
            return false;
        }

        @Override
        ByteBuf request(ByteBufAllocator allocator, @Nullable Object[] arguments) {
            return requestMessage(allocator, arguments[0]);
        }

        @Override
        ByteBuf requestMessage(ByteBufAllocator allocator, @Nullable Object message) {
            return GrpcDeframer.frame(allocator, (byte[]) java.util.Objects.requireNonNull(message, "message"));
        }

        @Override
        @Nullable Object answer(ByteBuf message, boolean thrown) {
            return ByteBufUtil.getBytes(message);
        }

        @Override
        @Nullable Object[] arguments(ByteBuf message) {
            return new Object[] {ByteBufUtil.getBytes(message)};
        }

        @Override
        @Nullable Object message(ByteBuf message) {
            return ByteBufUtil.getBytes(message);
        }

        @Override
        ByteBuf answer(ByteBufAllocator allocator, @Nullable Object value, boolean thrown) {
            if (thrown || !(value instanceof byte[] bytes)) {
                throw new RpcException(RpcStatus.INTERNAL, "tri: " + descriptor + " answered "
                        + (value == null ? "null" : "a " + value.getClass().getName()) + " (expected: a message's bytes)");
            }
            return GrpcDeframer.frame(allocator, bytes);
        }
    }

    /** Plain Java types: Hessian2 inside Dubbo's wrapper messages. */
    private static final class WrappedMethod extends TripleMethod {
        private final Hessian2Serialization serialization;
        /** The argument types a consumer names: a server stream's request and Dubbo's observer type. */
        private final List<String> argTypes;

        WrappedMethod(MethodDescriptor method, Hessian2Serialization serialization) {
            super(method, method.name());
            this.serialization = serialization;
            List<String> types = new ArrayList<>();
            switch (method.kind()) {
                case UNARY -> method.parameterTypes().forEach(t -> types.add(t.getName()));
                case SERVER_STREAMING -> {
                    types.add(method.requestType().getName());
                    types.add(DUBBO_STREAM_OBSERVER);
                }
                case BIDI_STREAMING -> types.add(method.requestType().getName());
            }
            this.argTypes = List.copyOf(types);
        }

        @Override
        boolean carriesExceptions() {
            return true;
        }

        @Override
        ByteBuf request(ByteBufAllocator allocator, @Nullable Object[] arguments) {
            int count = descriptor.kind() == MethodDescriptor.Kind.SERVER_STREAMING ? 1 : arguments.length;
            List<byte[]> args = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                args.add(write(arguments[i]));
            }
            return GrpcDeframer.frame(allocator, new TripleRequestWrapper(HESSIAN, args, argTypes).encode());
        }

        @Override
        ByteBuf requestMessage(ByteBufAllocator allocator, @Nullable Object message) {
            return GrpcDeframer.frame(allocator, new TripleRequestWrapper(HESSIAN, List.of(write(message)), argTypes)
                    .encode());
        }

        @Override
        @Nullable Object answer(ByteBuf message, boolean thrown) {
            TripleResponseWrapper response = TripleResponseWrapper.decode(ByteBufUtil.getBytes(message));
            if (response.data().length == 0) {
                return null;
            }
            try (ObjectInput input = serialization.input(Unpooled.wrappedBuffer(response.data()))) {
                return thrown ? input.readObject() : input.readObject(descriptor.responseType());
            }
        }

        @Override
        @Nullable Object[] arguments(ByteBuf message) {
            TripleRequestWrapper wrapper = request(message);
            List<Class<?>> types = descriptor.parameterTypes();
            int count = descriptor.kind() == MethodDescriptor.Kind.SERVER_STREAMING ? 1 : types.size();
            if (wrapper.args().size() != count) {
                throw new RpcException(RpcStatus.BAD_REQUEST, "tri: " + wrapper.args().size() + " arguments for "
                        + descriptor + " (expected: " + count + ")");
            }
            Object[] values = new Object[count];
            for (int i = 0; i < count; i++) {
                values[i] = read(wrapper.args().get(i), types.get(i));
            }
            return values;
        }

        @Override
        @Nullable Object message(ByteBuf message) {
            TripleRequestWrapper wrapper = request(message);
            if (wrapper.args().size() != 1) {
                throw new RpcException(RpcStatus.BAD_REQUEST, "tri: " + wrapper.args().size()
                        + " arguments in a stream message of " + descriptor + " (expected: 1)");
            }
            return read(wrapper.args().get(0), descriptor.requestType());
        }

        @Override
        ByteBuf answer(ByteBufAllocator allocator, @Nullable Object value, boolean thrown) {
            String type = thrown && value != null ? value.getClass().getName() : descriptor.responseType().getName();
            return GrpcDeframer.frame(allocator, new TripleResponseWrapper(HESSIAN, write(value), type).encode());
        }

        private TripleRequestWrapper request(ByteBuf message) {
            TripleRequestWrapper wrapper;
            try {
                wrapper = TripleRequestWrapper.decode(ByteBufUtil.getBytes(message));
            } catch (IllegalArgumentException e) {
                throw new RpcException(RpcStatus.SERIALIZATION, String.valueOf(e.getMessage()), e);
            }
            if (!HESSIAN.equals(wrapper.serializeType())) {
                throw new RpcException(RpcStatus.SERIALIZATION, "serializeType: '" + wrapper.serializeType()
                        + "' (expected: " + HESSIAN + ")");
            }
            return wrapper;
        }

        private byte[] write(@Nullable Object value) {
            ByteBuf out = Unpooled.buffer();
            try {
                try (ObjectOutput output = serialization.output(out)) {
                    output.writeObject(value);
                }
                return ByteBufUtil.getBytes(out);
            } finally {
                out.release();
            }
        }

        private @Nullable Object read(byte[] bytes, Class<?> type) {
            try (ObjectInput input = serialization.input(Unpooled.wrappedBuffer(bytes))) {
                return input.readObject(type);
            }
        }
    }
}
