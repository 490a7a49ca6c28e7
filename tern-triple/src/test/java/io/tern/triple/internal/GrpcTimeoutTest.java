package io.tern.triple.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GrpcTimeoutTest {

    @Test
    void everyUnitParses() {
        assertThat(GrpcTimeout.parse("3000m")).isEqualTo(Duration.ofSeconds(3));
        assertThat(GrpcTimeout.parse("1n")).isEqualTo(Duration.ofNanos(1));
        assertThat(GrpcTimeout.parse("250u")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(GrpcTimeout.parse("5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(GrpcTimeout.parse("2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(GrpcTimeout.parse("99999999H")).isEqualTo(Duration.ofHours(99_999_999));
        assertThat(GrpcTimeout.nanos(GrpcTimeout.parse("99999999H"))).isEqualTo(Long.MAX_VALUE);
        assertThat(GrpcTimeout.nanos(GrpcTimeout.parse("99999999S"))).isEqualTo(99_999_999_000_000_000L);
        assertThat(GrpcTimeout.parse("0m")).isZero();
    }

    @Test
    void anythingElseIsRefusedNamingTheForm() {
        for (String bad : new String[] {"", "m", "3000", "123456789m", "30s", "-1m", "1.5S", " 1m", "1m "}) {
            assertThatThrownBy(() -> GrpcTimeout.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("grpc-timeout: '" + bad + "' (expected: 1 to 8 digits and a unit, one of n, u, m, S, M, H)");
        }
    }

    @Test
    void timeoutsGoOutInMillisecondsAsDubboSendsThemAndNeverShorter() {
        assertThat(GrpcTimeout.format(Duration.ofSeconds(3))).isEqualTo("3000m");
        assertThat(GrpcTimeout.format(Duration.ofNanos(1_500_001))).isEqualTo("2m");
        assertThat(GrpcTimeout.format(Duration.ofNanos(500))).isEqualTo("500n");
        assertThat(GrpcTimeout.format(Duration.ofDays(2))).isEqualTo("172800S");
        assertThat(GrpcTimeout.format(Duration.ofDays(365 * 300))).endsWith("H");
        assertThat(GrpcTimeout.format(Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo("99999999H");
        for (long nanos = 1; nanos < Long.MAX_VALUE / 4; nanos = nanos * 3 + 7) {
            Duration timeout = Duration.ofNanos(nanos);
            String header = GrpcTimeout.format(timeout);
            assertThat(header.length()).as(header).isLessThanOrEqualTo(9);
            assertThat(GrpcTimeout.parse(header)).as(header).isGreaterThanOrEqualTo(timeout);
        }
        assertThatThrownBy(() -> GrpcTimeout.format(Duration.ZERO)).hasMessage("timeout: PT0S (expected: > 0)");
    }
}
