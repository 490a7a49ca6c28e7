package io.tern.serialization;

import com.alibaba.com.caucho.hessian.io.AbstractHessianInput;
import com.alibaba.com.caucho.hessian.io.AbstractMapDeserializer;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code java.lang.Class} values — an object or map with a {@code name} — asking the
 * {@link ClassPolicy} before the named class is loaded, and loading it without initialising it.
 * Hessian's own reader loads any class named: through a Hessian handle's {@code Class} field (a
 * {@code CalendarHandle} or {@code EnumSetHandler}), whose {@code readResolve} then constructs
 * it, a peer could make a server construct any class with a public no-argument constructor.
 */
final class PolicyClassDeserializer extends AbstractMapDeserializer {

    private static final Map<String, Class<?>> PRIMITIVES = Map.of("void", void.class, "boolean", boolean.class,
            "byte", byte.class, "char", char.class, "short", short.class, "int", int.class, "long", long.class,
            "float", float.class, "double", double.class);

    private final ClassPolicy policy;
    private final ClassLoader loader;

    PolicyClassDeserializer(ClassPolicy policy, ClassLoader loader) {
        this.policy = policy;
        this.loader = loader;
    }

    @Override
    public Class<?> getType() {
        return Class.class;
    }

    @Override
    public Object readMap(AbstractHessianInput in) throws IOException {
        int ref = in.addRef(null);
        String name = null;
        while (!in.isEnd()) {
            String key = in.readString();
            if ("name".equals(key)) {
                name = in.readString();
            } else {
                in.readObject();
            }
        }
        in.readMapEnd();
        Object value = load(name);
        in.setRef(ref, value);
        return value;
    }

    @Override
    public Object readObject(AbstractHessianInput in, Object[] fields) throws IOException {
        int ref = in.addRef(null);
        String name = null;
        for (Object field : fields) {
            if ("name".equals(field)) {
                name = in.readString();
            } else {
                in.readObject();
            }
        }
        Object value = load(name);
        in.setRef(ref, value);
        return value;
    }

    @Override
    public Object readObject(AbstractHessianInput in, String[] fields) throws IOException {
        return readObject(in, (Object[]) fields);
    }

    private Class<?> load(@Nullable String name) throws IOException {
        if (name == null) {
            throw new IOException("a java.lang.Class value names no class (expected: a name field)");
        }
        Class<?> primitive = PRIMITIVES.get(name);
        if (primitive != null) {
            return primitive;
        }
        // An array class is checked by its element class; an array of primitives ("[I") needs no check.
        String element = name;
        while (element.startsWith("[")) {
            element = element.substring(1);
        }
        boolean primitiveArray = element.length() == 1 && element.length() < name.length();
        if (element.startsWith("L") && element.endsWith(";")) {
            element = element.substring(1, element.length() - 1);
        }
        if (!primitiveArray) {
            policy.check(element);
        }
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IOException("class: " + name + " not found", e);
        }
    }
}
