package io.tern.triple.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes the protocol buffers wire format: the few field kinds the wrapper and gRPC's own messages use. */
final class ProtobufWriter {

    private final ByteArrayOutputStream out;

    ProtobufWriter(int expectedSize) {
        this.out = new ByteArrayOutputStream(expectedSize);
    }

    void writeBytes(int field, byte[] value) {
        writeVarint(((long) field << 3) | ProtobufReader.LENGTH_DELIMITED);
        writeVarint(value.length);
        out.write(value, 0, value.length);
    }

    void writeVarint(int field, long value) {
        writeVarint((long) field << 3 | ProtobufReader.VARINT);
        writeVarint(value);
    }

    void writeString(int field, String value) {
        writeBytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    private void writeVarint(long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
