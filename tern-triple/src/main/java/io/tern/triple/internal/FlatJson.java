package io.tern.triple.internal;

import io.tern.core.JsonStrings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A JSON object whose values are all strings, written and read strictly: what
 * {@code tri-header-convert} carries. Anything else — nesting, numbers, a trailing comma, a bad
 * escape, more than {@link #MAX_ENTRIES} entries — is refused, naming the header it came in.
 */
final class FlatJson {

    static final int MAX_ENTRIES = 1024;

    private FlatJson() {
    }

    static String write(Map<String, String> map) {
        StringBuilder out = new StringBuilder(map.size() * 24 + 2).append('{');
        boolean first = true;
        for (Map.Entry<String, String> entry : map.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            JsonStrings.append(out, entry.getKey());
            out.append(':');
            JsonStrings.append(out, entry.getValue());
        }
        return out.append('}').toString();
    }

    static Map<String, String> read(String json, String header) {
        Parser parser = new Parser(json, header);
        Map<String, String> map = new LinkedHashMap<>();
        parser.skipSpace();
        parser.expect('{');
        parser.skipSpace();
        if (parser.peek() == '}') {
            parser.next();
        } else {
            while (true) {
                parser.skipSpace();
                String key = parser.string();
                parser.skipSpace();
                parser.expect(':');
                parser.skipSpace();
                map.put(key, parser.string());
                if (map.size() > MAX_ENTRIES) {
                    throw parser.error("more than " + MAX_ENTRIES + " entries");
                }
                parser.skipSpace();
                char c = parser.next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw parser.error("'" + c + "' after a value (expected: ',' or '}')");
                }
            }
        }
        parser.skipSpace();
        if (!parser.atEnd()) {
            throw parser.error("text after the object");
        }
        return map;
    }

    private static final class Parser {
        private final String text;
        private final String header;
        private int position;

        Parser(String text, String header) {
            this.text = text;
            this.header = header;
        }

        boolean atEnd() {
            return position >= text.length();
        }

        char peek() {
            if (atEnd()) {
                throw error("the end of the text");
            }
            return text.charAt(position);
        }

        char next() {
            char c = peek();
            position++;
            return c;
        }

        void skipSpace() {
            while (!atEnd() && (text.charAt(position) == ' ' || text.charAt(position) == '\t'
                    || text.charAt(position) == '\n' || text.charAt(position) == '\r')) {
                position++;
            }
        }

        void expect(char wanted) {
            char c = next();
            if (c != wanted) {
                throw error("'" + c + "' (expected: '" + wanted + "')");
            }
        }

        String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escape = next();
                switch (escape) {
                    case '"', '\\', '/' -> out.append(escape);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (position + 4 > text.length()) {
                            throw error("a \\u escape cut off");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int digit = Character.digit(text.charAt(position++), 16);
                            if (digit < 0) {
                                throw error("a \\u escape that is not hexadecimal");
                            }
                            code = code << 4 | digit;
                        }
                        out.append((char) code);
                    }
                    default -> throw error("the escape \\" + escape);
                }
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(header + ": " + what + " at character " + position
                    + " (expected: a JSON object of strings)");
        }
    }
}
