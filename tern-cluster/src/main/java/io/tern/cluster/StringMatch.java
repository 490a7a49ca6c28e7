package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How a text must read, in one of Dubbo's forms ({@code exact}, {@code prefix}, {@code regex},
 * {@code wildcard}, {@code empty}, {@code noempty}), as tag routes and override rules of the
 * v3.0 form use it. A regular expression gives up, not matching, once it has read
 * {@link #MAX_REGEX_STEPS} characters, so a pattern built to backtrack costs little.
 */
public record StringMatch(Kind kind, String value, @Nullable Pattern regex) {

    /** The forms of a string match. */
    public enum Kind { EXACT, PREFIX, REGEX, WILDCARD, EMPTY, NOEMPTY }

    /** The longest text a regular expression is tried on. */
    public static final int MAX_REGEX_INPUT = 1024;
    /** How many characters a regular expression may read for one text before it is said not to match. */
    public static final int MAX_REGEX_STEPS = 100_000;

    public StringMatch {
        requireNonNull(kind, "kind");
        requireNonNull(value, "value");
        if (kind == Kind.REGEX && regex == null) {
            regex = Pattern.compile(value);
        }
    }

    /**
     * A match of {@code kind} for {@code value}.
     *
     * @throws java.util.regex.PatternSyntaxException when a {@code regex} does not compile
     */
    public static StringMatch of(Kind kind, String value) {
        return new StringMatch(kind, value, null);
    }

    /** Whether {@code input} (null when absent) reads as this says. */
    public boolean matches(@Nullable String input) {
        return switch (kind) {
            case EXACT -> value.equals(input);
            case PREFIX -> input != null && input.startsWith(value);
            case REGEX -> input != null && input.length() <= MAX_REGEX_INPUT && boundedMatch(input);
            case WILDCARD -> input != null && (value.equals("*") || value.equals(input));
            case EMPTY -> input == null || input.isEmpty();
            case NOEMPTY -> input != null && !input.isEmpty();
        };
    }

    private boolean boundedMatch(String input) {
        try {
            return requireNonNull(regex).matcher(new Bounded(input)).matches();
        } catch (Bounded.TooLong e) {
            return false;
        }
    }

    /** A character sequence that stops being read after {@link #MAX_REGEX_STEPS} reads. */
    private static final class Bounded implements CharSequence {
        private final String text;
        private int reads;

        Bounded(String text) {
            this.text = text;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (++reads > MAX_REGEX_STEPS) {
                throw new TooLong();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }

        static final class TooLong extends RuntimeException {
            private static final long serialVersionUID = 1L;

            TooLong() {
                super(null, null, false, false);
            }
        }
    }
}
