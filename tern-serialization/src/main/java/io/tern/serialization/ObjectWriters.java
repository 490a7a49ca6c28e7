package io.tern.serialization;

import io.tern.GenericException;
import io.tern.RpcException;
import io.tern.RpcStatus;
import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
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
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.GregorianCalendar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How each class is written, decided once per class: the form hessian-lite (with Tern's writers
 * for {@link GenericException} and {@code java.time}) gives it, field for field and in its
 * order, read through method handles made once. A class hessian-lite would refuse (not
 * serializable), or a JDK class Tern has no writer for, is refused with an error naming it.
 * Thread-safe; one per serialization.
 */
final class ObjectWriters {

    /** Writes one value of a class. */
    interface ValueWriter {
        void write(Hessian2Writer out, Object value);
    }

    /** The name Apache Dubbo gives the exception of a generic call on the wire. */
    static final String DUBBO_GENERIC_EXCEPTION = "com.alibaba.dubbo.rpc.service.GenericException";
    private static final String HESSIAN = "com.alibaba.com.caucho.hessian.io.";
    private static final String JAVA8 = HESSIAN + "java8.";

    private final ClassValue<ValueWriter> byClass = new ClassValue<>() {
        @Override
        protected ValueWriter computeValue(Class<?> type) {
            return create(type);
        }
    };

    ValueWriter forClass(Class<?> type) {
        return byClass.get(type);
    }

    private ValueWriter create(Class<?> type) {
        ValueWriter basic = basic(type);
        if (basic != null) {
            return basic;
        }
        if (type.isArray()) {
            return array(type);
        }
        if (type.isEnum() || type.getSuperclass() != null && type.getSuperclass().isEnum()) {
            String name = (type.isEnum() ? type : type.getSuperclass()).getName();
            String[] fields = {"name"};
            return (out, value) -> {
                if (!out.addRef(value)) {
                    out.writeObjectStart(name, fields);
                    out.writeString(((Enum<?>) value).name());
                }
            };
        }
        ValueWriter special = special(type);
        if (special != null) {
            return special;
        }
        if (Collection.class.isAssignableFrom(type)) {
            return collection(type);
        }
        if (Map.class.isAssignableFrom(type)) {
            return map(type);
        }
        if (type == GenericException.class) {
            String[] fields = {"detailMessage", "exceptionClass", "exceptionMessage"};
            return (out, value) -> {
                GenericException e = (GenericException) value;
                if (!out.addRef(value)) {
                    out.writeObjectStart(DUBBO_GENERIC_EXCEPTION, fields);
                    out.writeString(e.getMessage());
                    out.writeString(e.exceptionClass());
                    out.writeString(e.exceptionMessage());
                }
            };
        }
        if (type.isRecord()) {
            return record(type);
        }
        if (!Serializable.class.isAssignableFrom(type)) {
            throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: class " + type.getName()
                    + " cannot be written (expected: a class that implements java.io.Serializable)");
        }
        if (Throwable.class.isAssignableFrom(type)) {
            return new BeanWriter(type, true);
        }
        String name = type.getName();
        if (name.startsWith("java.") || name.startsWith("javax.")) {
            throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: Tern writes no " + name
                    + " (expected: a class of the application's, a record, an enum, a throwable, a collection, a map"
                    + " or a value type Tern reads)");
        }
        return new BeanWriter(type, false);
    }

    private static @Nullable ValueWriter basic(Class<?> type) {
        if (type == String.class) {
            return (out, value) -> out.writeString((String) value);
        }
        if (type == Integer.class || type == Short.class || type == Byte.class) {
            return (out, value) -> out.writeInt(((Number) value).intValue());
        }
        if (type == Long.class) {
            return (out, value) -> out.writeLong((Long) value);
        }
        if (type == Double.class || type == Float.class) {
            return (out, value) -> out.writeDouble(((Number) value).doubleValue());
        }
        if (type == Boolean.class) {
            return (out, value) -> out.writeBoolean((Boolean) value);
        }
        if (type == Character.class) {
            return (out, value) -> out.writeString(String.valueOf((char) (Character) value));
        }
        if (type == Date.class) {
            return (out, value) -> out.writeUtcDate(((Date) value).getTime());
        }
        if (type == byte[].class) {
            return (out, value) -> out.writeBytes((byte[]) value);
        }
        if (type == char[].class) {
            return (out, value) -> out.writeString(new String((char[]) value));
        }
        return null;
    }

    // ---- arrays ----

    private static ValueWriter array(Class<?> type) {
        String name = arrayType(type);
        Class<?> component = type.getComponentType();
        if (component == int.class) {
            return (out, value) -> {
                int[] a = (int[]) value;
                if (!out.addRef(value)) {
                    out.writeListStart(a.length, name);
                    for (int v : a) {
                        out.writeInt(v);
                    }
                }
            };
        }
        if (component == long.class) {
            return (out, value) -> {
                long[] a = (long[]) value;
                if (!out.addRef(value)) {
                    out.writeListStart(a.length, name);
                    for (long v : a) {
                        out.writeLong(v);
                    }
                }
            };
        }
        if (component == double.class) {
            return (out, value) -> {
                double[] a = (double[]) value;
                if (!out.addRef(value)) {
                    out.writeListStart(a.length, name);
                    for (double v : a) {
                        out.writeDouble(v);
                    }
                }
            };
        }
        if (component == float.class) {
            return (out, value) -> {
                float[] a = (float[]) value;
                if (!out.addRef(value)) {
                    out.writeListStart(a.length, name);
                    for (float v : a) {
                        out.writeDouble(v);
                    }
                }
            };
        }
        if (component == short.class) {
            return (out, value) -> {
                short[] a = (short[]) value;
                if (!out.addRef(value)) {
                    out.writeListStart(a.length, name);
                    for (short v : a) {
                        out.writeInt(v);
                    }
                }
            };
        }
        if (component == boolean.class) {
            return (out, value) -> {
                boolean[] a = (boolean[]) value;
                if (!out.addRef(value)) {
                    out.writeListStart(a.length, name);
                    for (boolean v : a) {
                        out.writeBoolean(v);
                    }
                }
            };
        }
        return (out, value) -> {
            Object[] a = (Object[]) value;
            if (!out.addRef(value)) {
                out.writeListStart(a.length, name);
                for (Object v : a) {
                    out.writeValue(v);
                }
            }
        };
    }

    /** The list type hessian-lite gives an array class: {@code [int}, {@code [string}, {@code [[long}, {@code [com.example.User}. */
    static String arrayType(Class<?> type) {
        Class<?> component = type.getComponentType();
        if (component.isArray()) {
            return "[" + arrayType(component);
        }
        if (component == String.class) {
            return "[string";
        }
        if (component == Object.class) {
            return "[object";
        }
        return "[" + component.getName();
    }

    // ---- collections and maps ----

    private ValueWriter collection(Class<?> type) {
        String name = type.getName();
        switch (name) {
            case "java.util.ImmutableCollections$List12", "java.util.ImmutableCollections$ListN",
                    "java.util.ImmutableCollections$SubList" -> {
                return (out, value) -> out.writeValue(new ArrayList<>((Collection<?>) value));
            }
            case "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SetN" -> {
                return (out, value) -> out.writeValue(new HashSet<>((Collection<?>) value));
            }
            case "java.util.Collections$UnmodifiableRandomAccessList" -> {
                return (out, value) -> out.writeValue(Collections.unmodifiableList(new LinkedList<>((List<?>) value)));
            }
            case "java.util.Collections$SynchronizedRandomAccessList" -> {
                return (out, value) -> out.writeValue(Collections.synchronizedList(new LinkedList<>((List<?>) value)));
            }
            case "java.util.RegularEnumSet", "java.util.JumboEnumSet" -> {
                return enumSet();
            }
            default -> {
                // handled below
            }
        }
        String typeName = type == ArrayList.class || !Serializable.class.isAssignableFrom(type) ? null : name;
        return (out, value) -> {
            if (out.addRef(value)) {
                return;
            }
            Collection<?> c = (Collection<?>) value;
            out.writeListStart(c.size(), typeName);
            for (Object element : c) {
                out.writeValue(element);
            }
        };
    }

    private ValueWriter map(Class<?> type) {
        String name = type.getName();
        if (name.equals("java.util.ImmutableCollections$Map1") || name.equals("java.util.ImmutableCollections$MapN")) {
            return (out, value) -> out.writeValue(new HashMap<>((Map<?, ?>) value));
        }
        String typeName = type == HashMap.class || !Serializable.class.isAssignableFrom(type) ? null : name;
        return (out, value) -> {
            if (out.addRef(value)) {
                return;
            }
            out.writeMapStart(typeName);
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                out.writeValue(e.getKey());
                out.writeValue(e.getValue());
            }
            out.writeEnd();
        };
    }

    // ---- values of their own form ----

    private @Nullable ValueWriter special(Class<?> type) {
        if (type == StackTraceElement.class) {
            return stackTraceElement();
        }
        if (type == Class.class) {
            String[] fields = {"name"};
            return (out, value) -> {
                if (!out.addRef(value)) {
                    out.writeObjectStart("java.lang.Class", fields);
                    out.writeString(((Class<?>) value).getName());
                }
            };
        }
        if (type == BigDecimal.class || type == UUID.class) {
            String name = type.getName();
            String[] fields = {"value"};
            return (out, value) -> {
                if (!out.addRef(value)) {
                    out.writeObjectStart(name, fields);
                    out.writeString(value.toString());
                }
            };
        }
        if (type == java.sql.Date.class || type == java.sql.Time.class || type == java.sql.Timestamp.class) {
            String name = type.getName();
            String[] fields = {"value"};
            return (out, value) -> {
                if (!out.addRef(value)) {
                    out.writeObjectStart(name, fields);
                    out.writeUtcDate(((Date) value).getTime());
                }
            };
        }
        if (type == Locale.class) {
            return handle(HESSIAN + "LocaleHandle", "value:S", v -> new Object[] {v.toString()});
        }
        if (Calendar.class.isAssignableFrom(type)) {
            return handle(HESSIAN + "CalendarHandle", "date:D type:O", v -> new Object[] {
                new Date(((Calendar) v).getTimeInMillis()), v.getClass() == GregorianCalendar.class ? null : v.getClass()});
        }
        if (type == BitSet.class) {
            return handle(HESSIAN + "BitSetHandle", "words:O", v -> new Object[] {((BitSet) v).toLongArray()});
        }
        if (type == LocalDate.class) {
            return (out, v) -> writeDate(out, (LocalDate) v);
        }
        if (type == LocalTime.class) {
            return (out, v) -> writeTime(out, (LocalTime) v);
        }
        if (type == LocalDateTime.class) {
            return (out, v) -> {
                LocalDateTime dateTime = (LocalDateTime) v;
                out.takeSlot();
                out.writeObjectStart(DATE_TIME_HANDLE, DATE_TIME_FIELDS);
                writeTime(out, dateTime.toLocalTime());
                writeDate(out, dateTime.toLocalDate());
            };
        }
        if (type == Instant.class) {
            return handle(JAVA8 + "InstantHandle", "nanos:I seconds:L", v -> new Object[] {((Instant) v).getNano(),
                ((Instant) v).getEpochSecond()});
        }
        if (type == Duration.class) {
            return handle(JAVA8 + "DurationHandle", "nanos:I seconds:L", v -> new Object[] {((Duration) v).getNano(),
                ((Duration) v).getSeconds()});
        }
        if (type == MonthDay.class) {
            return handle(JAVA8 + "MonthDayHandle", "day:I month:I", v -> new Object[] {((MonthDay) v).getDayOfMonth(),
                ((MonthDay) v).getMonthValue()});
        }
        if (type == OffsetDateTime.class) {
            return handle(JAVA8 + "OffsetDateTimeHandle", "offset:O dateTime:O", v -> new Object[] {
                ((OffsetDateTime) v).getOffset(), ((OffsetDateTime) v).toLocalDateTime()});
        }
        if (type == OffsetTime.class) {
            return handle(JAVA8 + "OffsetTimeHandle", "zoneOffset:O localTime:O", v -> new Object[] {
                ((OffsetTime) v).getOffset(), ((OffsetTime) v).toLocalTime()});
        }
        if (type == Period.class) {
            return handle(JAVA8 + "PeriodHandle", "days:I months:I years:I", v -> new Object[] {((Period) v).getDays(),
                ((Period) v).getMonths(), ((Period) v).getYears()});
        }
        if (type == Year.class) {
            return handle(JAVA8 + "YearHandle", "year:I", v -> new Object[] {((Year) v).getValue()});
        }
        if (type == YearMonth.class) {
            return handle(JAVA8 + "YearMonthHandle", "month:I year:I", v -> new Object[] {
                ((YearMonth) v).getMonthValue(), ((YearMonth) v).getYear()});
        }
        if (type == ZoneOffset.class) {
            return handle(JAVA8 + "ZoneOffsetHandle", "seconds:I", v -> new Object[] {((ZoneOffset) v).getTotalSeconds()});
        }
        if (ZoneId.class.isAssignableFrom(type)) {
            return handle(JAVA8 + "ZoneIdHandle", "zoneId:S", v -> new Object[] {((ZoneId) v).getId()});
        }
        if (type == ZonedDateTime.class) {
            return handle(JAVA8 + "ZonedDateTimeHandle", "offset:O dateTime:O zoneId:S", v -> new Object[] {
                ((ZonedDateTime) v).getOffset(), ((ZonedDateTime) v).toLocalDateTime(),
                ((ZonedDateTime) v).getZone().getId()});
        }
        return null;
    }

    private static final String DATE_HANDLE = JAVA8 + "LocalDateHandle";
    private static final String[] DATE_FIELDS = {"day", "month", "year"};
    private static final String TIME_HANDLE = JAVA8 + "LocalTimeHandle";
    private static final String[] TIME_FIELDS = {"nano", "second", "minute", "hour"};
    private static final String DATE_TIME_HANDLE = JAVA8 + "LocalDateTimeHandle";
    private static final String[] DATE_TIME_FIELDS = {"time", "date"};

    /** The dates and times most messages carry, written without an array of boxed fields. */
    private static void writeDate(Hessian2Writer out, LocalDate date) {
        out.takeSlot();
        out.writeObjectStart(DATE_HANDLE, DATE_FIELDS);
        out.writeInt(date.getDayOfMonth());
        out.writeInt(date.getMonthValue());
        out.writeInt(date.getYear());
    }

    private static void writeTime(Hessian2Writer out, LocalTime time) {
        out.takeSlot();
        out.writeObjectStart(TIME_HANDLE, TIME_FIELDS);
        out.writeInt(time.getNano());
        out.writeInt(time.getSecond());
        out.writeInt(time.getMinute());
        out.writeInt(time.getHour());
    }

    private static ValueWriter enumSet() {
        return handle(HESSIAN + "EnumSetHandler", "objects:O type:O", v -> {
            EnumSet<?> set = (EnumSet<?>) v;
            Enum<?> any = set.isEmpty() ? EnumSet.complementOf(set).iterator().next() : set.iterator().next();
            return new Object[] {set.toArray(), any.getDeclaringClass()};
        });
    }

    /**
     * A value written as an object of one of hessian-lite's handle classes, a new object each
     * time (so each takes a reference slot of its own). {@code fields} lists the handle's fields
     * in the order hessian-lite writes them, each as {@code name:kind} ({@code I} int, {@code L}
     * long, {@code S} string, {@code D} date, {@code O} any value); {@code values} gives their
     * values in that order.
     */
    private static ValueWriter handle(String handleClass, String fields, Function<Object, @Nullable Object[]> values) {
        String[] specs = fields.split(" ");
        String[] names = new String[specs.length];
        FieldKind[] kinds = new FieldKind[specs.length];
        for (int i = 0; i < specs.length; i++) {
            names[i] = specs[i].substring(0, specs[i].indexOf(':'));
            kinds[i] = switch (specs[i].charAt(specs[i].length() - 1)) {
                case 'I' -> FieldKind.INT;
                case 'L' -> FieldKind.LONG;
                case 'S' -> FieldKind.STRING;
                case 'D' -> FieldKind.DATE;
                default -> FieldKind.OBJECT;
            };
        }
        return (out, value) -> {
            Object[] field = values.apply(value);
            out.takeSlot();
            out.writeObjectStart(handleClass, names);
            for (int i = 0; i < names.length; i++) {
                kinds[i].write(out, field[i]);
            }
        };
    }

    private static ValueWriter record(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        String[] names = new String[components.length];
        MethodHandle[] accessors = new MethodHandle[components.length];
        for (int i = 0; i < components.length; i++) {
            names[i] = components[i].getName();
            try {
                java.lang.reflect.Method accessor = components[i].getAccessor();
                accessor.setAccessible(true);
                accessors[i] = MethodHandles.lookup().unreflect(accessor)
                        .asType(MethodType.methodType(Object.class, Object.class));
            } catch (IllegalAccessException | RuntimeException e) {
                throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: record " + type.getName()
                        + " cannot be written (its accessors are not accessible)");
            }
        }
        io.tern.WireName wireName = type.getAnnotation(io.tern.WireName.class);
        String name = wireName != null ? wireName.value() : type.getName();
        return (out, value) -> {
            if (out.addRef(value)) {
                return;
            }
            out.writeObjectStart(name, names);
            for (MethodHandle accessor : accessors) {
                out.writeValue(get(accessor, value));
            }
        };
    }

    private static @Nullable Object get(MethodHandle getter, Object target) {
        try {
            return getter.invokeExact(target);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** How hessian-lite writes a field of a type (its field serializers). */
    enum FieldKind {
        BOOLEAN {
            @Override
            void write(Hessian2Writer out, @Nullable Object value) {
                out.writeBoolean(value != null && (Boolean) value);
            }
        },
        INT {
            @Override
            void write(Hessian2Writer out, @Nullable Object value) {
                out.writeInt(value == null ? 0 : ((Number) value).intValue());
            }
        },
        LONG {
            @Override
            void write(Hessian2Writer out, @Nullable Object value) {
                out.writeLong(value == null ? 0 : ((Number) value).longValue());
            }
        },
        DOUBLE {
            @Override
            void write(Hessian2Writer out, @Nullable Object value) {
                out.writeDouble(value == null ? 0 : ((Number) value).doubleValue());
            }
        },
        CHAR {
            @Override
            void write(Hessian2Writer out, @Nullable Object value) {
                out.writeChar(value == null ? '\0' : (Character) value);
            }
        },
        STRING {
            @Override
            void write(Hessian2Writer out, @Nullable Object value) {
                out.writeString((String) value);
            }
        },
        DATE {
            @Override
            void write(Hessian2Writer out, @Nullable Object value) {
                if (value == null) {
                    out.writeNull();
                } else {
                    out.writeUtcDate(((Date) value).getTime());
                }
            }
        },
        OBJECT {
            @Override
            void write(Hessian2Writer out, @Nullable Object value) {
                out.writeValue(value);
            }
        };

        abstract void write(Hessian2Writer out, @Nullable Object value);

        static FieldKind of(Class<?> type) {
            if (type == boolean.class) {
                return BOOLEAN;
            }
            if (type == byte.class || type == short.class || type == int.class) {
                return INT;
            }
            if (type == long.class) {
                return LONG;
            }
            if (type == float.class || type == double.class) {
                return DOUBLE;
            }
            if (type == char.class) {
                return CHAR;
            }
            if (type == String.class) {
                return STRING;
            }
            if (type == Date.class || type == java.sql.Date.class || type == java.sql.Timestamp.class
                    || type == java.sql.Time.class) {
                return DATE;
            }
            return OBJECT;
        }
    }

    /**
     * Writes one field of an object as hessian-lite's serializer for the field's type does,
     * reading it through a handle typed as the field is, so a primitive is never boxed.
     */
    abstract static class FieldOut {
        final MethodHandle getter;

        FieldOut(MethodHandle getter) {
            this.getter = getter;
        }

        abstract void write(Hessian2Writer out, Object target) throws Throwable;

        final void writeFrom(Hessian2Writer out, Object target) {
            try {
                write(out, target);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        static FieldOut of(Field f, MethodHandle raw) {
            Class<?> t = f.getType();
            if (t == int.class || t == short.class || t == byte.class) {
                MethodHandle h = raw.asType(MethodType.methodType(int.class, Object.class));
                return new FieldOut(h) {
                    @Override
                    void write(Hessian2Writer out, Object target) throws Throwable {
                        out.writeInt((int) getter.invokeExact(target));
                    }
                };
            }
            if (t == long.class) {
                MethodHandle h = raw.asType(MethodType.methodType(long.class, Object.class));
                return new FieldOut(h) {
                    @Override
                    void write(Hessian2Writer out, Object target) throws Throwable {
                        out.writeLong((long) getter.invokeExact(target));
                    }
                };
            }
            if (t == double.class || t == float.class) {
                MethodHandle h = raw.asType(MethodType.methodType(double.class, Object.class));
                return new FieldOut(h) {
                    @Override
                    void write(Hessian2Writer out, Object target) throws Throwable {
                        out.writeDouble((double) getter.invokeExact(target));
                    }
                };
            }
            if (t == boolean.class) {
                MethodHandle h = raw.asType(MethodType.methodType(boolean.class, Object.class));
                return new FieldOut(h) {
                    @Override
                    void write(Hessian2Writer out, Object target) throws Throwable {
                        out.writeBoolean((boolean) getter.invokeExact(target));
                    }
                };
            }
            if (t == char.class) {
                MethodHandle h = raw.asType(MethodType.methodType(char.class, Object.class));
                return new FieldOut(h) {
                    @Override
                    void write(Hessian2Writer out, Object target) throws Throwable {
                        out.writeChar((char) getter.invokeExact(target));
                    }
                };
            }
            MethodHandle h = raw.asType(MethodType.methodType(Object.class, Object.class));
            FieldKind kind = FieldKind.of(t);
            if (kind == FieldKind.STRING) {
                return new FieldOut(h) {
                    @Override
                    void write(Hessian2Writer out, Object target) throws Throwable {
                        Object value = getter.invokeExact(target);
                        out.writeString((String) value);
                    }
                };
            }
            return new FieldOut(h) {
                @Override
                void write(Hessian2Writer out, Object target) throws Throwable {
                    kind.write(out, getter.invokeExact(target));
                }
            };
        }
    }

    /**
     * A class of the application's, or a throwable: its fields in hessian-lite's order (those of
     * the class and its superclasses, the primitive and {@code java.lang} ones then the others,
     * reversed), each read through a handle made once. A throwable's own fields, which the JDK
     * does not open, are read through its public methods.
     */
    static final class BeanWriter implements ValueWriter {
        private final String name;
        private final String[] names;
        private final FieldKind[] kinds;
        private final @Nullable FieldOut[] getters;
        /** For a throwable: which of {@code names} is which of Throwable's own fields, else -1. */
        private final int[] throwableField;

        BeanWriter(Class<?> type, boolean throwable) {
            this.name = type.getName();
            List<Field> primitive = new ArrayList<>();
            List<Field> compound = new ArrayList<>();
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    int mod = f.getModifiers();
                    if (Modifier.isTransient(mod) || Modifier.isStatic(mod)) {
                        continue;
                    }
                    Class<?> t = f.getType();
                    (t.isPrimitive() || t.getName().startsWith("java.lang.") && t != Object.class ? primitive : compound)
                            .add(f);
                }
            }
            List<Field> fields = new ArrayList<>(primitive);
            fields.addAll(compound);
            Collections.reverse(fields);
            int n = fields.size();
            names = new String[n];
            kinds = new FieldKind[n];
            getters = new FieldOut[n];
            throwableField = new int[n];
            for (int i = 0; i < n; i++) {
                Field f = fields.get(i);
                names[i] = f.getName();
                kinds[i] = FieldKind.of(f.getType());
                throwableField[i] = -1;
                if (throwable && f.getDeclaringClass() == Throwable.class) {
                    throwableField[i] = List.of("detailMessage", "cause", "stackTrace", "suppressedExceptions")
                            .indexOf(f.getName());
                    if (throwableField[i] >= 0) {
                        continue;
                    }
                }
                getters[i] = getter(type, f, throwable);
            }
        }

        private static @Nullable FieldOut getter(Class<?> type, Field f, boolean throwable) {
            try {
                f.setAccessible(true);
                return FieldOut.of(f, MethodHandles.lookup().unreflectGetter(f));
            } catch (IllegalAccessException | RuntimeException e) {
                if (throwable) {
                    return null; // a JDK exception's own field the JDK does not open: written as its default
                }
                throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: class " + type.getName()
                        + " cannot be written: field " + f.getName() + " of " + f.getDeclaringClass().getName()
                        + " is not accessible");
            }
        }

        @Override
        public void write(Hessian2Writer out, Object value) {
            if (out.addRef(value)) {
                return;
            }
            out.writeObjectStart(name, names);
            for (int i = 0; i < names.length; i++) {
                int own = throwableField[i];
                if (own >= 0) {
                    writeThrowableField(out, (Throwable) value, own);
                    continue;
                }
                FieldOut getter = getters[i];
                if (getter == null) {
                    kinds[i].write(out, null);
                } else {
                    getter.writeFrom(out, value);
                }
            }
        }

        private static void writeThrowableField(Hessian2Writer out, Throwable t, int field) {
            switch (field) {
                case 0 -> out.writeString(t.getMessage());
                case 1 -> out.writeValue(t.getCause() == null ? t : t.getCause()); // no cause: the field holds itself
                case 2 -> out.writeValue(t.getStackTrace());
                default -> {
                    Throwable[] suppressed = t.getSuppressed();
                    out.writeValue(suppressed.length == 0 ? Collections.emptyList()
                            : new ArrayList<>(List.of(suppressed)));
                }
            }
        }
    }

    /**
     * A stack trace element, whose private {@code format} (which parts {@code toString} leaves
     * out) the JDK does not expose: it is derived from the loader and module names as the JDK
     * derives it from the class.
     */
    private static ValueWriter stackTraceElement() {
        String[] fields = {"format", "lineNumber", "fileName", "methodName", "declaringClass", "moduleVersion",
            "moduleName", "classLoaderName"};
        return (out, value) -> {
            StackTraceElement e = (StackTraceElement) value;
            if (out.addRef(value)) {
                return;
            }
            out.writeObjectStart("java.lang.StackTraceElement", fields);
            String loader = e.getClassLoaderName();
            String module = e.getModuleName();
            boolean builtIn = "app".equals(loader) || "platform".equals(loader) || loader == null && module != null;
            boolean jdkModule = module != null && (module.startsWith("java.") || module.startsWith("jdk."));
            out.writeInt((builtIn ? 1 : 0) | (jdkModule ? 2 : 0));
            out.writeInt(e.getLineNumber());
            out.writeString(e.getFileName());
            out.writeString(e.getMethodName());
            out.writeString(e.getClassName());
            out.writeString(e.getModuleVersion());
            out.writeString(module);
            out.writeString(loader);
        };
    }

}
