package io.tern.serialization;

import io.netty.buffer.ByteBuf;
import io.tern.ClassPolicy;
import io.tern.RpcException;
import io.tern.RpcStatus;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Tern's Hessian2 reader, written for peers that may be hostile. It reads the bytes hessian-lite
 * (and so Apache Dubbo) writes, into exactly the types the {@link ClassPolicy} allows, and the work
 * and memory it spends are linear in the bytes of the message:
 *
 * <ul>
 *   <li>every declared length (of a string, binary, list or class definition) is checked against
 *       the bytes left in the message before anything is allocated for it;
 *   <li>nesting, type names, class definitions, fields and references per message are capped
 *       ({@link #MAX_DEPTH} and the other limits here);
 *   <li>a map key or set element may not contain a list, map or array, nor refer back to an object
 *       or collection read earlier, so a peer cannot make hashing the keys expensive;
 *   <li>a class is resolved only through {@link ObjectReaders}, which asks the policy first.
 * </ul>
 *
 * <p>Not thread-safe; one per message. Closed readers return to their serialization's pool, with
 * tables that grew large for one message dropped rather than kept.
 */
final class Hessian2Reader implements ObjectInput {

    /** Lists, maps and objects nested deeper than this are refused. */
    static final int MAX_DEPTH = 256;
    /** Class and type names longer than this, in characters, are refused before they are read. */
    static final int MAX_TYPE_NAME_LENGTH = 1024;
    /** Class definitions (and list or map type names) per message. */
    static final int MAX_CLASS_DEFINITIONS = 1024;
    /** Fields one class definition may declare. */
    static final int MAX_FIELDS = 1024;
    /** Lists, maps and objects per message (each takes a slot in the reference table). */
    static final int MAX_REFERENCES = 1 << 20;
    /** Tables a message grew past this many slots are dropped on close, not kept for the next. */
    private static final int RETAINED_TABLE = 256;

    /** Characters a string is decoded through before it is made, when it fits. */
    private static final int SCRATCH = 1024;

    private final ObjectReaders readers;
    private final ReusePool<Hessian2Reader> pool;
    private final char[] scratch = new char[SCRATCH];
    /** The bytes of a string, copied out of the buffer in one go before they are decoded. */
    private final byte[] bytes = new byte[3 * SCRATCH];
    private @Nullable ByteBuf in;
    private boolean open;

    private Object[] refs = new Object[16];
    private int refCount;
    private ClassDef[] defs = new ClassDef[8];
    private int defCount;
    private String[] types = new String[8];
    private int typeCount;
    private int depth;
    /** Above zero while a map key or set element is read. */
    private int keyDepth;
    /** The one unfinished value a reference may return: a throwable's own slot, read as its cause. */
    private @Nullable Pending allowedSelf;

    Hessian2Reader(ObjectReaders readers, ReusePool<Hessian2Reader> pool) {
        this.readers = readers;
        this.pool = pool;
    }

    /** A class definition of this message: the reader of its class and its plan for these fields. */
    record ClassDef(ObjectReader reader, String[] fields, Object plan) {
    }

    /** The placeholder of a reference slot whose value is still being read. */
    static final class Pending {
        static final Pending UNFINISHED = new Pending();
    }

    void open(ByteBuf body) {
        in = body;
        open = true;
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        in = null;
        refs = clear(refs, refCount);
        defs = clear(defs, defCount);
        types = clear(types, typeCount);
        refCount = 0;
        defCount = 0;
        typeCount = 0;
        depth = 0;
        keyDepth = 0;
        allowedSelf = null;
        pool.offer(this);
    }

    private static <T> T[] clear(T[] table, int used) {
        if (table.length > RETAINED_TABLE) {
            return Arrays.copyOf(table, 8); // a copy of its first slots, cleared below: the big one goes
        }
        Arrays.fill(table, 0, Math.min(used, table.length), null);
        return table;
    }

    /** A {@code double} field: read without boxing when it is written as one. */
    double floating() {
        int tag = peek();
        if (isDouble(tag)) {
            in().skipBytes(1);
            return doubleBody(tag);
        }
        return (Double) Conversions.toPrimitive(read(double.class), double.class);
    }

    /** A {@code boolean} field. */
    boolean bool() {
        int tag = peek();
        if (tag == 'T' || tag == 'F') {
            in().skipBytes(1);
            return tag == 'T';
        }
        return (Boolean) Conversions.toPrimitive(read(boolean.class), boolean.class);
    }

    /** Slots in this reader's tables; for tests of what a pooled reader keeps. */
    int tableSlots() {
        return refs.length + defs.length + types.length;
    }

    private ByteBuf in() {
        ByteBuf buf = in;
        if (buf == null) {
            throw new IllegalStateException("reader closed");
        }
        return buf;
    }

    // ---- ObjectInput ----

    @Override
    public @Nullable String readUTF() {
        try {
            int tag = tag();
            return tag == 'N' ? null : string(tag, Integer.MAX_VALUE);
        } catch (RuntimeException | StackOverflowError e) {
            throw failure("a string", e);
        }
    }

    @Override
    public int readInt() {
        try {
            Object value = scalar(tag());
            return (Integer) Conversions.toPrimitive(value, int.class);
        } catch (RuntimeException | StackOverflowError e) {
            throw failure("an int", e);
        }
    }

    @Override
    public @Nullable Object readObject() {
        return readObject(Object.class);
    }

    @Override
    public @Nullable Object readObject(Class<?> type) {
        try {
            return read(type);
        } catch (RuntimeException | StackOverflowError e) {
            throw failure("a " + type.getName(), e);
        }
    }

    private static RpcException failure(String reading, Throwable e) {
        if (e instanceof RpcException rpc) {
            return rpc;
        }
        if (e instanceof IndexOutOfBoundsException) {
            return malformed("cannot read " + reading + ": the message ends inside a value");
        }
        return new RpcException(RpcStatus.SERIALIZATION, "hessian2: cannot read " + reading + ": "
                + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }

    static RpcException malformed(String what) {
        return new RpcException(RpcStatus.SERIALIZATION, "hessian2: " + what);
    }

    static RpcException limit(String what) {
        return new RpcException(RpcStatus.LIMIT_EXCEEDED, "hessian2: " + what);
    }

    // ---- values ----

    /** Reads the next value as {@code expected} (a primitive type reads its boxed value). */
    @Nullable Object read(Class<?> expected) {
        Pending self = allowedSelf;
        allowedSelf = null; // the allowance is for this value alone, not for anything inside it
        int tag = tag();
        while (tag == 'C') {
            definition();
            tag = tag();
        }
        switch (tag) {
            case 'N':
                return Conversions.convert(null, expected);
            case 'Q':
                return reference(expected, self);
            case 'H':
                return map(null, expected);
            case 'M':
                return map(type(), expected);
            case 'O':
                return object(intValue(), expected);
            case 'U':
                return list(type(), -1, expected);
            case 'V': {
                String type = type();
                return list(type, intValue(), expected);
            }
            case 'W':
                return list(null, -1, expected);
            case 'X':
                return list(null, intValue(), expected);
            default:
                if (tag >= 0x60 && tag <= 0x6f) {
                    return object(tag - 0x60, expected);
                }
                if (tag >= 0x70 && tag <= 0x77) {
                    return list(type(), tag - 0x70, expected);
                }
                if (tag >= 0x78 && tag <= 0x7f) {
                    return list(null, tag - 0x78, expected);
                }
                return Conversions.convert(scalar(tag), expected);
        }
    }

    /** A value Hessian writes inline: a number, boolean, string, binary or date. */
    private Object scalar(int tag) {
        ByteBuf in = in();
        if (isInt(tag)) {
            return intBody(tag);
        }
        if (isLong(tag)) {
            return longBody(tag);
        }
        if (isDouble(tag)) {
            return doubleBody(tag);
        }
        if (tag <= 0x1f || tag >= 0x30 && tag <= 0x33 || tag == 'S' || tag == 'R') {
            return string(tag, Integer.MAX_VALUE);
        }
        if (tag >= 0x20 && tag <= 0x2f || tag >= 0x34 && tag <= 0x37 || tag == 'A' || tag == 'B') {
            return binary(tag);
        }
        return switch (tag) {
            case 'T' -> Boolean.TRUE;
            case 'F' -> Boolean.FALSE;
            case 'J' -> new Date(in.readLong());
            case 'K' -> new Date(in.readInt() * 60000L);
            default -> throw malformed(String.format("unexpected tag 0x%02x", tag));
        };
    }

    /** An int as Hessian writes lengths, counts and indexes. */
    private int intValue() {
        int tag = tag();
        if (isInt(tag)) {
            return intBody(tag);
        }
        throw malformed(String.format("unexpected tag 0x%02x (expected: an int)", tag));
    }

    private static boolean isInt(int tag) {
        return tag >= 0x80 && tag <= 0xd7 || tag == 'I';
    }

    private static boolean isLong(int tag) {
        return tag >= 0xd8 || tag >= 0x38 && tag <= 0x3f || tag == 'Y' || tag == 'L';
    }

    /** The long whose tag, one of {@link #isLong}'s, was just read. */
    private long longBody(int tag) {
        ByteBuf in = in();
        if (tag >= 0xf0) {
            return ((tag - 0xf8) << 8) + in.readUnsignedByte();
        }
        if (tag >= 0xd8) {
            return tag - 0xe0;
        }
        return switch (tag) {
            case 'Y' -> in.readInt();
            case 'L' -> in.readLong();
            default -> ((tag - 0x3c) << 16) + in.readUnsignedShort();
        };
    }

    private static boolean isDouble(int tag) {
        return tag == 'D' || tag >= 0x5b && tag <= 0x5f;
    }

    /** The double whose tag, one of {@link #isDouble}'s, was just read. */
    private double doubleBody(int tag) {
        ByteBuf in = in();
        return switch (tag) {
            case 'D' -> in.readDouble();
            case 0x5b -> 0.0;
            case 0x5c -> 1.0;
            case 0x5d -> in.readByte();
            case 0x5e -> in.readShort();
            default -> 0.001 * in.readInt();
        };
    }

    /** The int whose tag, one of {@link #isInt}'s, was just read. */
    private int intBody(int tag) {
        ByteBuf in = in();
        if (tag <= 0xbf) {
            return tag == 'I' ? in.readInt() : tag - 0x90;
        }
        if (tag <= 0xcf) {
            return ((tag - 0xc8) << 8) + in.readUnsignedByte();
        }
        return ((tag - 0xd4) << 16) + in.readUnsignedShort();
    }

    private int tag() {
        return in().readUnsignedByte();
    }

    private int peek() {
        ByteBuf in = in();
        return in.getUnsignedByte(in.readerIndex());
    }

    /** A string of at most {@code maxChars} characters, {@code tag} its first chunk's tag. */
    private String string(int tag, int maxChars) {
        ByteBuf in = in();
        StringBuilder chunks = null;
        for (;;) {
            boolean last = true;
            int length;
            if (tag <= 0x1f) {
                length = tag;
            } else if (tag >= 0x30 && tag <= 0x33) {
                length = ((tag - 0x30) << 8) + in.readUnsignedByte();
            } else if (tag == 'S' || tag == 'R') {
                last = tag == 'S';
                length = in.readUnsignedShort();
            } else {
                throw malformed(String.format("unexpected tag 0x%02x (expected: a string)", tag));
            }
            int total = (chunks == null ? 0 : chunks.length()) + length;
            if (total > maxChars) {
                throw limit("a name of more than " + maxChars + " characters (expected: at most " + maxChars + ")");
            }
            requireBytes(length, "characters");
            if (last && chunks == null) {
                return chars(length);
            }
            if (chunks == null) {
                chunks = new StringBuilder(Math.min(total * 2, 1 << 16));
            }
            chunks.append(chars(length));
            if (last) {
                return chunks.toString();
            }
            tag = tag();
        }
    }

    /** {@code length} characters of Hessian's UTF-8 (each UTF-16 unit written on its own). */
    private String chars(int length) {
        ByteBuf in = in();
        int start = in.readerIndex();
        // The bytes are copied out in one go and decoded there: first the string's length in bytes
        // (the caller checked that many are left), which is all of it when it is ASCII.
        byte[] utf8 = length <= bytes.length ? bytes : new byte[length];
        in.getBytes(start, utf8, 0, length);
        if (length <= StringCache.MAX_LENGTH) {
            String cached = readers.strings().ascii(utf8, length);
            if (cached != null) {
                in.skipBytes(length);
                return cached;
            }
        }
        int p = 0;
        while (p < length && utf8[p] >= 0) {
            p++;
        }
        if (p == length) {
            in.skipBytes(length);
            return new String(utf8, 0, length, StandardCharsets.ISO_8859_1); // ASCII: one byte, one char
        }
        // Not ASCII: up to three bytes a character.
        int span = (int) Math.min(in.readableBytes(), 3L * length);
        if (span > length) {
            if (span > utf8.length) {
                utf8 = span <= bytes.length ? bytes : Arrays.copyOf(utf8, span);
            }
            in.getBytes(start + length, utf8, length, span - length);
        }
        char[] out = length <= SCRATCH ? scratch : new char[length];
        for (int i = 0; i < p; i++) {
            out[i] = (char) utf8[i];
        }
        int at = p;
        for (int i = p; i < length; i++) {
            if (at >= span) {
                throw malformed("a string of " + length + " characters runs past the end of the message");
            }
            int b = utf8[at++] & 0xff;
            if (b < 0x80) {
                out[i] = (char) b;
            } else if ((b & 0xe0) == 0xc0) {
                out[i] = (char) (((b & 0x1f) << 6) | continuation(utf8, at++, span));
            } else if ((b & 0xf0) == 0xe0) {
                int high = continuation(utf8, at++, span);
                out[i] = (char) (((b & 0x0f) << 12) | (high << 6) | continuation(utf8, at++, span));
            } else {
                throw malformed(String.format("bad UTF-8 lead byte 0x%02x in a string", b));
            }
        }
        in.skipBytes(at);
        return new String(out, 0, length);
    }

    private static int continuation(byte[] utf8, int at, int span) {
        if (at >= span) {
            throw malformed("a string runs past the end of the message");
        }
        int b = utf8[at] & 0xff;
        if ((b & 0xc0) != 0x80) {
            throw malformed(String.format("bad UTF-8 continuation byte 0x%02x in a string", b));
        }
        return b & 0x3f;
    }

    private byte[] binary(int tag) {
        ByteBuf in = in();
        byte[] whole = null;
        for (;;) {
            boolean last = true;
            int length;
            if (tag >= 0x20 && tag <= 0x2f) {
                length = tag - 0x20;
            } else if (tag >= 0x34 && tag <= 0x37) {
                length = ((tag - 0x34) << 8) + in.readUnsignedByte();
            } else if (tag == 'A' || tag == 'B') {
                last = tag == 'B';
                length = in.readUnsignedShort();
            } else {
                throw malformed(String.format("unexpected tag 0x%02x (expected: a binary chunk)", tag));
            }
            requireBytes(length, "bytes");
            int offset = whole == null ? 0 : whole.length;
            whole = whole == null ? new byte[length] : Arrays.copyOf(whole, offset + length);
            in.readBytes(whole, offset, length);
            if (last) {
                return whole;
            }
            tag = tag();
        }
    }

    /** Fails unless {@code count} items, each at least one byte, can still follow. */
    private void requireBytes(long count, String what) {
        int left = in().readableBytes();
        if (count < 0 || count > left) {
            throw malformed("a length of " + count + " " + what + " with " + left + " bytes left in the message");
        }
    }

    /** A list or map type: a name, or the index of one this message named before. */
    private String type() {
        int tag = peek();
        if (tag <= 0x1f || tag >= 0x30 && tag <= 0x33 || tag == 'S' || tag == 'R') {
            String type = string(tag(), MAX_TYPE_NAME_LENGTH);
            if (typeCount == MAX_CLASS_DEFINITIONS) {
                throw limit("more than " + MAX_CLASS_DEFINITIONS + " type names in one message");
            }
            if (typeCount == types.length) {
                types = Arrays.copyOf(types, typeCount * 2);
            }
            types[typeCount++] = type;
            return type;
        }
        int index = intValue();
        if (index < 0 || index >= typeCount) {
            throw malformed("type reference " + index + " (expected: below " + typeCount + ")");
        }
        return types[index];
    }

    // ---- references ----

    /** Takes the next reference slot, holding {@code value} until {@link #fill} replaces it. */
    int reserve(Object value) {
        if (refCount == MAX_REFERENCES) {
            throw limit("more than " + MAX_REFERENCES + " lists, maps and objects in one message");
        }
        if (refCount == refs.length) {
            refs = Arrays.copyOf(refs, refCount * 2);
        }
        refs[refCount] = value;
        return refCount++;
    }

    void fill(int slot, @Nullable Object value) {
        refs[slot] = value;
    }

    /** Lets the next reference to {@code self}'s slot return it; {@code null} ends that. */
    void allowSelf(@Nullable Pending self) {
        allowedSelf = self;
    }

    private @Nullable Object reference(Class<?> expected, @Nullable Pending self) {
        int index = intValue();
        if (index < 0 || index >= refCount) {
            throw malformed("reference " + index + " (expected: below " + refCount + ")");
        }
        Object value = refs[index];
        if (value instanceof Pending) {
            if (value == self) {
                return value;
            }
            throw malformed("a reference back into a value still being read that cannot hold one");
        }
        if (keyDepth > 0 && value != null && !Conversions.isFlat(value)) {
            throw refusedKey("a reference to a " + value.getClass().getName());
        }
        return Conversions.convert(value, expected);
    }

    private static RpcException refusedKey(String what) {
        return new RpcException(RpcStatus.FORBIDDEN, "hessian2: " + what + " as a map key or set element"
                + " (expected: keys of strings, numbers, enums, dates or objects of those)");
    }

    // ---- nesting ----

    private void enter() {
        if (++depth > MAX_DEPTH) {
            depth--;
            throw limit("values nested deeper than " + MAX_DEPTH + " levels (expected: at most " + MAX_DEPTH + ")");
        }
    }

    /** Reads a value as a map key or set element: nothing in it may be a list, map or back-reference. */
    private @Nullable Object key() {
        keyDepth++;
        try {
            return read(Object.class);
        } finally {
            keyDepth--;
        }
    }

    // ---- objects ----

    private void definition() {
        String name = string(tag(), MAX_TYPE_NAME_LENGTH);
        int count = intValue();
        if (count > MAX_FIELDS) {
            throw limit("a class definition of " + count + " fields (expected: at most " + MAX_FIELDS + ")");
        }
        requireBytes(count, "field names");
        if (defCount == MAX_CLASS_DEFINITIONS) {
            throw limit("more than " + MAX_CLASS_DEFINITIONS + " class definitions in one message");
        }
        ObjectReader reader = readers.forName(name);
        // Most definitions repeat the last one of their class: it is reused while the names match.
        ClassDef last = reader.lastDefinition();
        String[] known = last != null && last.fields().length == count ? last.fields() : null;
        String[] fields = known == null ? new String[count] : null;
        for (int i = 0; i < count; i++) {
            String field = string(tag(), MAX_TYPE_NAME_LENGTH);
            if (fields == null) {
                if (java.util.Objects.requireNonNull(known)[i].equals(field)) { // fields is null only while known is not
                    continue;
                }
                fields = Arrays.copyOf(known, count);
            }
            fields[i] = field;
        }
        if (defCount == defs.length) {
            defs = Arrays.copyOf(defs, defCount * 2);
        }
        defs[defCount++] = fields == null ? last : reader.definition(fields);
    }

    private @Nullable Object object(int index, Class<?> expected) {
        if (index < 0 || index >= defCount) {
            throw malformed("class definition " + index + " (expected: below " + defCount + ")");
        }
        ClassDef def = defs[index];
        enter();
        try {
            return Conversions.convert(def.reader().read(this, def), expected);
        } finally {
            depth--;
        }
    }

    // ---- lists ----

    private Object list(@Nullable String type, int length, Class<?> expected) {
        if (keyDepth > 0) {
            throw refusedKey("a list");
        }
        if (length >= 0) {
            requireBytes(length, "list elements");
        }
        enter();
        try {
            Class<?> array = arrayTarget(type, expected);
            if (array != null) {
                return array(array.getComponentType(), length);
            }
            return collection(Containers.collectionFor(type, expected, readers), length);
        } finally {
            depth--;
        }
    }

    private @Nullable Class<?> arrayTarget(@Nullable String type, Class<?> expected) {
        if (expected.isArray()) {
            return expected;
        }
        if (type == null || type.isEmpty() || type.charAt(0) != '[') {
            return null;
        }
        Class<?> array = readers.arrayClass(type);
        return expected.isAssignableFrom(array) ? array : null;
    }

    private Object array(Class<?> component, int length) {
        if (length < 0) {
            int slot = reserve(Pending.UNFINISHED);
            List<Object> values = new ArrayList<>();
            while (peek() != 'Z') {
                values.add(read(component));
            }
            tag();
            Object array = Array.newInstance(component, values.size());
            for (int i = 0; i < values.size(); i++) {
                store(array, i, values.get(i));
            }
            fill(slot, array);
            return array;
        }
        if (component == int.class) {
            int[] ints = new int[length];
            reserve(ints);
            for (int i = 0; i < length; i++) {
                ints[i] = (int) integral(int.class, Integer.MIN_VALUE, Integer.MAX_VALUE);
            }
            return ints;
        }
        if (component == long.class) {
            long[] longs = new long[length];
            reserve(longs);
            for (int i = 0; i < length; i++) {
                longs[i] = integral(long.class, Long.MIN_VALUE, Long.MAX_VALUE);
            }
            return longs;
        }
        Object array = Array.newInstance(component, length);
        reserve(array);
        for (int i = 0; i < length; i++) {
            store(array, i, read(component));
        }
        return array;
    }

    /** An {@code int} or {@code long} (an array's element, a field): read without boxing when written as a number. */
    long integral(Class<?> type, long min, long max) {
        ByteBuf in = in();
        int tag = peek();
        long value;
        if (isInt(tag)) {
            in.skipBytes(1);
            value = intBody(tag);
        } else if (isLong(tag)) {
            in.skipBytes(1);
            value = longBody(tag);
        } else {
            return ((Number) Conversions.toPrimitive(read(type), type)).longValue();
        }
        if (value < min || value > max) {
            throw malformed("a number outside the range of " + type.getName() + " where one was expected");
        }
        return value;
    }

    private static void store(Object array, int index, @Nullable Object value) {
        if (array instanceof Object[] objects) {
            try {
                objects[index] = value;
            } catch (ArrayStoreException e) {
                throw malformed("a " + value.getClass().getName() + " in an array of "
                        + array.getClass().getComponentType().getName());
            }
        } else {
            Array.set(array, index, value); // a primitive array: read converted its element already
        }
    }

    private Collection<Object> collection(Containers.CollectionKind kind, int length) {
        boolean set = kind.isSet();
        Collection<Object> target = kind.create(length);
        int slot = reserve(kind.sharedWhileRead() ? target : Pending.UNFINISHED);
        if (length >= 0) {
            for (int i = 0; i < length; i++) {
                target.add(set ? key() : read(Object.class));
            }
        } else {
            while (peek() != 'Z') {
                target.add(set ? key() : read(Object.class));
            }
            tag();
        }
        Collection<Object> done = kind.finish(target);
        fill(slot, done);
        return done;
    }

    // ---- maps ----

    private @Nullable Object map(@Nullable String type, Class<?> expected) {
        if (keyDepth > 0) {
            throw refusedKey("a map");
        }
        enter();
        try {
            if (type != null && !type.isEmpty() && readers.namesObject(type)) {
                return objectFromMap(readers.forName(type), expected);
            }
            Containers.MapKind kind = Containers.mapFor(type, expected, readers);
            Map<Object, Object> map = kind.create();
            reserve(map);
            while (peek() != 'Z') {
                Object key = key();
                Object value = read(Object.class);
                try {
                    map.put(key, value);
                } catch (NullPointerException | ClassCastException e) {
                    throw malformed("a key or value a " + map.getClass().getName() + " cannot hold");
                }
            }
            tag();
            return map;
        } finally {
            depth--;
        }
    }

    /** An object in Hessian's map form: its fields by name, then {@code Z}. */
    private @Nullable Object objectFromMap(ObjectReader reader, Class<?> expected) {
        int slot = reserve(Pending.UNFINISHED);
        List<String> names = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        while (peek() != 'Z') {
            if (!(key() instanceof String name)) {
                throw malformed("an object in map form with a key that is not a field name");
            }
            names.add(name);
            values.add(read(Object.class));
        }
        tag();
        Object value = reader.fromFields(names.toArray(String[]::new), values.toArray());
        fill(slot, value);
        return Conversions.convert(value, expected);
    }
}
