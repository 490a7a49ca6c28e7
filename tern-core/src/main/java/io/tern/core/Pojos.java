package io.tern.core;

import static java.util.Objects.requireNonNull;

import io.tern.ClassPolicy;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Converts between typed objects and their generic form — the form generic calls carry: a POJO
 * becomes a map of its fields plus a {@code "class"} entry, collections become lists and sets of
 * generic forms, enums their names; values (numbers, strings, booleans, dates, {@code java.time}
 * types) stay as they are.
 *
 * <p>{@link #realize} goes the other way, guided by the declared type: a map becomes the declared
 * POJO type, or the type its {@code "class"} entry names when that is a subtype of the declared
 * type (never an unrelated class) and the class policy allows it: the name is checked before
 * anything loads it. Per-class field lists are computed once.
 */
public final class Pojos {

    /** The map key naming a POJO's class. */
    public static final String CLASS_KEY = "class";

    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    int mod = f.getModifiers();
                    if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()) {
                        continue;
                    }
                    f.setAccessible(true);
                    fields.add(f);
                }
            }
            return List.copyOf(fields);
        }
    };

    private Pojos() {
    }

    /** Returns the generic form of a value. Cycles are kept: a map that contains itself. */
    public static @Nullable Object generalize(@Nullable Object value) {
        return generalize(value, new IdentityHashMap<>());
    }

    private static @Nullable Object generalize(@Nullable Object value, IdentityHashMap<Object, Object> seen) {
        if (value == null || isValue(value.getClass())) {
            return value;
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof Class<?> c) {
            return c.getName();
        }
        Object done = seen.get(value);
        if (done != null) {
            return done;
        }
        Class<?> type = value.getClass();
        if (type.isArray()) {
            if (type.getComponentType().isPrimitive()) {
                return value;
            }
            int n = Array.getLength(value);
            Object[] out = new Object[n];
            seen.put(value, out);
            for (int i = 0; i < n; i++) {
                out[i] = generalize(Array.get(value, i), seen);
            }
            return out;
        }
        if (value instanceof Collection<?> collection) {
            Collection<Object> out = value instanceof Set<?> ? new LinkedHashSet<>() : new ArrayList<>(collection.size());
            seen.put(value, out);
            for (Object element : collection) {
                out.add(generalize(element, seen));
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            seen.put(value, out);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(generalize(e.getKey(), seen), generalize(e.getValue(), seen));
            }
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        seen.put(value, out);
        out.put(CLASS_KEY, type.getName());
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                try {
                    component.getAccessor().setAccessible(true);
                    out.put(component.getName(), generalize(component.getAccessor().invoke(value), seen));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalArgumentException("record " + type.getName() + "." + component.getName()
                            + ": not readable (expected: an accessible record)", e);
                }
            }
            return out;
        }
        for (Field f : FIELDS.get(type)) {
            try {
                out.put(f.getName(), generalize(f.get(value), seen));
            } catch (IllegalAccessException e) {
                throw new IllegalArgumentException("field " + type.getName() + "." + f.getName()
                        + ": not readable", e);
            }
        }
        return out;
    }

    /** Whether values of this class travel as themselves in generic form. */
    static boolean isValue(Class<?> type) {
        return type.isPrimitive() || type == String.class || type == Boolean.class || type == Character.class
                || Number.class.isAssignableFrom(type) || Date.class.isAssignableFrom(type)
                || Temporal.class.isAssignableFrom(type) || type == Duration.class || type == UUID.class
                || type == Object.class;
    }

    /**
     * Converts a generic form to the declared type. The declared type is trusted; a class a
     * {@code "class"} entry names is checked against the policy before it is loaded.
     *
     * @throws IllegalArgumentException naming the value's type and the type expected
     * @throws io.tern.RpcException {@link io.tern.RpcStatus#FORBIDDEN} when a {@code "class"} entry names
     *     a class the policy refuses, with the policy's words
     */
    public static @Nullable Object realize(@Nullable Object value, Type declared, ClassPolicy policy) {
        requireNonNull(declared, "declared");
        requireNonNull(policy, "policy");
        Class<?> raw = rawType(declared);
        if (value == null) {
            if (raw.isPrimitive()) {
                throw new IllegalArgumentException("null (expected: a non-null " + raw.getName() + ")");
            }
            return null;
        }
        Class<?> target = raw.isPrimitive() ? boxed(raw) : raw;
        if (target == Object.class) {
            return value;
        }
        if (value instanceof Map<?, ?> map && !Map.class.isAssignableFrom(target)) {
            return realizePojo(map, declared, target, policy);
        }
        if (target.isArray()) {
            return realizeArray(value, target.getComponentType(), componentType(declared), policy);
        }
        if (Collection.class.isAssignableFrom(target)) {
            return realizeCollection(value, target, typeArgument(declared, 0), policy);
        }
        if (Map.class.isAssignableFrom(target)) {
            if (!(value instanceof Map<?, ?> map)) {
                throw mismatch(value, declared);
            }
            Map<Object, Object> out = target.isAssignableFrom(LinkedHashMap.class) ? new LinkedHashMap<>()
                    : SortedMap.class.isAssignableFrom(target) && target.isAssignableFrom(TreeMap.class)
                    ? new TreeMap<>() : newInstance(target);
            Type keyType = typeArgument(declared, 0);
            Type valueType = typeArgument(declared, 1);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put(realize(e.getKey(), keyType, policy), realize(e.getValue(), valueType, policy));
            }
            return out;
        }
        if (target.isInstance(value)) {
            return value;
        }
        if (target.isEnum()) {
            if (value instanceof String name) {
                return enumConstant(target, name);
            }
            throw mismatch(value, declared);
        }
        Object converted = convertValue(value, target);
        if (converted == null) {
            throw mismatch(value, declared);
        }
        return converted;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String name) {
        try {
            return Enum.valueOf((Class) type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "' (expected: a constant of " + type.getName() + ")", e);
        }
    }

    /**
     * A whole number within {@code [min, max]}, exactly: a fraction, an infinity or a value out of
     * range is refused rather than truncated. Compares without expanding the number, so a peer's
     * {@code 1e999999} costs nothing.
     */
    private static long integral(Number n, long min, long max, String expected) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            long v = n.longValue();
            if (v >= min && v <= max) {
                return v;
            }
        } else if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && d >= min && d <= max && !Double.isInfinite(d)) {
                return (long) d;
            }
        } else {
            BigDecimal d = n instanceof BigDecimal bd ? bd : n instanceof BigInteger bi ? new BigDecimal(bi)
                    : null;
            // A whole number in range has at most 19 digits before the point; a peer's zeros after it are capped.
            if (d != null && d.precision() <= 64 && d.compareTo(BigDecimal.valueOf(min)) >= 0
                    && d.compareTo(BigDecimal.valueOf(max)) <= 0 && d.stripTrailingZeros().scale() <= 0) {
                return d.longValueExact();
            }
        }
        throw new IllegalArgumentException(abbreviate(n) + " (expected: " + expected + ")");
    }

    /** The number as a double or float, refused when it only becomes infinite by the conversion. */
    private static double finite(Number n, double converted, String expected) {
        boolean infiniteAlready = n instanceof Double d && d.isInfinite() || n instanceof Float f && f.isInfinite();
        if (Double.isInfinite(converted) && !infiniteAlready) {
            throw new IllegalArgumentException(abbreviate(n) + " (expected: " + expected + ")");
        }
        return converted;
    }

    private static String abbreviate(Number n) {
        String text = n.toString();
        return text.length() <= 40 ? text : text.substring(0, 20) + "..." + text.substring(text.length() - 10)
                + " (" + text.length() + " characters)";
    }

    private static @Nullable Object convertValue(Object value, Class<?> target) {
        if (value instanceof Number n) {
            if (target == Integer.class) {
                return (int) integral(n, Integer.MIN_VALUE, Integer.MAX_VALUE, "an int");
            } else if (target == Long.class) {
                return integral(n, Long.MIN_VALUE, Long.MAX_VALUE, "a long");
            } else if (target == Double.class) {
                return finite(n, n.doubleValue(), "a double");
            } else if (target == Float.class) {
                return (float) finite(n, n.floatValue(), "a float");
            } else if (target == Short.class) {
                return (short) integral(n, Short.MIN_VALUE, Short.MAX_VALUE, "a short");
            } else if (target == Byte.class) {
                return (byte) integral(n, Byte.MIN_VALUE, Byte.MAX_VALUE, "a byte");
            } else if (target == BigDecimal.class) {
                return n instanceof BigInteger bi ? new BigDecimal(bi) : new BigDecimal(n.toString());
            } else if (target == BigInteger.class) {
                return n instanceof BigDecimal bd ? bd.toBigIntegerExact() : BigInteger.valueOf(n.longValue());
            } else if (target == Date.class) {
                return new Date(n.longValue());
            } else if (target == String.class) {
                return n.toString();
            }
            return null;
        }
        if (value instanceof String s) {
            try {
                if (target == Character.class && s.length() == 1) {
                    return s.charAt(0);
                } else if (target == Integer.class) {
                    return Integer.valueOf(s);
                } else if (target == Long.class) {
                    return Long.valueOf(s);
                } else if (target == Double.class) {
                    return Double.valueOf(s);
                } else if (target == Float.class) {
                    return Float.valueOf(s);
                } else if (target == Short.class) {
                    return Short.valueOf(s);
                } else if (target == Byte.class) {
                    return Byte.valueOf(s);
                } else if (target == Boolean.class && ("true".equals(s) || "false".equals(s))) {
                    return Boolean.valueOf(s);
                } else if (target == BigDecimal.class) {
                    return new BigDecimal(s);
                } else if (target == BigInteger.class) {
                    return new BigInteger(s);
                } else if (target == LocalDate.class) {
                    return LocalDate.parse(s);
                } else if (target == LocalDateTime.class) {
                    return LocalDateTime.parse(s);
                } else if (target == LocalTime.class) {
                    return LocalTime.parse(s);
                } else if (target == Instant.class) {
                    return Instant.parse(s);
                } else if (target == OffsetDateTime.class) {
                    return OffsetDateTime.parse(s);
                } else if (target == ZonedDateTime.class) {
                    return ZonedDateTime.parse(s);
                } else if (target == Duration.class) {
                    return Duration.parse(s);
                } else if (target == UUID.class) {
                    return UUID.fromString(s);
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + s + "' (expected: a " + target.getName() + ")", e);
            }
            return null;
        }
        if (value instanceof Character c && target == String.class) {
            return c.toString();
        }
        return null;
    }

    private static Object realizeArray(Object value, Class<?> componentClass, Type componentType,
            ClassPolicy policy) {
        if (value.getClass().isArray()) {
            int n = Array.getLength(value);
            if (componentClass.arrayType().isInstance(value)) {
                return value;
            }
            Object out = Array.newInstance(componentClass, n);
            for (int i = 0; i < n; i++) {
                Array.set(out, i, realize(Array.get(value, i), componentType, policy));
            }
            return out;
        }
        if (value instanceof Collection<?> collection) {
            Object out = Array.newInstance(componentClass, collection.size());
            int i = 0;
            for (Object element : collection) {
                Array.set(out, i++, realize(element, componentType, policy));
            }
            return out;
        }
        throw mismatch(value, componentClass.arrayType());
    }

    private static Collection<Object> realizeCollection(Object value, Class<?> target, Type elementType,
            ClassPolicy policy) {
        Collection<Object> out;
        if (target.isAssignableFrom(ArrayList.class)) {
            out = new ArrayList<>();
        } else if (target.isAssignableFrom(LinkedHashSet.class)) {
            out = new LinkedHashSet<>();
        } else if (SortedSet.class.isAssignableFrom(target) && target.isAssignableFrom(TreeSet.class)) {
            out = new TreeSet<>();
        } else {
            out = newInstance(target);
        }
        if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                out.add(realize(element, elementType, policy));
            }
        } else if (value.getClass().isArray()) {
            for (int i = 0, n = Array.getLength(value); i < n; i++) {
                out.add(realize(Array.get(value, i), elementType, policy));
            }
        } else {
            throw mismatch(value, target);
        }
        return out;
    }

    private static Object realizePojo(Map<?, ?> map, Type declared, Class<?> declaredClass, ClassPolicy policy) {
        Class<?> type = declaredClass;
        Object className = map.get(CLASS_KEY);
        if (className instanceof String name && !name.equals(declaredClass.getName())) {
            policy.check(name);
            Class<?> named;
            try {
                ClassLoader loader = declaredClass.getClassLoader() != null ? declaredClass.getClassLoader()
                        : Thread.currentThread().getContextClassLoader();
                named = Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // The same words as for a class that exists but does not fit: a peer learns nothing.
                throw new IllegalArgumentException("class: '" + name + "' (expected: " + declaredClass.getName()
                        + " or a subtype)", e);
            }
            if (!declaredClass.isAssignableFrom(named)) {
                throw new IllegalArgumentException("class: '" + name + "' (expected: " + declaredClass.getName()
                        + " or a subtype)");
            }
            type = named;
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers()) || isValue(type) || type.isEnum()) {
            throw new IllegalArgumentException("a map (expected: " + declared.getTypeName()
                    + (type.isInterface() || Modifier.isAbstract(type.getModifiers())
                    ? ", with a \"class\" entry naming a concrete subtype)" : ")"));
        }
        if (type.isRecord()) {
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Object[] args = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                args[i] = realizeMember(type, components[i].getName(), map.get(components[i].getName()),
                        components[i].getGenericType(), true, policy);
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                return constructor.newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("record " + type.getName() + ": cannot be constructed", e);
            }
        }
        Object pojo = newInstance(type);
        for (Field f : FIELDS.get(type)) {
            if (map.containsKey(f.getName())) {
                Object fieldValue = realizeMember(type, f.getName(), map.get(f.getName()), f.getGenericType(), false,
                        policy);
                try {
                    f.set(pojo, fieldValue);
                } catch (IllegalAccessException e) {
                    throw new IllegalArgumentException("field " + type.getName() + "." + f.getName()
                            + ": not writable", e);
                }
            }
        }
        return pojo;
    }

    private static @Nullable Object realizeMember(Class<?> owner, String name, @Nullable Object value, Type type,
            boolean defaultPrimitives, ClassPolicy policy) {
        if (value == null && defaultPrimitives && type instanceof Class<?> c && c.isPrimitive()) {
            return Array.get(Array.newInstance(c, 1), 0);
        }
        try {
            return realize(value, type, policy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(owner.getName() + "." + name + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> V newInstance(Class<?> type) {
        try {
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return (V) constructor.newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getName() + ": no constructor without parameters "
                    + "(expected: a class with one, or a record)", e);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException(type.getName() + ": cannot be instantiated", e);
        }
    }

    private static IllegalArgumentException mismatch(Object value, Type declared) {
        // Never toString() the value: it came from the network.
        return new IllegalArgumentException("a " + value.getClass().getName() + " (expected: "
                + declared.getTypeName() + ")");
    }

    private static Class<?> rawType(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return rawType(p.getRawType());
        }
        if (type instanceof GenericArrayType g) {
            return rawType(g.getGenericComponentType()).arrayType();
        }
        if (type instanceof WildcardType w) {
            return rawType(w.getUpperBounds()[0]);
        }
        return Object.class;
    }

    private static Type componentType(Type arrayType) {
        if (arrayType instanceof GenericArrayType g) {
            return g.getGenericComponentType();
        }
        Class<?> c = rawType(arrayType);
        return c.isArray() ? c.getComponentType() : Object.class;
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            return p.getActualTypeArguments()[index];
        }
        return Object.class;
    }

    private static Class<?> boxed(Class<?> primitive) {
        return Array.get(Array.newInstance(primitive, 1), 0).getClass();
    }
}
