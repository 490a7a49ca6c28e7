package io.tern.triple.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The {@code grpc-timeout} header: one to eight ASCII digits and a unit, {@code n} (nanoseconds),
 * {@code u}, {@code m}, {@code S}, {@code M} or {@code H} (hours).
 */
public final class GrpcTimeout {

    private static final long MAX_VALUE = 99_999_999;
    private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    private GrpcTimeout() {
    }

    /**
     * Parses a header value.
     *
     * @throws IllegalArgumentException for anything else, naming the value and the form expected
     */
    public static Duration parse(String value) {
        int length = value.length();
        if (length < 2 || length > 9) {
            throw invalid(value);
        }
        long amount = 0;
        for (int i = 0; i < length - 1; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(value);
            }
            amount = amount * 10 + (c - '0');
        }
        TimeUnit unit = switch (value.charAt(length - 1)) {
            case 'n' -> TimeUnit.NANOSECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'S' -> TimeUnit.SECONDS;
            case 'M' -> TimeUnit.MINUTES;
            case 'H' -> TimeUnit.HOURS;
            default -> throw invalid(value);
        };
        return Duration.of(amount, unit.toChronoUnit());
    }

    /**
     * A timeout in nanoseconds, clamped to {@link Long#MAX_VALUE} (about 292 years) as grpc-java
     * clamps deadlines: {@code 99999999H} is a call with no deadline to speak of, not an error.
     */
    public static long nanos(Duration timeout) {
        return timeout.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
    }

    /**
     * The header value for a timeout: in milliseconds, as Apache Dubbo sends it, while that fits
     * in eight digits (just over a day); below a millisecond in the finest unit that fits, and
     * beyond a day in seconds, minutes or hours. Never shorter than the timeout: a remainder
     * rounds up.
     *
     * @throws IllegalArgumentException for a zero or negative timeout
     */
    public static String format(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        if (timeout.getSeconds() > Long.MAX_VALUE / 1_000_000_000L - 1) { // past what nanoseconds count
            return Math.min(MAX_VALUE, ceil(timeout.getSeconds(), 3600)) + "H";
        }
        long nanos = timeout.toNanos();
        if (nanos < TimeUnit.MILLISECONDS.toNanos(1)) {
            return nanos <= MAX_VALUE ? nanos + "n" : ceil(nanos, TimeUnit.MICROSECONDS.toNanos(1)) + "u";
        }
        long[] perUnit = {TimeUnit.MILLISECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(1), TimeUnit.MINUTES.toNanos(1),
            TimeUnit.HOURS.toNanos(1)};
        char[] units = {'m', 'S', 'M', 'H'};
        for (int i = 0; i < perUnit.length; i++) {
            long amount = ceil(nanos, perUnit[i]);
            if (amount <= MAX_VALUE) {
                return amount + String.valueOf(units[i]);
            }
        }
        return MAX_VALUE + "H";
    }

    private static long ceil(long value, long unit) {
        return value / unit + (value % unit == 0 ? 0 : 1);
    }

    private static IllegalArgumentException invalid(String value) {
        return new IllegalArgumentException("grpc-timeout: '" + value
                + "' (expected: 1 to 8 digits and a unit, one of n, u, m, S, M, H)");
    }
}
