package io.tern.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.tern.ClassPolicy;
import io.tern.core.Pojos;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON in and out: call arguments become what generic calls carry (objects become maps, keeping
 * an optional {@code "class"}; arrays become lists), and results print as indented JSON with
 * dates in ISO-8601.
 */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** The arguments, parsed; a bad one is a usage error naming it. */
    static Object[] arguments(List<String> json) {
        Object[] args = new Object[json.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = argument(i + 1, json.get(i));
        }
        return args;
    }

    private static @Nullable Object argument(int position, String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            String hint = text.isBlank() || text.trim().startsWith("{") || text.trim().startsWith("[")
                    ? "" : "; a string needs quotes, e.g. '\"" + text + "\"'";
            throw new UsageException("argument " + position + " is not JSON: " + Failures.oneLine(e.getOriginalMessage())
                    + " (expected: a JSON value such as 42, \"text\" or {\"id\": 1}" + hint + ")", e);
        }
    }

    /** Numbers name no class: nothing is allowed beyond the standard value types. */
    private static final ClassPolicy NUMBERS_ONLY = ClassPolicy.strict();

    private static final Map<String, Class<?>> NUMBER_TYPES = Map.ofEntries(
            Map.entry("int", Integer.class), Map.entry("java.lang.Integer", Integer.class),
            Map.entry("long", Long.class), Map.entry("java.lang.Long", Long.class),
            Map.entry("short", Short.class), Map.entry("java.lang.Short", Short.class),
            Map.entry("byte", Byte.class), Map.entry("java.lang.Byte", Byte.class),
            Map.entry("double", Double.class), Map.entry("java.lang.Double", Double.class),
            Map.entry("float", Float.class), Map.entry("java.lang.Float", Float.class));

    /**
     * Checks the numbers among the arguments against the parameter types {@code --types} named:
     * one that does not fit exactly (a fraction for an {@code int}, 10^999 for a {@code long}) is
     * a usage error, not a value truncated on the way.
     */
    static void checkNumbers(Object[] args, String @Nullable [] types) {
        if (types == null) {
            return;
        }
        for (int i = 0; i < args.length && i < types.length; i++) {
            Class<?> type = NUMBER_TYPES.get(types[i]);
            if (type != null && args[i] instanceof Number) {
                try {
                    Pojos.realize(args[i], type, NUMBERS_ONLY);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("argument " + (i + 1) + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** Deeper than this, a result prints as a marker: a peer's answer can nest without end. */
    static final int MAX_DEPTH = 256;

    static String pretty(@Nullable Object value) {
        Object printable = acyclic(value);
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(printable);
        } catch (JsonProcessingException e) {
            return String.valueOf(printable);
        }
    }

    static String compact(@Nullable Object value) {
        Object printable = acyclic(value);
        try {
            return MAPPER.writeValueAsString(printable);
        } catch (JsonProcessingException e) {
            return String.valueOf(printable);
        }
    }

    /**
     * A copy of a result's maps, collections and arrays in which a value that contains itself
     * shows {@code "(cycle)"} where it comes back, and one nested deeper than {@link #MAX_DEPTH}
     * shows a marker: printing never recurses without end.
     */
    static @Nullable Object acyclic(@Nullable Object value) {
        return acyclic(value, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), 0);
    }

    private static @Nullable Object acyclic(@Nullable Object value, java.util.Set<Object> path, int depth) {
        boolean container = value instanceof java.util.Map || value instanceof java.util.Collection
                || value instanceof Object[];
        if (!container) {
            return value;
        }
        if (depth >= MAX_DEPTH) {
            return "(nested deeper than " + MAX_DEPTH + ")";
        }
        if (!path.add(value)) {
            return "(cycle)";
        }
        try {
            if (value instanceof java.util.Map<?, ?> map) {
                java.util.Map<Object, Object> copy = new java.util.LinkedHashMap<>();
                for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
                    copy.put(String.valueOf(acyclic(e.getKey(), path, depth + 1)), acyclic(e.getValue(), path, depth + 1));
                }
                return copy;
            }
            Iterable<?> items = value instanceof Object[] array ? java.util.Arrays.asList(array)
                    : (Iterable<?>) java.util.Objects.requireNonNull(value, "value");
            java.util.List<Object> copy = new java.util.ArrayList<>();
            for (Object item : items) {
                copy.add(acyclic(item, path, depth + 1));
            }
            return copy;
        } finally {
            path.remove(value);
        }
    }
}
