package io.tern.core;

/** Writes JSON strings, for the few places Tern writes JSON by hand (the operations endpoint, Triple's headers). */
public final class JsonStrings {

    private JsonStrings() {
    }

    /** Appends {@code s} as a JSON string: quotes, backslashes and control characters escaped. */
    public static void append(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
