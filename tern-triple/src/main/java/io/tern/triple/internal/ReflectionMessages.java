package io.tern.triple.internal;

import java.util.List;

/**
 * The messages of gRPC's server reflection ({@code reflection.proto}, the same in {@code v1} and
 * {@code v1alpha}): a {@code ServerReflectionRequest} asks one thing, and each
 * {@code ServerReflectionResponse} repeats the request it answers.
 */
public final class ReflectionMessages {

    /** {@code file_by_filename}. */
    public static final int FILE_BY_FILENAME = 3;
    /** {@code file_containing_symbol}. */
    public static final int FILE_CONTAINING_SYMBOL = 4;
    /** {@code file_containing_extension}. */
    public static final int FILE_CONTAINING_EXTENSION = 5;
    /** {@code all_extension_numbers_of_type}. */
    public static final int ALL_EXTENSION_NUMBERS_OF_TYPE = 6;
    /** {@code list_services}. */
    public static final int LIST_SERVICES = 7;

    private ReflectionMessages() {
    }

    /**
     * One request.
     *
     * @param raw the request's bytes, repeated in its answer
     * @param host field 1
     * @param kind which of the fields 3 to 7 it sets; 0 when none
     * @param value that field's text: the file name, symbol or type; for an extension, its containing type
     * @param extensionNumber the extension's number, for {@link #FILE_CONTAINING_EXTENSION}
     */
    public record Request(byte[] raw, String host, int kind, String value, int extensionNumber) {
    }

    /**
     * Reads a {@code ServerReflectionRequest}.
     *
     * @throws IllegalArgumentException naming what in the message was wrong
     */
    public static Request request(byte[] bytes) {
        ProtobufReader in = new ProtobufReader(bytes, "ServerReflectionRequest");
        String host = "";
        int kind = 0;
        String value = "";
        int number = 0;
        while (!in.atEnd()) {
            int tag = in.readTag();
            int field = tag >>> 3;
            switch (field) {
                case 1 -> {
                    in.expect(tag, ProtobufReader.LENGTH_DELIMITED, "host");
                    host = in.readString("host");
                }
                case FILE_BY_FILENAME, FILE_CONTAINING_SYMBOL, ALL_EXTENSION_NUMBERS_OF_TYPE, LIST_SERVICES -> {
                    in.expect(tag, ProtobufReader.LENGTH_DELIMITED, "field " + field);
                    value = in.readString("field " + field);
                    kind = field;
                }
                case FILE_CONTAINING_EXTENSION -> {
                    in.expect(tag, ProtobufReader.LENGTH_DELIMITED, "file_containing_extension");
                    ProtobufReader extension = new ProtobufReader(in.readBytes(), "ExtensionRequest");
                    value = "";
                    number = 0;
                    while (!extension.atEnd()) {
                        int inner = extension.readTag();
                        if (inner >>> 3 == 1) {
                            extension.expect(inner, ProtobufReader.LENGTH_DELIMITED, "containing_type");
                            value = extension.readString("containing_type");
                        } else if (inner >>> 3 == 2) {
                            extension.expect(inner, ProtobufReader.VARINT, "extension_number");
                            number = (int) extension.readVarint();
                        } else {
                            extension.skip(inner);
                        }
                    }
                    kind = field;
                }
                default -> in.skip(tag);
            }
        }
        return new Request(bytes, host, kind, value, number);
    }

    /** A {@code file_descriptor_response}: each file an encoded {@code FileDescriptorProto}. */
    public static byte[] files(Request request, List<byte[]> files) {
        ProtobufWriter body = new ProtobufWriter(64);
        for (byte[] file : files) {
            body.writeBytes(1, file);
        }
        return response(request, 4, body);
    }

    /** A {@code list_services_response} naming each service. */
    public static byte[] services(Request request, List<String> names) {
        ProtobufWriter body = new ProtobufWriter(64);
        for (String name : names) {
            ProtobufWriter service = new ProtobufWriter(name.length() + 2);
            service.writeString(1, name);
            body.writeBytes(1, service.toByteArray());
        }
        return response(request, 6, body);
    }

    /** An {@code all_extension_numbers_response}. */
    public static byte[] extensionNumbers(Request request, String type, List<Integer> numbers) {
        ProtobufWriter body = new ProtobufWriter(type.length() + 4 * numbers.size() + 4);
        body.writeString(1, type);
        for (int number : numbers) {
            body.writeVarint(2, number);
        }
        return response(request, 5, body);
    }

    /** An {@code error_response} with a gRPC status code and a message. */
    public static byte[] error(Request request, int code, String message) {
        ProtobufWriter body = new ProtobufWriter(message.length() + 8);
        body.writeVarint(1, code);
        body.writeString(2, message);
        return response(request, 7, body);
    }

    private static byte[] response(Request request, int field, ProtobufWriter body) {
        byte[] answer = body.toByteArray();
        ProtobufWriter out = new ProtobufWriter(request.raw().length + answer.length + request.host().length() + 12);
        if (!request.host().isEmpty()) {
            out.writeString(1, request.host());
        }
        out.writeBytes(2, request.raw());
        out.writeBytes(field, answer);
        return out.toByteArray();
    }
}
