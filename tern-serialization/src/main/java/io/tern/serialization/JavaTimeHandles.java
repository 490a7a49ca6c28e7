package io.tern.serialization;

import com.alibaba.com.caucho.hessian.io.AbstractDeserializer;
import com.alibaba.com.caucho.hessian.io.AbstractHessianInput;
import com.alibaba.com.caucho.hessian.io.AbstractHessianOutput;
import com.alibaba.com.caucho.hessian.io.Deserializer;
import com.alibaba.com.caucho.hessian.io.Serializer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code LocalDate}, {@code LocalTime} and {@code LocalDateTime} in exactly the form hessian-lite
 * (and so Apache Dubbo) puts them on the wire — objects of its {@code java8.*Handle} classes —
 * written and read without reflection. hessian-lite looks up and invokes the {@code java.time}
 * accessors and factories reflectively for every value, which made them the largest cost of a
 * call carrying a few dates.
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

    private static final Map<String, Deserializer> READERS = Map.of(
            DATE, new Reader(LocalDate.class) {
                @Override
                @Nullable Object read(FieldSource in, Object[] names) throws IOException {
                    int year = 0;
                    int month = 0;
                    int day = 0;
                    int seen = 0;
                    for (Object name : names) {
                        switch (String.valueOf(name)) {
                            case "year" -> { year = in.readInt(); seen |= 1; }
                            case "month" -> { month = in.readInt(); seen |= 2; }
                            case "day" -> { day = in.readInt(); seen |= 4; }
                            default -> in.readObject();
                        }
                    }
                    return seen == 7 ? LocalDate.of(year, month, day) : null;
                }
            },
            TIME, new Reader(LocalTime.class) {
                @Override
                @Nullable Object read(FieldSource in, Object[] names) throws IOException {
                    int hour = 0;
                    int minute = 0;
                    int second = 0;
                    int nano = 0;
                    int seen = 0;
                    for (Object name : names) {
                        switch (String.valueOf(name)) {
                            case "hour" -> { hour = in.readInt(); seen |= 1; }
                            case "minute" -> { minute = in.readInt(); seen |= 2; }
                            case "second" -> { second = in.readInt(); seen |= 4; }
                            case "nano" -> { nano = in.readInt(); seen |= 8; }
                            default -> in.readObject();
                        }
                    }
                    return seen == 15 ? LocalTime.of(hour, minute, second, nano) : null;
                }
            },
            DATE_TIME, new Reader(LocalDateTime.class) {
                @Override
                @Nullable Object read(FieldSource in, Object[] names) throws IOException {
                    Object date = null;
                    Object time = null;
                    for (Object name : names) {
                        switch (String.valueOf(name)) {
                            case "date" -> date = in.readObject();
                            case "time" -> time = in.readObject();
                            default -> in.readObject();
                        }
                    }
                    return date instanceof LocalDate d && time instanceof LocalTime t ? LocalDateTime.of(d, t) : null;
                }
            });

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

    static @Nullable Deserializer deserializer(String type) {
        return READERS.get(type);
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

    /** Reads a handle object by its field names, in whatever order they come, into the value. */
    private abstract static class Reader extends AbstractDeserializer {
        private final Class<?> type;

        Reader(Class<?> type) {
            this.type = type;
        }

        /** Reads the fields named, in that order, into the value; {@code null} when one is missing. */
        abstract @Nullable Object read(FieldSource in, Object[] names) throws IOException;

        @Override
        public Class<?> getType() {
            return type;
        }

        @Override
        public Object readObject(AbstractHessianInput in, Object[] fieldNames) throws IOException {
            int ref = in.addRef(null); // the handle's slot, which the value takes
            Object value = read(FieldSource.of(in), fieldNames);
            in.setRef(ref, value);
            return value;
        }

        @Override
        public Object readObject(AbstractHessianInput in, String[] fieldNames) throws IOException {
            return readObject(in, (Object[]) fieldNames);
        }

        @Override
        public Object readMap(AbstractHessianInput in) throws IOException {
            int ref = in.addRef(null);
            List<Object> names = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            while (!in.isEnd()) {
                names.add(in.readObject());
                values.add(in.readObject());
            }
            in.readMapEnd();
            Object value = read(FieldSource.of(values), names.toArray());
            in.setRef(ref, value);
            return value;
        }
    }

    /** Where a reader takes its field values from: the stream, or values a map form already read. */
    private interface FieldSource {
        int readInt() throws IOException;

        @Nullable Object readObject() throws IOException;

        static FieldSource of(AbstractHessianInput in) {
            return new FieldSource() {
                @Override
                public int readInt() throws IOException {
                    return in.readInt();
                }

                @Override
                public @Nullable Object readObject() throws IOException {
                    return in.readObject();
                }
            };
        }

        static FieldSource of(List<Object> values) {
            java.util.Iterator<Object> next = values.iterator();
            return new FieldSource() {
                @Override
                public int readInt() throws IOException {
                    if (next.next() instanceof Number n) {
                        return n.intValue();
                    }
                    throw new IOException("a java.time field that is not a number (expected: an int)");
                }

                @Override
                public @Nullable Object readObject() {
                    return next.next();
                }
            };
        }
    }
}
