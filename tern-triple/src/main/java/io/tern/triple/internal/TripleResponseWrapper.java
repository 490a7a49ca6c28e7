package io.tern.triple.internal;

import static java.util.Objects.requireNonNull;

/**
 * The message a plain Java interface's answer travels in over Triple
 * ({@code org.apache.dubbo.triple.TripleResponseWrapper}): the serialization's name, the
 * serialized value (or, with a non-zero {@code tri-exception-code} header, the serialized
 * exception), and the value's Java type.
 *
 * @param serializeType field 1
 * @param data field 2
 * @param type field 3
 */
public record TripleResponseWrapper(String serializeType, byte[] data, String type) {

    public TripleResponseWrapper {
        requireNonNull(serializeType, "serializeType");
        requireNonNull(data, "data");
        requireNonNull(type, "type");
    }

    public byte[] encode() {
        ProtobufWriter out = new ProtobufWriter(serializeType.length() + data.length + type.length() + 12);
        if (!serializeType.isEmpty()) {
            out.writeString(1, serializeType);
        }
        if (data.length > 0) {
            out.writeBytes(2, data);
        }
        if (!type.isEmpty()) {
            out.writeString(3, type);
        }
        return out.toByteArray();
    }

    /**
     * Decodes one message.
     *
     * @throws IllegalArgumentException naming what in it was wrong
     */
    public static TripleResponseWrapper decode(byte[] message) {
        ProtobufReader in = new ProtobufReader(message, "TripleResponseWrapper");
        String serializeType = "";
        byte[] data = new byte[0];
        String type = "";
        while (!in.atEnd()) {
            int tag = in.readTag();
            switch (tag >>> 3) {
                case 1 -> {
                    in.expect(tag, ProtobufReader.LENGTH_DELIMITED, "serializeType");
                    serializeType = in.readString("serializeType");
                }
                case 2 -> {
                    in.expect(tag, ProtobufReader.LENGTH_DELIMITED, "data");
                    data = in.readBytes();
                }
                case 3 -> {
                    in.expect(tag, ProtobufReader.LENGTH_DELIMITED, "type");
                    type = in.readString("type");
                }
                default -> in.skip(tag);
            }
        }
        return new TripleResponseWrapper(serializeType, data, type);
    }
}
