package io.tern.dubbo;

/** Facts of the dubbo frame: the 16-byte header and the values of its fields. */
final class Wire {

    static final int HEADER_LENGTH = 16;
    static final short MAGIC = (short) 0xdabb;
    static final byte MAGIC_HIGH = (byte) 0xda;
    static final byte MAGIC_LOW = (byte) 0xbb;

    /** Whether the two bytes at {@code at} are the magic every frame opens with. */
    static boolean isMagic(io.netty.buffer.ByteBuf in, int at) {
        return in.getByte(at) == MAGIC_HIGH && in.getByte(at + 1) == MAGIC_LOW;
    }

    static final byte FLAG_REQUEST = (byte) 0x80;
    static final byte FLAG_TWO_WAY = 0x40;
    static final byte FLAG_EVENT = 0x20;
    static final int SERIALIZATION_MASK = 0x1f;

    /** The dubbo protocol version Tern speaks; responses carry attachments from 2.0.2 on. */
    static final String DUBBO_VERSION = "2.0.2";

    /** Event bodies are tiny (a null, "R", "W"); a bigger one is not an event. */
    static final int MAX_EVENT_BODY = 15;

    /**
     * Frames up to this many bytes are decoded on the event loop; larger ones on the protocol's
     * decode executor, so that no event loop spends more than a few milliseconds on one message.
     */
    static final int INLINE_DECODE_LIMIT = 64 * 1024;

    /**
     * A server connection stops being read while more than 1 MiB of its answers wait to be
     * written, and is read again below 512 KiB: a peer that does not read its answers cannot
     * make the server hold more.
     */
    static final io.netty.channel.WriteBufferWaterMark SERVER_WATER_MARK =
            new io.netty.channel.WriteBufferWaterMark(512 << 10, 1 << 20);

    /**
     * A client connection takes no new calls while more than this many bytes of its calls wait to
     * be written (twice the payload limit, at least 1 MiB), and takes them again below half.
     */
    static io.netty.channel.WriteBufferWaterMark clientWaterMark(int payloadLimit) {
        int high = (int) Math.min(Integer.MAX_VALUE, Math.max(1L << 20, 2L * payloadLimit));
        return new io.netty.channel.WriteBufferWaterMark(high / 2, high);
    }

    static final String READ_ONLY_EVENT = "R";
    static final String WRITABLE_EVENT = "W";

    // Response value types.
    static final int RESPONSE_WITH_EXCEPTION = 0;
    static final int RESPONSE_VALUE = 1;
    static final int RESPONSE_NULL_VALUE = 2;
    static final int RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS = 3;
    static final int RESPONSE_VALUE_WITH_ATTACHMENTS = 4;
    static final int RESPONSE_NULL_VALUE_WITH_ATTACHMENTS = 5;

    // Attachment keys Dubbo sends and reads.
    static final String PATH = "path";
    static final String INTERFACE = "interface";
    static final String GROUP = "group";
    static final String VERSION = "version";
    static final String TIMEOUT = "timeout";
    static final String DUBBO = "dubbo";

    private Wire() {
    }

    /**
     * Whether a peer's protocol version carries response attachments, exactly as Apache Dubbo
     * decides it: from 2.0.2 to 2.0.99, each part read as a number of two decimal places (Dubbo
     * 2.7 and later all send {@code 2.0.2}).
     */
    static boolean supportsResponseAttachments(String version) {
        if (version == null || version.isEmpty()) {
            return false;
        }
        if (version.equals(DUBBO_VERSION)) {
            return true; // what Tern and Dubbo send: no need to parse it on every call
        }
        int parsed = 0;
        int parts = 0;
        int i = 0;
        while (parts < 4) {
            int start = i;
            int v = 0;
            for (; i < version.length() && Character.isDigit(version.charAt(i)); i++) {
                v = v * 10 + (version.charAt(i) - '0');
                if (v > 9_999) {
                    return false;
                }
            }
            if (i == start) {
                return parts > 0 && isBetween202And2099(pad(parsed, parts));
            }
            parsed = parsed * 100 + v;
            parts++;
            if (i >= version.length() || version.charAt(i) != '.') {
                break;
            }
            i++;
        }
        return isBetween202And2099(pad(parsed, parts));
    }

    private static int pad(int parsed, int parts) {
        int padded = parsed;
        for (int p = parts; p < 4; p++) {
            padded *= 100;
        }
        return padded;
    }

    private static boolean isBetween202And2099(int version) {
        return version >= 2_00_02_00 && version <= 2_00_99_00;
    }
}
