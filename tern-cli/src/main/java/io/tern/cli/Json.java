package io.tern.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.List;
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

    static String pretty(@Nullable Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    static String compact(@Nullable Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
