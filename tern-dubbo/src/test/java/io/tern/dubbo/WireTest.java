package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WireTest {

    /** Each answer is what Apache Dubbo 3.3.5's {@code Version.isSupportResponseAttachment} gives. */
    @ParameterizedTest
    @CsvSource({"2.0.2, true", "2.0.1, false", "2.0.3, true", "2.0.10, true", "2.0.50, true", "2.0.99, true",
        "2.0.100, false", "2.0.99.9, false", "2.0.2.1, true", "2.0.2-SNAPSHOT, true", "2.0.3-rc, true",
        "2.6.2, false", "2.7, false", "3.3.5, false", "2, false", "1.9.9, false", "2.0.0, false", "'', false",
        "garbage, false"})
    void responseAttachmentsComeWithTheVersionsDubboSaysCarryThem(String version, boolean expected) {
        assertThat(Wire.supportsResponseAttachments(version)).isEqualTo(expected);
    }
}
