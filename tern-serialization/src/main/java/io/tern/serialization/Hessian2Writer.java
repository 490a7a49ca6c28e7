package io.tern.serialization;

import io.netty.buffer.ByteBuf;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Tern's Hessian2 writer: the bytes hessian-lite's {@code Hessian2Output} writes for the same
 * values, byte for byte, written straight into a {@link ByteBuf}. Values are written by the
 * per-class writers of {@link ObjectWriters}.
 *
 * <p>hessian-lite writes through an 8 KiB buffer, and where a byte array is split into chunks
 * depends on how full that buffer is; so this writer keeps count of the fill hessian-lite's buffer
 * would have ({@link #fill}), following its flushes exactly, and splits byte arrays at the same
 * places. Nothing else depends on it.
 *
 * <p>Not thread-safe; one per message. Closed writers return to their serialization's pool.
 */
final class Hessian2Writer implements ObjectOutput {

    /** hessian-lite's buffer size. */
    private static final int SIZE = 8 * 1024;
    /** Tables a message grew past this many entries are dropped on close. */
    private static final int RETAINED_TABLE = 256;

    private final ObjectWriters writers;
    private final ReusePool<Hessian2Writer> pool;
    private @Nullable ByteBuf out;
    private boolean open;
    /** How full hessian-lite's buffer would be now. */
    private int fill;
    private @Nullable IdentityHashMap<Object, Integer> refs;
    private int refCount;
    /** The class definitions this message wrote, in order; found by identity first (names are constants). */
    private String[] classNames = new String[8];
    private int classCount;
    private @Nullable Map<String, Integer> types;

    Hessian2Writer(ObjectWriters writers, ReusePool<Hessian2Writer> pool) {
        this.writers = writers;
        this.pool = pool;
    }

    void open(ByteBuf target) {
        out = target;
        open = true;
        fill = 0;
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        out = null;
        refs = clear(refs);
        if (classNames.length > RETAINED_TABLE) {
            classNames = new String[8];
        } else {
            java.util.Arrays.fill(classNames, 0, classCount, null);
        }
        classCount = 0;
        types = clear(types);
        refCount = 0;
        pool.offer(this);
    }

    private static <M extends Map<?, ?>> @Nullable M clear(@Nullable M table) {
        if (table == null || table.size() > RETAINED_TABLE) {
            return null;
        }
        table.clear();
        return table;
    }

    private ByteBuf out() {
        ByteBuf buf = out;
        if (buf == null) {
            throw new IllegalStateException("writer closed");
        }
        return buf;
    }

    // ---- ObjectOutput ----

    @Override
    public void writeUTF(@Nullable String value) {
        writeString(value);
    }

    @Override
    public void writeInt(int value) {
        flushAtOrOver(16);
        ByteBuf out = out();
        if (-0x10 <= value && value <= 0x2f) {
            out.writeByte(value + 0x90);
            fill += 1;
        } else if (-0x800 <= value && value <= 0x7ff) {
            out.writeShort(((0xc8 + (value >> 8)) << 8) | (value & 0xff));
            fill += 2;
        } else if (-0x40000 <= value && value <= 0x3ffff) {
            out.writeMedium(((0xd4 + (value >> 16)) << 16) | (value & 0xffff));
            fill += 3;
        } else {
            out.writeByte('I');
            out.writeInt(value);
            fill += 5;
        }
    }

    @Override
    public void writeObject(@Nullable Object value) {
        writeValue(value);
    }

    @Override
    public void writeMapBegin() {
        writeMapStart(null);
        takeSlot(); // a map written entry by entry takes a reference slot as any map does
    }

    @Override
    public void writeMapEnd() {
        writeEnd();
    }

    // ---- values ----

    void writeValue(@Nullable Object value) {
        if (value == null) {
            writeNull();
        } else {
            writers.forClass(value.getClass()).write(this, value);
        }
    }

    void writeNull() {
        flushAtOrOver(16);
        out().writeByte('N');
        fill += 1;
    }

    void writeBoolean(boolean value) {
        flushOver(16);
        out().writeByte(value ? 'T' : 'F');
        fill += 1;
    }

    void writeLong(long value) {
        flushAtOrOver(16);
        ByteBuf out = out();
        if (-0x08 <= value && value <= 0x0f) {
            out.writeByte((int) value + 0xe0);
            fill += 1;
        } else if (-0x800 <= value && value <= 0x7ff) {
            out.writeShort(((0xf8 + (int) (value >> 8)) << 8) | (int) (value & 0xff));
            fill += 2;
        } else if (-0x40000 <= value && value <= 0x3ffff) {
            out.writeMedium(((0x3c + (int) (value >> 16)) << 16) | (int) (value & 0xffff));
            fill += 3;
        } else if (Integer.MIN_VALUE <= value && value <= Integer.MAX_VALUE) {
            out.writeByte(0x59);
            out.writeInt((int) value);
            fill += 5;
        } else {
            out.writeByte('L');
            out.writeLong(value);
            fill += 9;
        }
    }

    void writeDouble(double value) {
        flushAtOrOver(16);
        ByteBuf out = out();
        int intValue = (int) value;
        if (intValue == value) {
            if (intValue == 0) {
                out.writeByte(0x5b);
                fill += 1;
                return;
            }
            if (intValue == 1) {
                out.writeByte(0x5c);
                fill += 1;
                return;
            }
            if (-0x80 <= intValue && intValue < 0x80) {
                out.writeByte(0x5d);
                out.writeByte(intValue);
                fill += 2;
                return;
            }
            if (-0x8000 <= intValue && intValue < 0x8000) {
                out.writeByte(0x5e);
                out.writeShort(intValue);
                fill += 3;
                return;
            }
        }
        int mills = (int) (value * 1000);
        if (0.001 * mills == value) {
            out.writeByte(0x5f);
            out.writeInt(mills);
            fill += 5;
            return;
        }
        out.writeByte('D');
        out.writeLong(Double.doubleToLongBits(value));
        fill += 9;
    }

    void writeUtcDate(long time) {
        flushOver(32);
        ByteBuf out = out();
        if (time % 60000L == 0) {
            long minutes = time / 60000L;
            if ((minutes >> 31) == 0 || (minutes >> 31) == -1) {
                out.writeByte(0x4b);
                out.writeInt((int) minutes);
                fill += 5;
                return;
            }
        }
        out.writeByte(0x4a);
        out.writeLong(time);
        fill += 9;
    }

    void writeString(@Nullable String value) {
        if (value == null) {
            writeNull();
            return;
        }
        flushAtOrOver(16);
        ByteBuf out = out();
        int length = value.length();
        int offset = 0;
        while (length > 0x8000) {
            int chunk = 0x8000;
            flushAtOrOver(16);
            char tail = value.charAt(offset + chunk - 1);
            if (Character.isHighSurrogate(tail)) {
                chunk--; // a chunk does not end inside a surrogate pair
            }
            out.writeByte('R');
            out.writeShort(chunk);
            fill += 3;
            printString(value, offset, chunk);
            length -= chunk;
            offset += chunk;
        }
        flushAtOrOver(16);
        if (length <= 0x1f) {
            out.writeByte(length);
            fill += 1;
        } else if (length <= 0x3ff) {
            out.writeShort(((0x30 + (length >> 8)) << 8) | (length & 0xff));
            fill += 2;
        } else {
            out.writeByte('S');
            out.writeShort(length);
            fill += 3;
        }
        printString(value, offset, length);
    }

    /** A character, as the one-character string hessian-lite writes for it. */
    void writeChar(char ch) {
        flushAtOrOver(16);
        out().writeByte(1);
        fill += 1;
        if (SIZE <= fill + 16) {
            fill = 0;
        }
        utf8(out(), ch);
    }

    /** One UTF-16 unit in one to three bytes, as hessian-lite writes it. */
    private void utf8(ByteBuf out, char ch) {
        if (ch < 0x80) {
            out.writeByte(ch);
            fill += 1;
        } else if (ch < 0x800) {
            out.writeShort(((0xc0 + ((ch >> 6) & 0x1f)) << 8) | (0x80 + (ch & 0x3f)));
            fill += 2;
        } else {
            out.writeMedium(((0xe0 + ((ch >> 12) & 0xf)) << 16) | ((0x80 + ((ch >> 6) & 0x3f)) << 8)
                    | (0x80 + (ch & 0x3f)));
            fill += 3;
        }
    }

    /** Characters as Hessian's UTF-8: each UTF-16 unit on its own, in one to three bytes. */
    private void printString(String value, int offset, int length) {
        ByteBuf out = out();
        int end = offset + length;
        int ascii = offset;
        while (ascii < end && value.charAt(ascii) < 0x80) {
            ascii++;
        }
        if (ascii > offset) {
            if (offset == 0 && ascii == value.length()) {
                out.writeCharSequence(value, java.nio.charset.StandardCharsets.ISO_8859_1);
            } else {
                out.ensureWritable(ascii - offset);
                int index = out.writerIndex();
                for (int i = offset; i < ascii; i++) {
                    out.setByte(index++, value.charAt(i));
                }
                out.writerIndex(index);
            }
            advanceAscii(ascii - offset);
        }
        for (int i = ascii; i < end; i++) {
            if (SIZE <= fill + 16) {
                fill = 0;
            }
            utf8(out, value.charAt(i));
        }
    }

    /** The fill after {@code count} one-byte characters, each checked for a flush before it. */
    private void advanceAscii(int count) {
        int remaining = count;
        while (remaining > 0) {
            if (fill >= SIZE - 16) {
                fill = 0;
            }
            int take = Math.min(SIZE - 16 - fill, remaining);
            fill += take;
            remaining -= take;
        }
    }

    void writeBytes(byte @Nullable [] bytes) {
        if (bytes == null) {
            flushOver(16);
            out().writeByte('N');
            fill += 1;
            return;
        }
        ByteBuf out = out();
        int offset = 0;
        int length = bytes.length;
        while (SIZE - fill - 3 < length) {
            int chunk = SIZE - fill - 3;
            if (chunk < 16) {
                fill = 0;
                chunk = SIZE - 3;
                if (length < chunk) {
                    chunk = length;
                }
            }
            out.writeByte('A');
            out.writeShort(chunk);
            out.writeBytes(bytes, offset, chunk);
            length -= chunk;
            offset += chunk;
            fill = 0; // hessian-lite flushes after each chunk
        }
        flushOver(16);
        if (length <= 0x0f) {
            out.writeByte(0x20 + length);
            fill += 1;
        } else if (length <= 0x3ff) {
            out.writeShort(((0x34 + (length >> 8)) << 8) | (length & 0xff));
            fill += 2;
        } else {
            out.writeByte('B');
            out.writeShort(length);
            fill += 3;
        }
        out.writeBytes(bytes, offset, length);
        fill += length;
    }

    /**
     * Takes {@code value}'s reference slot, or writes a reference to the slot it took before.
     *
     * @return whether a reference was written (and the value must not be)
     */
    boolean addRef(Object value) {
        IdentityHashMap<Object, Integer> table = refs;
        if (table == null) {
            table = refs = new IdentityHashMap<>();
        }
        Integer seen = table.putIfAbsent(value, refCount);
        if (seen == null) {
            refCount++;
            return false;
        }
        flushOver(16);
        out().writeByte(0x51);
        fill += 1;
        writeInt(seen);
        return true;
    }

    /** Takes a reference slot for a value no later value can be (a copy, a handle made to write). */
    void takeSlot() {
        refCount++;
    }

    /**
     * Starts an object of {@code type}: writes its definition first when this message has not,
     * using {@code fields} for it, then the instance's tag.
     */
    void writeObjectStart(String type, String[] fields) {
        int index = classIndex(type);
        if (index < 0) {
            if (classCount == classNames.length) {
                classNames = java.util.Arrays.copyOf(classNames, classCount * 2);
            }
            index = classCount;
            classNames[classCount++] = type;
            flushOver(32);
            out().writeByte('C');
            fill += 1;
            writeString(type);
            writeInt(fields.length);
            for (String field : fields) {
                writeString(field);
            }
        }
        flushOver(32);
        if (index <= 0x0f) {
            out().writeByte(0x60 + index);
            fill += 1;
        } else {
            out().writeByte('O');
            fill += 1;
            writeInt(index);
        }
    }

    private int classIndex(String type) {
        for (int i = 0; i < classCount; i++) {
            if (classNames[i] == type) {
                return i;
            }
        }
        for (int i = 0; i < classCount; i++) {
            if (classNames[i].equals(type)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Starts a list of {@code length} elements (negative: ended by {@link #writeEnd}), of a type
     * ({@code null}: untyped); returns whether it must be ended.
     */
    boolean writeListStart(int length, @Nullable String type) {
        flushOver(32);
        ByteBuf out = out();
        if (length < 0) {
            out.writeByte(type != null ? 0x55 : 0x57);
            fill += 1;
            if (type != null) {
                writeType(type);
            }
            return true;
        }
        if (length <= 7) {
            out.writeByte((type != null ? 0x70 : 0x78) + length);
            fill += 1;
            if (type != null) {
                writeType(type);
            }
            return false;
        }
        out.writeByte(type != null ? 'V' : 0x58);
        fill += 1;
        if (type != null) {
            writeType(type);
        }
        writeInt(length);
        return false;
    }

    void writeMapStart(@Nullable String type) {
        flushOver(32);
        out().writeByte(type != null ? 'M' : 'H');
        fill += 1;
        if (type != null) {
            writeType(type);
        }
    }

    void writeEnd() {
        flushOver(32);
        out().writeByte('Z');
        fill += 1;
    }

    private void writeType(String type) {
        flushOver(32);
        Map<String, Integer> table = types;
        if (table == null) {
            table = types = new HashMap<>();
        }
        Integer index = table.get(type);
        if (index != null) {
            writeInt(index);
        } else {
            table.put(type, table.size());
            writeString(type);
        }
    }

    private void flushAtOrOver(int room) {
        if (SIZE <= fill + room) {
            fill = 0;
        }
    }

    private void flushOver(int room) {
        if (SIZE < fill + room) {
            fill = 0;
        }
    }
}
