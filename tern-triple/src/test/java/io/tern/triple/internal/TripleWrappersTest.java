package io.tern.triple.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.dubbo.rpc.protocol.tri.TripleCustomerProtocolWrapper;
import org.junit.jupiter.api.Test;

/**
 * The wrapper messages against Apache Dubbo 3.3.5's own codec for them: what Tern writes Dubbo
 * reads, what Dubbo writes Tern reads, byte for byte the same; and broken messages refused.
 */
class TripleWrappersTest {

    private final Random random = new Random(20261202);

    @Test
    void requestsMatchDubbosCodecBothWaysByteForByte() {
        for (int i = 0; i < 500; i++) {
            List<byte[]> args = new ArrayList<>();
            List<String> types = new ArrayList<>();
            int count = random.nextInt(5);
            for (int a = 0; a < count; a++) {
                args.add(bytes(random.nextInt(i % 7 == 0 ? 70_000 : 300)));
                types.add(random.nextBoolean() ? "java.lang.String" : "io.tern.example.Üser" + a);
            }
            TripleRequestWrapper tern = new TripleRequestWrapper("hessian4", args, types);

            TripleCustomerProtocolWrapper.TripleRequestWrapper.Builder builder =
                    TripleCustomerProtocolWrapper.TripleRequestWrapper.Builder.newBuilder().setSerializeType("hessian4");
            args.forEach(builder::addArgs);
            types.forEach(builder::addArgTypes);
            byte[] dubbo = builder.build().toByteArray();

            assertThat(tern.encode()).isEqualTo(dubbo);
            TripleCustomerProtocolWrapper.TripleRequestWrapper read =
                    TripleCustomerProtocolWrapper.TripleRequestWrapper.parseFrom(tern.encode());
            assertThat(read.getSerializeType()).isEqualTo("hessian4");
            assertThat(read.getArgTypes()).isEqualTo(types);
            assertThat(read.getArgs()).containsExactlyElementsOf(args);

            TripleRequestWrapper back = TripleRequestWrapper.decode(dubbo);
            assertThat(back.serializeType()).isEqualTo("hessian4");
            assertThat(back.argTypes()).isEqualTo(types);
            assertThat(back.args()).containsExactlyElementsOf(args);
        }
    }

    @Test
    void responsesMatchDubbosCodecBothWaysByteForByte() {
        for (int i = 0; i < 500; i++) {
            byte[] data = bytes(random.nextInt(i % 9 == 0 ? 200_000 : 500) + 1);
            String type = i % 3 == 0 ? "java.lang.String" : "io.tern.example.User";
            TripleResponseWrapper tern = new TripleResponseWrapper("hessian4", data, type);
            byte[] dubbo = TripleCustomerProtocolWrapper.TripleResponseWrapper.Builder.newBuilder()
                    .setSerializeType("hessian4").setData(data).setType(type).build().toByteArray();

            assertThat(tern.encode()).isEqualTo(dubbo);
            TripleCustomerProtocolWrapper.TripleResponseWrapper read =
                    TripleCustomerProtocolWrapper.TripleResponseWrapper.parseFrom(tern.encode());
            assertThat(read.getData()).isEqualTo(data);
            assertThat(read.getType()).isEqualTo(type);
            TripleResponseWrapper back = TripleResponseWrapper.decode(dubbo);
            assertThat(back.data()).isEqualTo(data);
            assertThat(back.type()).isEqualTo(type);
            assertThat(back.serializeType()).isEqualTo("hessian4");
        }
    }

    @Test
    void unknownFieldsAreSkippedAsProtocolBuffersReadersDo() {
        byte[] known = new TripleRequestWrapper("hessian4", List.of(new byte[] {1, 2}), List.of("int")).encode();
        byte[] extra = {(byte) 0x20, (byte) 0x96, 0x01, // field 4, varint 150
            (byte) 0x29, 1, 2, 3, 4, 5, 6, 7, 8, // field 5, fixed64
            (byte) 0x35, 1, 2, 3, 4, // field 6, fixed32
            (byte) 0x3a, 2, 'h', 'i'}; // field 7, length-delimited
        byte[] message = new byte[known.length + extra.length];
        System.arraycopy(extra, 0, message, 0, extra.length);
        System.arraycopy(known, 0, message, extra.length, known.length);
        TripleRequestWrapper read = TripleRequestWrapper.decode(message);
        assertThat(read.argTypes()).containsExactly("int");
        assertThat(read.args()).hasSize(1);
    }

    @Test
    void brokenMessagesAreRefusedNamingWhatIsWrong() {
        byte[] good = new TripleRequestWrapper("hessian4", List.of(new byte[] {1, 2, 3}), List.of("long")).encode();
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 2);
        assertThatThrownBy(() -> TripleRequestWrapper.decode(cut)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TripleRequestWrapper: a length of");
        assertThatThrownBy(() -> TripleRequestWrapper.decode(new byte[] {0x12, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, 0x0f})).hasMessageContaining("(expected: no more than are left)");
        assertThatThrownBy(() -> TripleRequestWrapper.decode(new byte[] {0x10, 1}))
                .hasMessage("TripleRequestWrapper: args with wire type 0 (expected: 2)");
        assertThatThrownBy(() -> TripleRequestWrapper.decode(new byte[] {0x1b}))
                .hasMessage("TripleRequestWrapper: argTypes with wire type 3 (expected: 2)");
        assertThatThrownBy(() -> TripleRequestWrapper.decode(new byte[] {0x23}))
                .hasMessageContaining("wire type 3 of field 4 (expected: 0, 1, 2 or 5; groups are not read)");
        byte[] longVarint = new byte[12];
        java.util.Arrays.fill(longVarint, (byte) 0x80);
        longVarint[0] = 0x20;
        assertThatThrownBy(() -> TripleRequestWrapper.decode(longVarint)).hasMessageContaining("varint");
        assertThatThrownBy(() -> TripleRequestWrapper.decode(new byte[] {0x1a, 2, (byte) 0xc3, 0x28}))
                .hasMessage("TripleRequestWrapper: argTypes: not UTF-8 (expected: a UTF-8 string)");
        assertThatThrownBy(() -> TripleResponseWrapper.decode(new byte[] {0x00}))
                .hasMessageContaining("field number 0");
    }

    @Test
    void emptyMessagesReadAsEmpty() {
        assertThat(TripleRequestWrapper.decode(new byte[0]).args()).isEmpty();
        TripleResponseWrapper empty = TripleResponseWrapper.decode(new byte[0]);
        assertThat(empty.data()).isEmpty();
        assertThat(empty.type()).isEmpty();
        assertThat(new TripleResponseWrapper("", new byte[0], "").encode()).isEmpty();
    }

    private byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return length % 5 == 0 ? "text ✓".repeat(length / 8 + 1).getBytes(StandardCharsets.UTF_8) : bytes;
    }
}
