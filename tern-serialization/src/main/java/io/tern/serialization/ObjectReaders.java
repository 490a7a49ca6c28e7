package io.tern.serialization;

import io.tern.ClassPolicy;
import io.tern.GenericException;
import io.tern.RpcException;
import io.tern.RpcStatus;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Calendar;
import java.util.Collection;
import java.util.Currency;
import java.util.Date;
import java.util.EnumSet;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The readers of Hessian objects, by the class name a stream gives. Hessian-lite's value handles
 * and the JDK value types are read by readers of their own, which never load the class the peer
 * named; any other name is checked against the {@link ClassPolicy} before its class is loaded
 * (without initialising it), and a name that is allowed but names no class is refused in the same
 * words as one that is not allowed, so a refusal never tells whether a class exists.
 *
 * <p>Classes of the application are read field by field through method handles made once per
 * class; records through their canonical constructor; enums by name; throwables through their
 * public API ({@code initCause}, {@code setStackTrace}, {@code addSuppressed}) with their own
 * fields set like any other class's. Thread-safe; one per serialization.
 */
final class ObjectReaders {

    /** Digits a {@code BigDecimal} or {@code BigInteger} may have, and the largest scale a decimal may have. */
    static final int MAX_NUMBER_DIGITS = 4096;
    static final int MAX_DECIMAL_SCALE = 10_000;

    private static final String HESSIAN = "com.alibaba.com.caucho.hessian.io.";
    private static final String JAVA8 = HESSIAN + "java8.";
    private static final Map<String, ObjectReader> FIXED = new HashMap<>();
    private static final Map<String, Class<?>> PRIMITIVES = Map.of("void", void.class, "boolean", boolean.class,
            "byte", byte.class, "char", char.class, "short", short.class, "int", int.class, "long", long.class,
            "float", float.class, "double", double.class);
    /** Hessian's names for the element types of arrays of them. */
    private static final Map<String, Class<?>> ARRAY_ELEMENTS = Map.of("boolean", boolean.class, "byte",
            byte.class, "char", char.class, "short", short.class, "int", int.class, "long", long.class, "float",
            float.class, "double", double.class, "string", String.class, "object", Object.class);
    /** The names Apache Dubbo gives the exception of a generic call, read as Tern's {@link GenericException}. */
    private static final Set<String> DUBBO_GENERIC_EXCEPTIONS = Set.of(
            "com.alibaba.dubbo.rpc.service.GenericException", "org.apache.dubbo.rpc.service.GenericException");

    private final ClassPolicy policy;
    private final ClassLoader loader;
    private final Map<String, ObjectReader> byName = new ConcurrentHashMap<>();
    private final Map<String, Containers.Custom> collections = new ConcurrentHashMap<>();
    private final Map<String, Containers.CustomMap> maps = new ConcurrentHashMap<>();
    private final StringCache strings = new StringCache();

    ObjectReaders(ClassPolicy policy, ClassLoader loader) {
        this.policy = policy;
        this.loader = loader;
    }

    /** The short strings the readers of this serialization share. */
    StringCache strings() {
        return strings;
    }

    /** The reader of objects a class definition of this name describes. */
    ObjectReader forName(String name) {
        ObjectReader reader = FIXED.get(name);
        if (reader == null) {
            reader = byName.get(name);
        }
        if (reader != null) {
            return reader;
        }
        if (name.equals("java.lang.Class")) {
            reader = new ValueReader(name, v -> classValue((String) v[0]), "name", String.class);
        } else if (DUBBO_GENERIC_EXCEPTIONS.contains(name)) {
            reader = new ThrowableReader(GenericException.class);
        } else {
            reader = create(load(name));
        }
        remember(byName, name, reader);
        return reader;
    }

    private static <V> void remember(Map<String, V> cache, String name, V value) {
        if (cache.size() < ClassPolicy.MAX_REMEMBERED) {
            cache.putIfAbsent(name, value); // bounded: only names of loadable allowed classes get here
        }
    }

    /** Whether a typed map of this type name is an object in Hessian's map form, rather than a map. */
    boolean namesObject(String type) {
        if (Containers.isStandardMap(type)) {
            return false;
        }
        return FIXED.containsKey(type) || type.equals("java.lang.Class") || DUBBO_GENERIC_EXCEPTIONS.contains(type)
                || !Map.class.isAssignableFrom(load(type));
    }

    /** Loads an allowed class without initialising it; refuses a name the policy refuses or that names no class. */
    Class<?> load(String name) {
        Class<?> named = policy.wireClass(name);
        if (named != null) {
            return named; // a record of ours under a peer's class name
        }
        policy.check(name);
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw ClassPolicy.refusal(name);
        }
    }

    private ObjectReader create(Class<?> type) {
        if (type.isEnum() || type.getSuperclass() != null && type.getSuperclass().isEnum()) {
            return new EnumReader(type.isEnum() ? type : type.getSuperclass());
        }
        if (Throwable.class.isAssignableFrom(type)) {
            return new ThrowableReader(type);
        }
        if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type) || type.isArray()
                || type.isInterface() || Modifier.isAbstract(type.getModifiers()) || isJdk(type)) {
            throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: an object of class " + type.getName()
                    + " (expected: a class of the application's, a record, an enum, a throwable or a value type"
                    + " Tern reads)");
        }
        if (type.isRecord()) {
            return new RecordReader(type);
        }
        return new BeanReader(type);
    }

    private static boolean isJdk(Class<?> type) {
        String name = type.getName();
        return name.startsWith("java.") || name.startsWith("javax.");
    }

    /** The array class a list type name ({@code [int}, {@code [string}, {@code [com.example.User}) names. */
    Class<?> arrayClass(String type) {
        int dims = 0;
        while (dims < type.length() && type.charAt(dims) == '[') {
            dims++;
        }
        if (dims > 255) {
            throw Hessian2Reader.limit("an array type of " + dims + " dimensions (expected: at most 255)");
        }
        String element = type.substring(dims);
        Class<?> component = ARRAY_ELEMENTS.get(element);
        if (component == null) {
            component = element.equals("date") ? Date.class : load(element);
        }
        Class<?> array = component;
        for (int i = 0; i < dims; i++) {
            array = array.arrayType();
        }
        return array;
    }

    /** A {@code Class} value: the class it names, checked as any class is (an array by its element class). */
    Class<?> classValue(@Nullable String name) {
        if (name == null) {
            throw Hessian2Reader.malformed("a java.lang.Class that names no class");
        }
        Class<?> primitive = PRIMITIVES.get(name);
        if (primitive != null) {
            return primitive;
        }
        String element = name;
        int dims = 0;
        while (dims < element.length() && element.charAt(dims) == '[') {
            dims++;
        }
        element = element.substring(dims);
        if (dims > 0 && element.length() == 1) {
            try {
                return Class.forName(name, false, loader); // an array of primitives ("[I")
            } catch (ClassNotFoundException e) {
                throw ClassPolicy.refusal(name);
            }
        }
        if (dims > 0 && element.startsWith("L") && element.endsWith(";")) {
            element = element.substring(1, element.length() - 1);
        }
        load(element);
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw ClassPolicy.refusal(name);
        }
    }

    /** The collection an allowed collection class of the application's names. */
    Containers.Custom customCollection(String name) {
        Containers.Custom kind = collections.get(name);
        if (kind == null) {
            Class<?> type = load(name);
            kind = new Containers.Custom(type, publicConstructor(type, Collection.class, "list"),
                    Set.class.isAssignableFrom(type));
            remember(collections, name, kind);
        }
        return kind;
    }

    /** The map an allowed map class of the application's names. */
    Containers.CustomMap customMap(String name) {
        Containers.CustomMap kind = maps.get(name);
        if (kind == null) {
            Class<?> type = load(name);
            kind = new Containers.CustomMap(type, publicConstructor(type, Map.class, "map"));
            remember(maps, name, kind);
        }
        return kind;
    }

    private static MethodHandle publicConstructor(Class<?> type, Class<?> kind, String what) {
        if (!kind.isAssignableFrom(type) || type.isInterface() || Modifier.isAbstract(type.getModifiers())
                || !Modifier.isPublic(type.getModifiers())) {
            throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: a " + what + " of type " + type.getName()
                    + " (expected: a public concrete " + kind.getName() + " class)");
        }
        try {
            return MethodHandles.publicLookup().findConstructor(type, MethodType.methodType(void.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: a " + what + " of type " + type.getName()
                    + " (expected: a class with a public no-argument constructor)");
        }
    }

    // ---- instantiation ----

    /** {@code sun.reflect.ReflectionFactory}, found once, for classes without a usable constructor. */
    private static final @Nullable Object REFLECTION_FACTORY;
    private static final @Nullable Method NEW_FOR_SERIALIZATION;

    static {
        Object factory = null;
        Method method = null;
        try {
            Class<?> type = Class.forName("sun.reflect.ReflectionFactory");
            factory = type.getMethod("getReflectionFactory").invoke(null);
            method = type.getMethod("newConstructorForSerialization", Class.class, Constructor.class);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            factory = null;
            method = null;
        }
        REFLECTION_FACTORY = factory;
        NEW_FOR_SERIALIZATION = method;
    }

    /**
     * A constructor that makes an instance of {@code type} by running only {@code ancestor}, a
     * constructor of a superclass — as Java serialization makes objects — or {@code null} where
     * the JDK offers none.
     */
    private static @Nullable Constructor<?> serializationConstructor(Class<?> type, Constructor<?> ancestor) {
        if (NEW_FOR_SERIALIZATION == null) {
            return null;
        }
        try {
            return (Constructor<?>) NEW_FOR_SERIALIZATION.invoke(REFLECTION_FACTORY, type, ancestor);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Makes a new instance of a class of the application's: its no-argument constructor, else none of its own. */
    private static Function<Object[], Object> instantiator(Class<?> type) {
        try {
            Constructor<?> own = type.getDeclaredConstructor();
            own.setAccessible(true);
            MethodHandle handle = MethodHandles.lookup().unreflectConstructor(own)
                    .asType(MethodType.methodType(Object.class));
            return args -> invoke(handle, type);
        } catch (NoSuchMethodException | IllegalAccessException | RuntimeException e) {
            // no no-argument constructor to run, or none we may run: make it as serialization does
        }
        Constructor<?> made;
        try {
            made = serializationConstructor(type, Object.class.getDeclaredConstructor());
        } catch (NoSuchMethodException e) {
            made = null;
        }
        if (made == null) {
            throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: class " + type.getName()
                    + " cannot be made (expected: a class with a no-argument constructor)");
        }
        Constructor<?> constructor = made;
        return args -> newInstance(constructor, type, args);
    }

    private static Object invoke(MethodHandle handle, Class<?> type) {
        try {
            return handle.invokeExact();
        } catch (RuntimeException e) {
            throw cannotMake(type, e);
        } catch (Throwable e) {
            throw cannotMake(type, e);
        }
    }

    private static Object newInstance(Constructor<?> constructor, Class<?> type, Object... args) {
        try {
            return constructor.newInstance(args);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw cannotMake(type, e);
        }
    }

    private static RpcException cannotMake(Class<?> type, Throwable e) {
        Throwable cause = e.getCause() != null && !(e instanceof RuntimeException) ? e.getCause() : e;
        return new RpcException(RpcStatus.SERIALIZATION, "hessian2: class " + type.getName()
                + " cannot be made: " + cause.getClass().getSimpleName(), e);
    }

    /** A field to set, through a handle made once, and the type its value is read as. */
    record FieldSlot(String name, Class<?> type, MethodHandle setter, @Nullable MethodHandle primitiveSetter) {
        FieldSlot(String name, Class<?> type, MethodHandle setter) {
            this(name, type, setter, null);
        }

        /** Reads this field's value from {@code in} into {@code target}; a primitive is never boxed. */
        void read(Hessian2Reader in, Object target) {
            MethodHandle primitive = primitiveSetter;
            if (primitive == null) {
                set(target, in.read(type));
                return;
            }
            try {
                if (type == int.class) {
                    primitive.invokeExact(target, (int) in.integral(int.class, Integer.MIN_VALUE, Integer.MAX_VALUE));
                } else if (type == long.class) {
                    primitive.invokeExact(target, in.integral(long.class, Long.MIN_VALUE, Long.MAX_VALUE));
                } else if (type == double.class) {
                    primitive.invokeExact(target, in.floating());
                } else {
                    primitive.invokeExact(target, in.bool());
                }
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        void set(Object target, @Nullable Object value) {
            try {
                setter.invokeExact(target, value);
            } catch (RuntimeException e) {
                throw Conversions.mismatch(value == null ? "null" : value, type);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The fields of {@code type} and its superclasses that Hessian carries (neither static nor
     * transient), below {@code stop}, by name; a subclass's field hides a superclass's of the same
     * name. Fields of JDK classes are left out: their values are read and dropped.
     */
    private static Map<String, FieldSlot> fields(Class<?> type, Class<?> stop) {
        Map<String, FieldSlot> fields = new LinkedHashMap<>();
        for (Class<?> c = type; c != null && c != stop && c != Object.class && !isJdk(c); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                int mod = field.getModifiers();
                if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || fields.containsKey(field.getName())) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    MethodHandle raw = MethodHandles.lookup().unreflectSetter(field);
                    MethodHandle setter = raw.asType(MethodType.methodType(void.class, Object.class, Object.class));
                    Class<?> t = field.getType();
                    MethodHandle primitive = t == int.class || t == long.class || t == double.class || t == boolean.class
                            ? raw.asType(MethodType.methodType(void.class, Object.class, t)) : null;
                    fields.put(field.getName(), new FieldSlot(field.getName(), t, setter, primitive));
                } catch (IllegalAccessException | RuntimeException e) {
                    // a field we may not set (its module does not open it): its value is dropped
                }
            }
        }
        return fields;
    }

    // ---- readers ----

    private static final Object[] NO_ARGUMENTS = {};

    /** A class of the application's: made, given its reference slot, then filled field by field. */
    static final class BeanReader extends ObjectReader {
        private final Function<Object[], Object> instantiator;
        private final Map<String, FieldSlot> fields;

        BeanReader(Class<?> type) {
            this.instantiator = instantiator(type);
            this.fields = fields(type, Object.class);
        }

        @Override
        Object makePlan(String[] names) {
            FieldSlot[] plan = new FieldSlot[names.length];
            for (int i = 0; i < names.length; i++) {
                plan[i] = fields.get(names[i]);
            }
            return plan;
        }

        @Override
        Object read(Hessian2Reader in, Hessian2Reader.ClassDef def) {
            Object target = instantiator.apply(NO_ARGUMENTS);
            in.reserve(target);
            for (FieldSlot slot : (FieldSlot[]) def.plan()) {
                if (slot == null) {
                    in.read(Object.class);
                } else {
                    slot.read(in, target);
                }
            }
            return target;
        }

        @Override
        Object fromFields(String[] names, @Nullable Object[] values) {
            Object target = instantiator.apply(NO_ARGUMENTS);
            for (int i = 0; i < names.length; i++) {
                FieldSlot slot = fields.get(names[i]);
                if (slot != null) {
                    slot.set(target, Conversions.convert(values[i], slot.type()));
                }
            }
            return target;
        }
    }

    /**
     * A value made from all of its fields at once (a record, a handle, a JDK value): its slot is
     * held by a placeholder until it is made, so nothing inside it can refer back to it.
     */
    static class ValueReader extends ObjectReader {
        private final String type;
        private final Function<Object[], @Nullable Object> build;
        private final String[] names;
        private final Class<?>[] types;

        /** {@code fields}: each field's name then the type its value is read as. */
        ValueReader(String type, Function<Object[], @Nullable Object> build, Object... fields) {
            this.type = type;
            this.build = build;
            this.names = new String[fields.length / 2];
            this.types = new Class<?>[fields.length / 2];
            for (int i = 0; i < names.length; i++) {
                names[i] = (String) fields[2 * i];
                types[i] = (Class<?>) fields[2 * i + 1];
            }
        }

        @Override
        Object makePlan(String[] fields) {
            int[] plan = new int[fields.length];
            for (int i = 0; i < fields.length; i++) {
                plan[i] = List.of(names).indexOf(fields[i]);
            }
            return plan;
        }

        @Override
        @Nullable Object read(Hessian2Reader in, Hessian2Reader.ClassDef def) {
            int slot = in.reserve(Hessian2Reader.Pending.UNFINISHED);
            Object[] values = new Object[names.length];
            for (int index : (int[]) def.plan()) {
                Object value = in.read(index < 0 ? Object.class : types[index]);
                if (index >= 0) {
                    values[index] = value;
                }
            }
            Object value = build(values);
            in.fill(slot, value);
            return value;
        }

        private @Nullable Object build(@Nullable Object[] values) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null && types[i].isPrimitive()) {
                    values[i] = Conversions.defaultValue(types[i]);
                }
            }
            try {
                return build.apply(values);
            } catch (RpcException e) {
                throw e;
            } catch (RuntimeException e) {
                throw Hessian2Reader.malformed("a " + type + " that cannot be made: " + e.getClass().getSimpleName());
            }
        }

        @Override
        @Nullable Object fromFields(String[] fields, @Nullable Object[] read) {
            int[] plan = (int[]) makePlan(fields);
            Object[] values = new Object[names.length];
            for (int i = 0; i < plan.length; i++) {
                if (plan[i] >= 0) {
                    values[plan[i]] = Conversions.convert(read[i], types[plan[i]]);
                }
            }
            return build(values);
        }

        @Override
        public String toString() {
            return type;
        }
    }

    /** Makes a value from up to four ints. */
    interface FromInts {
        Object make(int a, int b, int c, int d);
    }

    /** A value of up to four int fields (a date, a time), read without boxing them or an array. */
    static final class IntsReader extends ObjectReader {
        private final String type;
        private final FromInts build;
        private final List<String> names;

        IntsReader(String type, FromInts build, String... names) {
            this.type = type;
            this.build = build;
            this.names = List.of(names);
        }

        @Override
        Object makePlan(String[] fields) {
            int[] plan = new int[fields.length];
            for (int i = 0; i < fields.length; i++) {
                plan[i] = names.indexOf(fields[i]);
            }
            return plan;
        }

        @Override
        Object read(Hessian2Reader in, Hessian2Reader.ClassDef def) {
            int slot = in.reserve(Hessian2Reader.Pending.UNFINISHED);
            int a = 0;
            int b = 0;
            int c = 0;
            int d = 0;
            for (int index : (int[]) def.plan()) {
                if (index < 0) {
                    in.read(Object.class);
                    continue;
                }
                int v = (int) in.integral(int.class, Integer.MIN_VALUE, Integer.MAX_VALUE);
                switch (index) {
                    case 0 -> a = v;
                    case 1 -> b = v;
                    case 2 -> c = v;
                    default -> d = v;
                }
            }
            Object value;
            try {
                value = build.make(a, b, c, d);
            } catch (RuntimeException e) {
                throw Hessian2Reader.malformed("a " + type + " that cannot be made: " + e.getClass().getSimpleName());
            }
            in.fill(slot, value);
            return value;
        }

        @Override
        @Nullable Object fromFields(String[] fields, @Nullable Object[] read) {
            int[] values = new int[4];
            for (int i = 0; i < fields.length; i++) {
                int index = names.indexOf(fields[i]);
                if (index >= 0) {
                    values[index] = (Integer) Conversions.toPrimitive(read[i], int.class);
                }
            }
            try {
                return build.make(values[0], values[1], values[2], values[3]);
            } catch (RuntimeException e) {
                throw Hessian2Reader.malformed("a " + type + " that cannot be made: " + e.getClass().getSimpleName());
            }
        }
    }

    /** A record, through its canonical constructor. */
    static final class RecordReader extends ValueReader {
        RecordReader(Class<?> type) {
            super(type.getName(), canonical(type), components(type));
        }

        private static Object[] components(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Object[] fields = new Object[components.length * 2];
            for (int i = 0; i < components.length; i++) {
                fields[2 * i] = components[i].getName();
                fields[2 * i + 1] = components[i].getType();
            }
            return fields;
        }

        private static Function<Object[], @Nullable Object> canonical(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
            }
            MethodHandle handle;
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(types);
                constructor.setAccessible(true);
                handle = MethodHandles.lookup().unreflectConstructor(constructor)
                        .asSpreader(Object[].class, types.length)
                        .asType(MethodType.methodType(Object.class, Object[].class));
            } catch (NoSuchMethodException | IllegalAccessException | RuntimeException e) {
                throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: record " + type.getName()
                        + " cannot be made (its canonical constructor is not accessible)");
            }
            return values -> {
                try {
                    return handle.invokeExact(values);
                } catch (RuntimeException e) {
                    throw cannotMake(type, e);
                } catch (Throwable e) {
                    throw cannotMake(type, e);
                }
            };
        }
    }

    /** An enum constant, by its name. */
    static final class EnumReader extends ValueReader {
        EnumReader(Class<?> type) {
            super(type.getName(), values -> constant(type, (String) values[0]), "name", String.class);
        }

        @SuppressWarnings({"unchecked", "rawtypes"}) // an enum class, checked when this reader was made
        private static Object constant(Class<?> type, @Nullable String name) {
            if (name == null) {
                throw Hessian2Reader.malformed("a " + type.getName() + " without a name");
            }
            try {
                return Enum.valueOf((Class) type, name);
            } catch (IllegalArgumentException e) {
                throw Hessian2Reader.malformed("no constant of that name in enum " + type.getName());
            }
        }
    }

    /**
     * A throwable. It is made by running {@code Throwable(String)} alone (none of its own
     * constructors, which may demand arguments the stream does not carry), its cause, stack trace
     * and suppressed exceptions are given through {@code Throwable}'s public methods, and its own
     * fields are set like any class's. Its {@code cause} may refer to itself: that is how Hessian
     * writes a throwable without a cause.
     */
    static final class ThrowableReader extends ObjectReader {
        private static final FieldSlot MESSAGE = marker("detailMessage", String.class);
        private static final FieldSlot CAUSE = marker("cause", Throwable.class);
        private static final FieldSlot STACK = marker("stackTrace", StackTraceElement[].class);
        private static final FieldSlot SUPPRESSED = marker("suppressedExceptions", List.class);

        private final Class<?> type;
        private final Function<Object[], Object> make;
        private final Map<String, FieldSlot> fields;

        ThrowableReader(Class<?> type) {
            this.type = type;
            this.make = throwableMaker(type);
            this.fields = fields(type, Throwable.class);
        }

        private static FieldSlot marker(String name, Class<?> type) {
            return new FieldSlot(name, type, MethodHandles.empty(MethodType.methodType(void.class, Object.class,
                    Object.class)));
        }

        private static Function<Object[], Object> throwableMaker(Class<?> type) {
            Constructor<?> constructor = null;
            try {
                constructor = serializationConstructor(type, Throwable.class.getConstructor(String.class));
                if (constructor == null) {
                    constructor = type.getConstructor(String.class);
                }
            } catch (NoSuchMethodException e) {
                constructor = null;
            }
            if (constructor == null) {
                throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: throwable " + type.getName()
                        + " cannot be made (expected: a public constructor taking a message)");
            }
            Constructor<?> chosen = constructor;
            return args -> newInstance(chosen, type, args);
        }

        @Override
        Object makePlan(String[] names) {
            FieldSlot[] plan = new FieldSlot[names.length];
            for (int i = 0; i < names.length; i++) {
                plan[i] = switch (names[i]) {
                    case "detailMessage" -> MESSAGE;
                    case "cause" -> CAUSE;
                    case "stackTrace" -> STACK;
                    case "suppressedExceptions" -> SUPPRESSED;
                    default -> fields.get(names[i]);
                };
            }
            return plan;
        }

        @Override
        Object read(Hessian2Reader in, Hessian2Reader.ClassDef def) {
            Hessian2Reader.Pending self = new Hessian2Reader.Pending();
            int slot = in.reserve(self);
            FieldSlot[] plan = (FieldSlot[]) def.plan();
            Object[] values = new Object[plan.length];
            String message = null;
            Object cause = null;
            Object stack = null;
            Object suppressed = null;
            for (int i = 0; i < plan.length; i++) {
                FieldSlot field = plan[i];
                if (field == CAUSE) {
                    in.allowSelf(self);
                }
                Object value = in.read(field == null ? Object.class : field.type());
                if (field == MESSAGE) {
                    message = (String) value;
                } else if (field == CAUSE) {
                    cause = value;
                } else if (field == STACK) {
                    stack = value;
                } else if (field == SUPPRESSED) {
                    suppressed = value;
                } else {
                    values[i] = value;
                }
            }
            Throwable made = (Throwable) make.apply(new Object[] {message});
            if (cause instanceof Throwable c && c != made) {
                made.initCause(c);
            }
            List<StackTraceElement> frames = new ArrayList<>();
            if (stack instanceof StackTraceElement[] elements) {
                for (StackTraceElement element : elements) {
                    if (element != null) {
                        frames.add(element);
                    }
                }
            }
            made.setStackTrace(frames.toArray(StackTraceElement[]::new));
            if (suppressed instanceof List<?> list) {
                for (Object s : list) {
                    if (s instanceof Throwable t && t != made) {
                        made.addSuppressed(t);
                    }
                }
            }
            for (int i = 0; i < plan.length; i++) {
                FieldSlot field = plan[i];
                if (field != null && field != MESSAGE && field != CAUSE && field != STACK && field != SUPPRESSED) {
                    field.set(made, values[i]);
                }
            }
            in.fill(slot, made);
            return made;
        }

        @Override
        public String toString() {
            return "ThrowableReader[" + type.getName() + "]";
        }
    }

    // ---- the value types Tern reads by their own readers ----

    private static void fixed(String type, Function<Object[], @Nullable Object> build, Object... fields) {
        FIXED.put(type, new ValueReader(type, build, fields));
    }

    static {
        FIXED.put(JAVA8 + "LocalDateHandle", new IntsReader(JAVA8 + "LocalDateHandle",
                (a, b, c, d) -> LocalDate.of(a, b, c), "year", "month", "day"));
        FIXED.put(JAVA8 + "LocalTimeHandle", new IntsReader(JAVA8 + "LocalTimeHandle",
                LocalTime::of, "hour", "minute", "second", "nano"));
        fixed(JAVA8 + "LocalDateTimeHandle", v -> LocalDateTime.of((LocalDate) v[0], (LocalTime) v[1]),
                "date", LocalDate.class, "time", LocalTime.class);
        fixed(JAVA8 + "InstantHandle", v -> Instant.ofEpochSecond((Long) v[0], (Integer) v[1]),
                "seconds", long.class, "nanos", int.class);
        fixed(JAVA8 + "DurationHandle", v -> Duration.ofSeconds((Long) v[0], (Integer) v[1]),
                "seconds", long.class, "nanos", int.class);
        fixed(JAVA8 + "MonthDayHandle", v -> MonthDay.of((Integer) v[0], (Integer) v[1]),
                "month", int.class, "day", int.class);
        fixed(JAVA8 + "OffsetDateTimeHandle", v -> OffsetDateTime.of((LocalDateTime) v[0], (ZoneOffset) v[1]),
                "dateTime", LocalDateTime.class, "offset", ZoneOffset.class);
        fixed(JAVA8 + "OffsetTimeHandle", v -> OffsetTime.of((LocalTime) v[0], (ZoneOffset) v[1]),
                "localTime", LocalTime.class, "zoneOffset", ZoneOffset.class);
        fixed(JAVA8 + "PeriodHandle", v -> Period.of((Integer) v[0], (Integer) v[1], (Integer) v[2]),
                "years", int.class, "months", int.class, "days", int.class);
        fixed(JAVA8 + "YearHandle", v -> Year.of((Integer) v[0]), "year", int.class);
        fixed(JAVA8 + "YearMonthHandle", v -> YearMonth.of((Integer) v[0], (Integer) v[1]),
                "year", int.class, "month", int.class);
        fixed(JAVA8 + "ZoneIdHandle", v -> ZoneId.of((String) v[0]), "zoneId", String.class);
        fixed(JAVA8 + "ZoneOffsetHandle", v -> ZoneOffset.ofTotalSeconds((Integer) v[0]), "seconds", int.class);
        fixed(JAVA8 + "ZonedDateTimeHandle", v -> ZonedDateTime.ofLocal((LocalDateTime) v[0],
                ZoneId.of((String) v[2]), (ZoneOffset) v[1]),
                "dateTime", LocalDateTime.class, "offset", ZoneOffset.class, "zoneId", String.class);

        fixed("java.math.BigDecimal", v -> decimal((String) v[0]), "value", String.class);
        fixed("java.math.BigInteger", v -> integer((Integer) v[0], (int[]) v[1]), "signum", int.class,
                "mag", int[].class);
        fixed("java.util.UUID", v -> v[0] != null ? UUID.fromString((String) v[0]) : new UUID((Long) v[1],
                (Long) v[2]), "value", String.class, "mostSigBits", long.class, "leastSigBits", long.class);
        fixed("java.util.Currency", v -> Currency.getInstance((String) v[0]), "currencyCode", String.class);
        fixed("java.lang.StackTraceElement", v -> new StackTraceElement((String) v[0], (String) v[1],
                (String) v[2], v[3] == null ? "" : (String) v[3], v[4] == null ? "" : (String) v[4], (String) v[5],
                (Integer) v[6]), "classLoaderName", String.class, "moduleName", String.class,
                "moduleVersion", String.class, "declaringClass", String.class, "methodName", String.class,
                "fileName", String.class, "lineNumber", int.class);
        fixed("java.sql.Date", v -> new java.sql.Date(((Date) v[0]).getTime()), "value", Date.class);
        fixed("java.sql.Time", v -> new java.sql.Time(((Date) v[0]).getTime()), "value", Date.class);
        fixed("java.sql.Timestamp", v -> new java.sql.Timestamp(((Date) v[0]).getTime()), "value", Date.class);
        fixed(HESSIAN + "LocaleHandle", v -> locale((String) v[0]), "value", String.class);
        fixed(HESSIAN + "ByteHandle", v -> v[0], "_value", byte.class);
        fixed(HESSIAN + "ShortHandle", v -> v[0], "_value", short.class);
        fixed(HESSIAN + "FloatHandle", v -> v[0], "_value", float.class);
        fixed(HESSIAN + "BitSetHandle", v -> BitSet.valueOf(v[0] == null ? new long[0] : (long[]) v[0]),
                "words", long[].class);
        fixed(HESSIAN + "CalendarHandle", v -> calendar((Class<?>) v[0], (Date) v[1]), "type", Class.class,
                "date", Date.class);
        fixed(HESSIAN + "EnumSetHandler", v -> enumSet((Class<?>) v[0], (Object[]) v[1]), "type", Class.class,
                "objects", Object[].class);
    }

    static BigDecimal decimal(@Nullable String text) {
        if (text == null) {
            throw Hessian2Reader.malformed("a java.math.BigDecimal without a value");
        }
        if (text.length() > MAX_NUMBER_DIGITS + 16) {
            throw Hessian2Reader.limit("a java.math.BigDecimal of " + text.length() + " characters (expected: at most "
                    + MAX_NUMBER_DIGITS + " digits)");
        }
        BigDecimal value = new BigDecimal(text);
        if (Math.abs((long) value.scale()) > MAX_DECIMAL_SCALE) {
            throw Hessian2Reader.limit("a java.math.BigDecimal of scale " + value.scale() + " (expected: within ±"
                    + MAX_DECIMAL_SCALE + ")");
        }
        return value;
    }

    static BigInteger integer(int signum, int @Nullable [] magnitude) {
        int[] mag = magnitude == null ? new int[0] : magnitude;
        if (mag.length > MAX_NUMBER_DIGITS / 9) {
            throw Hessian2Reader.limit("a java.math.BigInteger of " + mag.length + " words (expected: at most "
                    + MAX_NUMBER_DIGITS + " digits)");
        }
        byte[] bytes = new byte[mag.length * 4];
        for (int i = 0; i < mag.length; i++) {
            bytes[4 * i] = (byte) (mag[i] >>> 24);
            bytes[4 * i + 1] = (byte) (mag[i] >>> 16);
            bytes[4 * i + 2] = (byte) (mag[i] >>> 8);
            bytes[4 * i + 3] = (byte) mag[i];
        }
        return new BigInteger(signum, bytes);
    }

    @SuppressWarnings("deprecation") // Locale's constructors: Java 17 has no other way to give all three parts
    private static Locale locale(@Nullable String value) {
        if (value == null) {
            return Locale.ROOT;
        }
        String[] parts = value.split("_", 3);
        return new Locale(parts[0], parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "");
    }

    private static Calendar calendar(@Nullable Class<?> type, @Nullable Date date) {
        if (type != null && type != GregorianCalendar.class && type != Calendar.class) {
            throw new RpcException(RpcStatus.FORBIDDEN, "hessian2: a calendar of class " + type.getName()
                    + " (expected: java.util.GregorianCalendar)");
        }
        GregorianCalendar calendar = new GregorianCalendar();
        if (date != null) {
            calendar.setTime(date);
        }
        return calendar;
    }

    @SuppressWarnings({"unchecked", "rawtypes"}) // the element class is checked to be an enum just before
    private static EnumSet<?> enumSet(@Nullable Class<?> type, Object @Nullable [] constants) {
        if (type == null || !type.isEnum()) {
            throw Hessian2Reader.malformed("an enum set of a class that is not an enum");
        }
        EnumSet set = EnumSet.noneOf((Class) type);
        if (constants != null) {
            for (Object constant : constants) {
                if (!type.isInstance(constant)) {
                    throw Hessian2Reader.malformed("an enum set of " + type.getName() + " holding another value");
                }
                set.add(constant);
            }
        }
        return set;
    }
}
