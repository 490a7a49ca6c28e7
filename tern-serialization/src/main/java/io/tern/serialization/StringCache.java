package io.tern.serialization;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The short ASCII strings messages repeat — the request head, attachment keys and values, class
 * and field names — read once and shared after: a string found here costs a hash of its bytes
 * and a comparison, not an allocation. A fixed table of {@value #SLOTS} strings of at most
 * {@value #MAX_LENGTH} characters, the newest string in a slot replacing the last; races between
 * readers only cost a miss (strings are immutable). A peer can only change which strings are hit,
 * never how much is kept. One per serialization.
 */
final class StringCache {

    static final int MAX_LENGTH = 32;
    private static final int SLOTS = 1024;

    private final @Nullable String[] slots = new String[SLOTS];

    /**
     * The string of the first {@code length} bytes of {@code bytes}, from the table or read into
     * it; {@code null} when they are not all ASCII.
     */
    @Nullable String ascii(byte[] bytes, int length) {
        int hash = 0;
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b < 0) {
                return null;
            }
            hash = 31 * hash + b; // String.hashCode of the same characters
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        String cached = slots[slot];
        if (cached != null && cached.length() == length && cached.hashCode() == hash && same(bytes, cached)) {
            return cached;
        }
        String read = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        slots[slot] = read;
        return read;
    }

    private static boolean same(byte[] bytes, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (bytes[i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
