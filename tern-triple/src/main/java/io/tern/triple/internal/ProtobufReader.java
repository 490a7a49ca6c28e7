package io.tern.triple.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protocol buffers wire format from a byte array, strictly: a field whose wire type
 * is not what the message declares, a truncated value, a varint over ten bytes, a length past
 * the end and a string that is not UTF-8 are each an error naming what was wrong, before
 * anything is allocated for it. Groups (wire types 3 and 4) are refused.
 */
final class ProtobufReader {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] bytes;
    private final String message;
    private int position;

    ProtobufReader(byte[] bytes, String message) {
        this.bytes = bytes;
        this.message = message;
    }

    boolean atEnd() {
        return position >= bytes.length;
    }

    /** The next field's tag: its number shifted left three bits, with the wire type below. */
    int readTag() {
        long tag = readVarint();
        if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
            throw error("field number " + (tag >>> 3) + " at byte " + position + " (expected: 1 to 2^29-1)");
        }
        return (int) tag;
    }

    long readVarint() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= bytes.length) {
                throw error("a varint cut off at byte " + position);
            }
            byte b = bytes[position++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw error("a varint longer than ten bytes at byte " + position);
    }

    byte[] readBytes() {
        int length = readLength();
        byte[] value = new byte[length];
        System.arraycopy(bytes, position, value, 0, length);
        position += length;
        return value;
    }

    String readString(String field) {
        int length = readLength();
        try {
            String value = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, position, length)).toString();
            position += length;
            return value;
        } catch (CharacterCodingException e) {
            throw error(field + ": not UTF-8 (expected: a UTF-8 string)");
        }
    }

    /** Skips a field of an unknown number, as protocol buffers readers do. */
    void skip(int tag) {
        switch (tag & 7) {
            case VARINT -> readVarint();
            case FIXED64 -> advance(8);
            case LENGTH_DELIMITED -> advance(readLength());
            case FIXED32 -> advance(4);
            default -> throw error("wire type " + (tag & 7) + " of field " + (tag >>> 3)
                    + " (expected: 0, 1, 2 or 5; groups are not read)");
        }
    }

    /** Checks that a known field arrived with the wire type the message declares for it. */
    void expect(int tag, int wireType, String field) {
        if ((tag & 7) != wireType) {
            throw error(field + " with wire type " + (tag & 7) + " (expected: " + wireType + ")");
        }
    }

    private int readLength() {
        long length = readVarint();
        if (length < 0 || length > bytes.length - position) {
            throw error("a length of " + length + " at byte " + position + " with " + (bytes.length - position)
                    + " bytes left (expected: no more than are left)");
        }
        return (int) length;
    }

    private void advance(int count) {
        if (count > bytes.length - position) {
            throw error("a value cut off at byte " + position);
        }
        position += count;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(message + ": " + what);
    }
}
