package io.tern.triple.internal;

import com.google.protobuf.Internal;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/**
 * Protobuf messages in JSON, as protobuf's own JSON mapping writes them ({@code JsonFormat}:
 * fields by their JSON names, 64-bit integers as strings, enums by name): how a protobuf method
 * is called over HTTP/1.1. Needs protobuf-java-util; loaded only for such calls.
 */
public final class ProtobufJson {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private ProtobufJson() {
    }

    /**
     * The message of generated class {@code type} that {@code json} writes.
     *
     * @throws IllegalArgumentException naming what in the JSON was wrong
     */
    @SuppressWarnings("unchecked")
    public static Message parse(Class<?> type, String json) {
        Message.Builder builder = Internal.getDefaultInstance((Class<Message>) type).newBuilderForType();
        try {
            PARSER.merge(json, builder);
            return builder.build();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            String why = e.getCause() != null && e.getCause().getClass().getName().startsWith("com.google.gson")
                    ? "not JSON" : String.valueOf(e.getMessage());
            throw new IllegalArgumentException("body: " + why + " (expected: a JSON object of "
                    + builder.getDescriptorForType().getFullName() + ")", e);
        }
    }

    /** {@code message} in JSON. */
    public static String print(Object message) {
        try {
            return PRINTER.print((MessageOrBuilder) message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("a " + message.getClass().getName() + " that JSON cannot carry: "
                    + e.getMessage(), e);
        }
    }
}
