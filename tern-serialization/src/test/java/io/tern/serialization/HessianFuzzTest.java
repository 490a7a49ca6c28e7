package io.tern.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.tern.ClassPolicy;
import io.tern.RpcException;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Mutates valid messages (seeded, bounded in count) and reads them: nothing but an
 * {@link RpcException} may escape the reader, and no read may allocate more than a fixed multiple
 * of the message's size.
 */
class HessianFuzzTest {

    private static final long SEED = 0x7e2a_5eedL;
    private static final int MUTATIONS = 30_000;
    private static final int[] TAGS = {'C', 'O', 'Q', 'V', 'U', 'W', 'X', 'H', 'M', 'Z', 'S', 'R', 'B', 'A', 'I', 'L',
            'D', 'N', 'T', 'J', 0x60, 0x6f, 0x70, 0x77, 0x78, 0x7f, 0x30, 0x34, 0x38, 0xc8, 0xd4, 0xff, 0x00, 0x1f};

    private final ClassPolicy policy = ClassPolicy.strict().allowInterface(Hessian2SerializationTest.Shop.class);
    private final Hessian2Serialization hessian = new Hessian2Serialization(policy);

    private List<byte[]> corpus() throws IOException {
        Hessian2SerializationTest.Order order = new Hessian2SerializationTest.Order();
        order.customer = "Zoë 🐦 " + "x".repeat(40);
        order.items.add(new Hessian2SerializationTest.Item("tea", new BigDecimal("3.50"), LocalDate.of(2026, 12, 1)));
        order.items.add(order.items.get(0));
        order.at = LocalDateTime.of(2026, 12, 1, 21, 0);
        order.status = Hessian2SerializationTest.Status.PAID;
        Map<String, Object> attachments = new LinkedHashMap<>();
        attachments.put("path", "com.example.Shop");
        attachments.put("timeout", 3000);
        attachments.put("nested", List.of(1L, 2.5, "three", new int[] {4}));
        Map<Object, Object> sorted = new TreeMap<>(Map.of(1, "a", 2, "b"));
        List<Object> values = List.of(order, attachments, sorted, new IllegalStateException("boom",
                new IllegalArgumentException("cause")), new Hessian2SerializationTest.OutOfStock("none left"),
                Instant.ofEpochSecond(1_700_000_000L, 5), Duration.ofMillis(1500), ZonedDateTime.parse(
                "2026-12-01T21:00:00+01:00[Europe/Paris]"), UUID.fromString("52165918-bb20-48df-8954-fb7de00a5fa0"),
                Set.of("a", "b"), new String[] {"x", null}, new byte[] {1, 2, 3}, new java.util.Date(0),
                Hessian2SerializationTest.Status.NEW, List.of(List.of(List.of())));
        List<byte[]> corpus = new ArrayList<>();
        for (Object value : values) {
            corpus.add(Bytes.tern(hessian, "2.0.2", value));
        }
        return corpus;
    }

    @Test
    void mutatedMessagesFailOnlyAsRpcExceptionsWithinBoundedMemory() throws IOException {
        List<byte[]> corpus = corpus();
        for (byte[] message : corpus) {
            assertThat(read(message)).as("the unmutated corpus reads").isNull();
        }
        Random random = new Random(SEED);
        int refused = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] message = mutate(corpus.get(random.nextInt(corpus.size())), random);
            long[] allocated = new long[1];
            Throwable[] escaped = new Throwable[1];
            allocated[0] = HostileHessianTest.allocatedBy(() -> escaped[0] = read(message));
            assertThat(escaped[0]).as("mutation %d of seed %x: %s", i, SEED, Arrays.toString(message))
                    .satisfiesAnyOf(e -> assertThat(e).isNull(), e -> assertThat(e).isInstanceOf(RpcException.class));
            if (escaped[0] != null) {
                refused++;
            }
            assertThat(allocated[0]).as("bytes allocated by mutation %d (%d bytes)", i, message.length)
                    .isLessThan(64L * message.length + (1 << 20));
        }
        assertThat(refused).as("mutations refused").isGreaterThan(MUTATIONS / 10);
    }

    /** Reads every value of a message; what escaped the reader, or {@code null}. */
    private Throwable read(byte[] message) {
        try (ObjectInput in = hessian.input(Unpooled.wrappedBuffer(message))) {
            in.readUTF();
            in.readObject();
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    private static byte[] mutate(byte[] original, Random random) {
        byte[] bytes = original.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(6)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) TAGS[random.nextInt(TAGS.length)];
                case 2 -> bytes[at] = (byte) random.nextInt(256);
                case 3 -> bytes = Arrays.copyOf(bytes, Math.max(1, at));
                case 4 -> {
                    int length = 1 + random.nextInt(Math.min(16, bytes.length - at));
                    byte[] longer = new byte[bytes.length + length];
                    System.arraycopy(bytes, 0, longer, 0, at + length);
                    System.arraycopy(bytes, at, longer, at + length, bytes.length - at);
                    bytes = longer;
                }
                default -> {
                    byte[] large = {'I', (byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) random.nextInt(256)};
                    System.arraycopy(large, 0, bytes, at, Math.min(large.length, bytes.length - at));
                }
            }
        }
        return bytes;
    }
}
