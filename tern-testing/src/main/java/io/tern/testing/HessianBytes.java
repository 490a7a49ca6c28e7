package io.tern.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes Hessian2 by hand, for messages no honest writer would make. Not thread-safe. */
public final class HessianBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public HessianBytes tag(int... tags) {
        for (int tag : tags) {
            out.write(tag);
        }
        return this;
    }

    /** An int in its 5-byte form. */
    public HessianBytes integer(int value) {
        out.write('I');
        raw32(value);
        return this;
    }

    public HessianBytes raw32(int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    /** An ASCII string, in final chunks of at most 65,535 characters. */
    public HessianBytes string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        int offset = 0;
        do {
            int length = Math.min(bytes.length - offset, 0xffff);
            boolean last = offset + length == bytes.length;
            out.write(last ? 'S' : 'R');
            out.write(length >>> 8);
            out.write(length);
            out.write(bytes, offset, length);
            offset += length;
        } while (offset < bytes.length);
        return this;
    }

    /** A string chunk header declaring {@code length} characters, and nothing after it. */
    public HessianBytes stringHeader(int length) {
        out.write('S');
        out.write(length >>> 8);
        out.write(length);
        return this;
    }

    /** A class definition of {@code type} with these fields. */
    public HessianBytes definition(String type, String... fields) {
        out.write('C');
        string(type);
        integer(fields.length);
        for (String field : fields) {
            string(field);
        }
        return this;
    }

    /** A reference to the {@code index}th list, map or object of the message. */
    public HessianBytes ref(int index) {
        out.write('Q');
        return integer(index);
    }

    /**
     * A list of two references to the list below it, {@code levels} deep, ending in an empty
     * list: hashing it visits 2^levels lists. {@code slot} is the reference slot the outermost
     * list takes in the message.
     */
    public HessianBytes doublingList(int levels, int slot) {
        if (levels == 0) {
            return tag(0x78); // an empty list
        }
        tag(0x7a); // a list of two
        doublingList(levels - 1, slot + 1);
        return ref(slot + 1);
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    public int size() {
        return out.size();
    }
}
