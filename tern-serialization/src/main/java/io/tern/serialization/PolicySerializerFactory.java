package io.tern.serialization;

import com.alibaba.com.caucho.hessian.io.Deserializer;
import com.alibaba.com.caucho.hessian.io.HessianProtocolException;
import com.alibaba.com.caucho.hessian.io.SerializerFactory;
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

    private final ClassPolicy policy;
    private final ClassLoader loader;

    PolicySerializerFactory(ClassPolicy policy, ClassLoader loader) {
        super(loader);
        this.policy = policy;
        this.loader = loader;
    }

    @Override
    public Deserializer getDeserializer(@Nullable String type) throws HessianProtocolException {
        if (type != null && !type.isEmpty() && type.charAt(0) != '[' && !BUILT_IN.contains(type)) {
            policy.check(type);
        }
        return super.getDeserializer(type);
    }

    @Override
    public Class<?> loadSerializedClass(String className) throws ClassNotFoundException {
        policy.check(className);
        return Class.forName(className, false, loader);
    }
}
