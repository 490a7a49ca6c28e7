package io.tern.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StringCacheTest {

    private final StringCache cache = new StringCache();

    private String read(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        return cache.ascii(java.util.Arrays.copyOf(bytes, bytes.length + 8), bytes.length);
    }

    @Test
    void aRepeatedStringIsTheSameInstance() {
        String first = read("com.example.UserService");
        assertThat(read("com.example.UserService")).isEqualTo(first).isSameAs(first);
    }

    @Test
    void stringsOfOneHashCodeAreNeverConfused() {
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        for (int i = 0; i < 3; i++) {
            assertThat(read("Aa")).isEqualTo("Aa");
            assertThat(read("BB")).isEqualTo("BB");
        }
    }

    @Test
    void nonAsciiBytesAreLeftToTheReader() {
        assertThat(cache.ascii(new byte[] {'a', (byte) 0xc3, (byte) 0xa9}, 3)).isNull();
    }

    @Test
    void manyDistinctStringsKeepTheTableItsSize() {
        for (int i = 0; i < 100_000; i++) {
            assertThat(read("name" + i)).isEqualTo("name" + i);
        }
        assertThat(read("name42")).isEqualTo("name42");
    }
}
