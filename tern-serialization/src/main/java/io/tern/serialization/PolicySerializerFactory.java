package io.tern.serialization;

import com.alibaba.com.caucho.hessian.io.AbstractHessianOutput;
import com.alibaba.com.caucho.hessian.io.Deserializer;
import com.alibaba.com.caucho.hessian.io.HessianProtocolException;
import com.alibaba.com.caucho.hessian.io.Serializer;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;
import io.tern.GenericException;
import java.io.IOException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A Hessian serializer factory that asks the {@link ClassPolicy} before it resolves any class a
 * stream names, so a refused class is never loaded, let alone instantiated, and is never turned
 * into a map: the read fails with the refusal.
 */
final class PolicySerializerFactory extends SerializerFactory {

    /** Hessian's names for its built-in types, which name no class. */
    private static final Set<String> BUILT_IN = Set.of(
            "null", "boolean", "byte", "short", "int", "long", "float", "double", "char", "string", "date", "object");

    /** The name Apache Dubbo gives the exception of a generic call on the wire. */
    static final String DUBBO_GENERIC_EXCEPTION = "com.alibaba.dubbo.rpc.service.GenericException";
    /** Dubbo's generic exceptions, read as Tern's {@link GenericException}. */
    private static final Set<String> DUBBO_GENERIC_EXCEPTIONS = Set.of(DUBBO_GENERIC_EXCEPTION,
            "org.apache.dubbo.rpc.service.GenericException");

    private final ClassPolicy policy;
    private final ClassLoader loader;
    private final PolicyClassDeserializer classes;
    /** Names found to be classes, so that each message's class definitions cost one lookup. */
    private final Set<String> loadable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    PolicySerializerFactory(ClassPolicy policy, ClassLoader loader) {
        super(loader);
        this.policy = policy;
        this.loader = loader;
        this.classes = new PolicyClassDeserializer(policy, loader);
    }

    /**
     * The deserializer for a declared type: {@code Class} values are read through the policy,
     * whether the stream names their type or a field's declared type chooses it.
     */
    @Override
    @SuppressWarnings("rawtypes") // Hessian's signature
    public Deserializer getDeserializer(Class cl) throws HessianProtocolException {
        return cl == Class.class ? classes : super.getDeserializer(cl);
    }

    @Override
    public Deserializer getDeserializer(@Nullable String type) throws HessianProtocolException {
        if (type != null && DUBBO_GENERIC_EXCEPTIONS.contains(type)) {
            return super.getDeserializer(GenericException.class);
        }
        if ("java.lang.Class".equals(type)) {
            return classes; // a Class value: the class it names is checked, not Class itself
        }
        Deserializer time = type == null ? null : JavaTimeHandles.deserializer(type);
        if (time != null) {
            return time;
        }
        if (type != null && !type.isEmpty() && type.charAt(0) != '[' && !BUILT_IN.contains(type)) {
            policy.check(type);
            requireLoadable(type);
        }
        return super.getDeserializer(type);
    }

    @Override
    @SuppressWarnings("rawtypes") // Hessian's signature
    public Serializer getSerializer(Class cl) throws HessianProtocolException {
        if (cl == GenericException.class) {
            return GenericExceptionSerializer.INSTANCE;
        }
        Serializer time = JavaTimeHandles.serializer(cl);
        return time != null ? time : super.getSerializer(cl);
    }

    /**
     * Writes a {@link GenericException} as Dubbo's {@code com.alibaba.dubbo.rpc.service.GenericException}
     * with the fields Dubbo reads, in Hessian's object form (or map form for Hessian 1 streams).
     */
    private static final class GenericExceptionSerializer extends NamedObjectWriter {
        static final GenericExceptionSerializer INSTANCE = new GenericExceptionSerializer();

        GenericExceptionSerializer() {
            super(DUBBO_GENERIC_EXCEPTION, new String[] {"detailMessage", "exceptionClass", "exceptionMessage"});
        }

        @Override
        void writeField(String field, Object value, AbstractHessianOutput out) throws IOException {
            GenericException e = (GenericException) value;
            out.writeString(switch (field) {
                case "detailMessage" -> e.getMessage();
                case "exceptionClass" -> e.exceptionClass();
                default -> e.exceptionMessage();
            });
        }
    }

    /**
     * Refuses an allowed name that names no class, in the words of any refusal. Hessian would
     * read such a value as a map and remember the name, and names under an allowed package are
     * the peer's to invent: each one would be kept for good.
     */
    private void requireLoadable(String type) {
        if (loadable.contains(type)) {
            return;
        }
        try {
            Class.forName(type, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw ClassPolicy.refused(type);
        }
        if (loadable.size() < ClassPolicy.MAX_REMEMBERED) {
            loadable.add(type);
        }
    }

    @Override
    public Class<?> loadSerializedClass(String className) throws ClassNotFoundException {
        policy.check(className);
        return Class.forName(className, false, loader);
    }
}
