package io.tern.triple.internal;

import org.jspecify.annotations.Nullable;

/**
 * Tells protobuf messages apart without needing protobuf-java: it is an optional dependency,
 * only present for services whose methods take and return messages. {@link ProtobufCodec},
 * which does need it, is loaded only for such methods.
 */
public final class Protobuf {

    private static final @Nullable Class<?> MESSAGE = messageClass();

    private Protobuf() {
    }

    private static @Nullable Class<?> messageClass() {
        try {
            return Class.forName("com.google.protobuf.Message", false, Protobuf.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** Whether protobuf-java is present. */
    public static boolean present() {
        return MESSAGE != null;
    }

    /** Whether {@code type} is a generated protobuf message class. */
    public static boolean isMessage(Class<?> type) {
        Class<?> message = MESSAGE;
        return message != null && message.isAssignableFrom(type) && type != message;
    }
}
