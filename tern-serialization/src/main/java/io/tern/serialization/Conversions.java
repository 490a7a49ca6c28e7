package io.tern.serialization;

import io.tern.RpcException;
import io.tern.RpcStatus;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.Date;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a value read from Hessian becomes when the reader expects a type: Hessian writes shorts,
 * bytes and ints alike, floats as doubles and characters as strings, so those are converted, and
 * exactly — a value that does not fit the expected type fails rather than being truncated.
 */
final class Conversions {

    private Conversions() {
    }

    /** {@code value} as a primitive type's box, never null: the type's default for a missing one. */
    static Object toPrimitive(@Nullable Object value, Class<?> primitive) {
        Object converted = convert(value, primitive);
        if (converted == null) {
            throw new IllegalArgumentException("no " + primitive + " (expected: a primitive type)");
        }
        return converted;
    }

    /** {@code value} as {@code expected}: boxed for a primitive, its default for a missing one. */
    static @Nullable Object convert(@Nullable Object value, Class<?> expected) {
        if (value == null) {
            return expected.isPrimitive() ? defaultValue(expected) : null;
        }
        if (expected == Object.class || expected.isInstance(value)) {
            return value;
        }
        Class<?> boxed = expected.isPrimitive() ? box(expected) : expected;
        if (boxed.isInstance(value)) {
            return value;
        }
        Object converted = numeric(value, boxed);
        if (converted != null) {
            return converted;
        }
        if (value instanceof String s) {
            if (boxed == Character.class && s.length() == 1) {
                return s.charAt(0);
            }
            if (expected == char[].class) {
                return s.toCharArray();
            }
        }
        if (value instanceof Date date) {
            // hessian-lite writes a field of a java.sql date type as a plain date
            if (expected == java.sql.Timestamp.class) {
                return new java.sql.Timestamp(date.getTime());
            }
            if (expected == java.sql.Date.class) {
                return new java.sql.Date(date.getTime());
            }
            if (expected == java.sql.Time.class) {
                return new java.sql.Time(date.getTime());
            }
        }
        if (value instanceof Number n && boxed == Boolean.class) {
            return n.longValue() != 0; // Hessian readers take a number as a boolean
        }
        throw mismatch(value, expected);
    }

    static RpcException mismatch(Object value, Class<?> expected) {
        return new RpcException(RpcStatus.SERIALIZATION, "hessian2: a " + describe(value) + " where a "
                + expected.getName() + " was expected");
    }

    private static String describe(Object value) {
        if (value instanceof Number || value instanceof String) {
            return value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        }
        return value.getClass().getName();
    }

    private static @Nullable Object numeric(Object value, Class<?> boxed) {
        if (!(value instanceof Number n)) {
            return null;
        }
        if (boxed == Integer.class) {
            long l = integral(n, Integer.MIN_VALUE, Integer.MAX_VALUE, boxed);
            return (int) l;
        }
        if (boxed == Long.class) {
            return integral(n, Long.MIN_VALUE, Long.MAX_VALUE, boxed);
        }
        if (boxed == Short.class) {
            return (short) integral(n, Short.MIN_VALUE, Short.MAX_VALUE, boxed);
        }
        if (boxed == Byte.class) {
            return (byte) integral(n, Byte.MIN_VALUE, Byte.MAX_VALUE, boxed);
        }
        if (boxed == Double.class) {
            return n.doubleValue();
        }
        if (boxed == Float.class) {
            return n.floatValue(); // Hessian writes a float as a double
        }
        if (boxed == Number.class) {
            return n;
        }
        return null;
    }

    private static long integral(Number n, long min, long max, Class<?> type) {
        long l;
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            l = (long) d;
            if (l != d) {
                throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: a double with a fraction where a "
                        + type.getSimpleName() + " was expected");
            }
        } else {
            l = n.longValue();
        }
        if (l < min || l > max) {
            throw new RpcException(RpcStatus.SERIALIZATION, "hessian2: a number outside the range of "
                    + type.getSimpleName() + " where one was expected");
        }
        return l;
    }

    static Class<?> box(Class<?> primitive) {
        if (primitive == int.class) {
            return Integer.class;
        }
        if (primitive == long.class) {
            return Long.class;
        }
        if (primitive == boolean.class) {
            return Boolean.class;
        }
        if (primitive == double.class) {
            return Double.class;
        }
        if (primitive == float.class) {
            return Float.class;
        }
        if (primitive == short.class) {
            return Short.class;
        }
        if (primitive == byte.class) {
            return Byte.class;
        }
        if (primitive == char.class) {
            return Character.class;
        }
        return Void.class;
    }

    static @Nullable Object defaultValue(Class<?> primitive) {
        if (primitive == int.class) {
            return 0;
        }
        if (primitive == long.class) {
            return 0L;
        }
        if (primitive == boolean.class) {
            return false;
        }
        if (primitive == double.class) {
            return 0.0;
        }
        if (primitive == float.class) {
            return 0.0f;
        }
        if (primitive == short.class) {
            return (short) 0;
        }
        if (primitive == byte.class) {
            return (byte) 0;
        }
        if (primitive == char.class) {
            return '\0';
        }
        return null;
    }

    /**
     * Whether a value a message refers back to may be a map key or set element: one whose hash a
     * peer cannot make costly (no collection, map, array or object of fields inside it).
     */
    static boolean isFlat(Object value) {
        return value instanceof String || value instanceof Number && (value instanceof BigDecimal
                || value instanceof BigInteger || value.getClass().getName().startsWith("java.lang."))
                || value instanceof Boolean || value instanceof Character || value instanceof Enum<?>
                || value instanceof Date || value instanceof TemporalAccessor || value instanceof UUID
                || value instanceof Locale || value instanceof Class<?>;
    }
}
