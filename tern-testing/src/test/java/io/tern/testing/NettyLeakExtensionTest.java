package io.tern.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Proves the leak check can fail: a buffer dropped without release is reported. */
class NettyLeakExtensionTest {

    @AfterEach
    void forgetTheDeliberateLeak() {
        NettyLeakExtension.leaks().clear();
    }

    @Test
    void aBufferNeverReleasedIsReported() {
        leakOne();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
            return !NettyLeakExtension.leaks().isEmpty();
        });
        assertThat(NettyLeakExtension.leaks()).anySatisfy(leak -> assertThat(leak).contains("ByteBuf"));
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeLong(42);
    }
}
