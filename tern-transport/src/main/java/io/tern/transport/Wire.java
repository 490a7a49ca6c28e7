package io.tern.transport;

/** Facts of the dubbo frame: the 16-byte header and the values of its fields. */
final class Wire {

    static final int HEADER_LENGTH = 16;
    static final short MAGIC = (short) 0xdabb;
    static final byte MAGIC_HIGH = (byte) 0xda;
    static final byte MAGIC_LOW = (byte) 0xbb;

    static final byte FLAG_REQUEST = (byte) 0x80;
    static final byte FLAG_TWO_WAY = 0x40;
    static final byte FLAG_EVENT = 0x20;
    static final int SERIALIZATION_MASK = 0x1f;

    /** The dubbo protocol version Tern speaks; responses carry attachments from 2.0.2 on. */
    static final String DUBBO_VERSION = "2.0.2";

    /** Event bodies are tiny (a null, "R", "W"); a bigger one is not an event. */
    static final int MAX_EVENT_BODY = 15;

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
     * Whether a peer's protocol version carries response attachments (2.0.2 and later, as
     * Dubbo compares them).
     */
    static boolean supportsResponseAttachments(String version) {
        if (version == null || version.isEmpty()) {
            return false;
        }
        int parsed = 0;
        int parts = 0;
        for (String part : version.split("\\.")) {
            int v = 0;
            for (int i = 0; i < part.length() && Character.isDigit(part.charAt(i)); i++) {
                v = v * 10 + (part.charAt(i) - '0');
            }
            parsed = parsed * 100 + Math.min(v, 99);
            if (++parts == 3) {
                break;
            }
        }
        while (parts++ < 3) {
            parsed *= 100;
        }
        return parsed >= 20002;
    }
}
