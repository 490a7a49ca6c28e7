package io.tern.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StringCacheTest {

    private final StringCache cache = new StringCache();

    private String read(String s) {
        ByteBuf buf = Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
        return cache.ascii(buf, 0, buf.readableBytes());
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
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {'a', (byte) 0xc3, (byte) 0xa9});
        assertThat(cache.ascii(buf, 0, 3)).isNull();
    }

    @Test
    void manyDistinctStringsKeepTheTableItsSize() {
        for (int i = 0; i < 100_000; i++) {
            assertThat(read("name" + i)).isEqualTo("name" + i);
        }
        assertThat(read("name42")).isEqualTo("name42");
    }
}
