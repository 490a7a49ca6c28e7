package io.tern.serialization;

import com.alibaba.com.caucho.hessian.io.AbstractHessianOutput;
import com.alibaba.com.caucho.hessian.io.Serializer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code LocalDate}, {@code LocalTime} and {@code LocalDateTime} in exactly the form hessian-lite
 * (and so Apache Dubbo) puts them on the wire — objects of its {@code java8.*Handle} classes —
 * written without reflection (hessian-lite looks up and invokes the {@code java.time} accessors
 * reflectively for every value). {@link ObjectReaders} reads them.
 */
final class JavaTimeHandles {

    private static final String PACKAGE = "com.alibaba.com.caucho.hessian.io.java8.";
    static final String DATE = PACKAGE + "LocalDateHandle";
    static final String TIME = PACKAGE + "LocalTimeHandle";
    static final String DATE_TIME = PACKAGE + "LocalDateTimeHandle";

    private static final Serializer DATE_WRITER = new Writer(DATE) {
        @Override
        void writeField(String field, Object value, AbstractHessianOutput out) throws IOException {
            LocalDate date = (LocalDate) value;
            switch (field) {
                case "year" -> out.writeInt(date.getYear());
                case "month" -> out.writeInt(date.getMonthValue());
                case "day" -> out.writeInt(date.getDayOfMonth());
                default -> out.writeNull();
            }
        }
    };

    private static final Serializer TIME_WRITER = new Writer(TIME) {
        @Override
        void writeField(String field, Object value, AbstractHessianOutput out) throws IOException {
            LocalTime time = (LocalTime) value;
            switch (field) {
                case "hour" -> out.writeInt(time.getHour());
                case "minute" -> out.writeInt(time.getMinute());
                case "second" -> out.writeInt(time.getSecond());
                case "nano" -> out.writeInt(time.getNano());
                default -> out.writeNull();
            }
        }
    };

    private static final Serializer DATE_TIME_WRITER = new Writer(DATE_TIME) {
        @Override
        void writeField(String field, Object value, AbstractHessianOutput out) throws IOException {
            LocalDateTime dateTime = (LocalDateTime) value;
            switch (field) {
                case "date" -> out.writeObject(dateTime.toLocalDate());
                case "time" -> out.writeObject(dateTime.toLocalTime());
                default -> out.writeNull();
            }
        }
    };

    private JavaTimeHandles() {
    }

    static @Nullable Serializer serializer(Class<?> type) {
        if (type == LocalDate.class) {
            return DATE_WRITER;
        }
        if (type == LocalDateTime.class) {
            return DATE_TIME_WRITER;
        }
        return type == LocalTime.class ? TIME_WRITER : null;
    }

    /**
     * The fields of a hessian-lite handle class in the order its own serializer writes them: it
     * lists the primitive and {@code java.lang} fields, then the others, and writes that list
     * reversed.
     */
    static String[] fieldOrder(String handleClass) {
        try {
            List<String> primitive = new ArrayList<>();
            List<String> compound = new ArrayList<>();
            for (Field field : Class.forName(handleClass, false, JavaTimeHandles.class.getClassLoader())
                    .getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || Modifier.isTransient(field.getModifiers())) {
                    continue;
                }
                Class<?> type = field.getType();
                boolean simple = type.isPrimitive() || type.getName().startsWith("java.lang.") && type != Object.class;
                (simple ? primitive : compound).add(field.getName());
            }
            primitive.addAll(compound);
            java.util.Collections.reverse(primitive);
            return primitive.toArray(String[]::new);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("hessian-lite's " + handleClass + " is missing", e);
        }
    }

    /** Writes a value as its handle object, with the field names and order hessian-lite uses. */
    private abstract static class Writer extends NamedObjectWriter {
        Writer(String handle) {
            super(handle, fieldOrder(handle));
        }

        @Override
        Object referent(Object value) {
            return new Object(); // hessian-lite writes a fresh handle object, which takes a slot of its own
        }
    }
}
