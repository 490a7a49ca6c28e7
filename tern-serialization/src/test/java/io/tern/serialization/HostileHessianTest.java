package io.tern.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.tern.ClassPolicy;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.testing.HessianBytes;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Messages built to make a reader spend: hash bombs, huge numbers, lengths that lie, deep
 * nesting, tables that grow. Each is refused with a status and a message naming what was wrong,
 * and allocates no more than a small multiple of its own size.
 */
class HostileHessianTest {

    private static final long ALLOWANCE = 1 << 20;

    private final Hessian2Serialization hessian = new Hessian2Serialization(ClassPolicy.strict());

    private Object readAll(byte[] bytes) {
        try (ObjectInput in = hessian.input(Unpooled.wrappedBuffer(bytes))) {
            return in.readObject();
        }
    }

    /** Asserts the message is refused with {@code status}, and allocates at most a fixed multiple of its size. */
    private void assertRefused(byte[] bytes, RpcStatus status, String message) {
        long allocated = allocatedBy(() -> assertThatThrownBy(() -> readAll(bytes))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.getMessage()).contains(message);
                }));
        assertThat(allocated).as("bytes allocated reading %d bytes", bytes.length)
                .isLessThan(16L * bytes.length + ALLOWANCE);
    }

    static long allocatedBy(ThrowingCallable work) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        try {
            work.call();
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void aListAsAMapKeyIsRefusedBeforeItIsHashed() {
        HessianBytes key = new HessianBytes().tag('H');
        key.doublingList(40, 1);
        key.tag('T', 'Z');
        assertRefused(key.bytes(), RpcStatus.FORBIDDEN, "a list as a map key or set element");

        // built as a value first, then used as a key by reference
        HessianBytes byReference = new HessianBytes().tag(0x7a);
        byReference.doublingList(40, 1);
        byReference.tag('H').ref(1).tag('T', 'Z');
        assertRefused(byReference.bytes(), RpcStatus.FORBIDDEN, "a reference to a java.util.ArrayList as a map key");

        HessianBytes mapKey = new HessianBytes().tag('H', 'H', 'Z', 'T', 'Z');
        assertRefused(mapKey.bytes(), RpcStatus.FORBIDDEN, "a map as a map key");
    }

    @Test
    void aListAsASetElementIsRefused() {
        HessianBytes set = new HessianBytes().tag(0x71).string("java.util.HashSet");
        set.doublingList(30, 1);
        assertRefused(set.bytes(), RpcStatus.FORBIDDEN, "a list as a map key or set element");
    }

    @Test
    void keysThatAreValuesStillWork() {
        HessianBytes map = new HessianBytes().tag('H').string("a").tag(0x91).tag(0x95).tag('T', 'Z');
        assertThat(readAll(map.bytes())).isEqualTo(java.util.Map.of("a", 1, 5, true));
    }

    @Test
    void hugeNumbersAreRefusedBeforeTheyAreParsed() {
        assertRefused(new HessianBytes().definition("java.math.BigDecimal", "value").tag(0x60)
                .string("1".repeat(1_000_000)).bytes(), RpcStatus.LIMIT_EXCEEDED, "java.math.BigDecimal of 1000000");
        assertRefused(new HessianBytes().definition("java.math.BigDecimal", "value").tag(0x60)
                .string("1e999999").bytes(), RpcStatus.LIMIT_EXCEEDED, "java.math.BigDecimal of scale -999999");
        HessianBytes integer = new HessianBytes().definition("java.math.BigInteger", "signum", "mag").tag(0x60)
                .tag(0x91).tag('V').string("[int").integer(100_000);
        for (int i = 0; i < 100_000; i++) {
            integer.tag(0x91);
        }
        assertRefused(integer.bytes(), RpcStatus.LIMIT_EXCEEDED, "java.math.BigInteger of 100000 words");
        assertThat(readAll(new HessianBytes().definition("java.math.BigDecimal", "value").tag(0x60)
                .string("12.50").bytes())).isEqualTo(new java.math.BigDecimal("12.50"));
    }

    @Test
    void declaredLengthsAreCheckedAgainstTheBytesLeftBeforeAnythingIsAllocated() {
        assertRefused(new HessianBytes().tag('C').string("com.example.Wide").integer(1_000_000_000).bytes(),
                RpcStatus.LIMIT_EXCEEDED, "a class definition of 1000000000 fields");
        assertRefused(new HessianBytes().tag('C').string("com.example.Wide").integer(1000).bytes(),
                RpcStatus.SERIALIZATION, "a length of 1000 field names with 0 bytes left");
        assertRefused(new HessianBytes().tag('V').string("[long").integer(100_000_000).bytes(),
                RpcStatus.SERIALIZATION, "a length of 100000000 list elements with 0 bytes left");
        assertRefused(new HessianBytes().tag('X').integer(Integer.MAX_VALUE).bytes(),
                RpcStatus.SERIALIZATION, "a length of 2147483647 list elements");
        assertRefused(new HessianBytes().tag('V').string("[".repeat(2_000_000)).integer(1).bytes(),
                RpcStatus.LIMIT_EXCEEDED, "a name of more than 1024 characters");
        assertRefused(new HessianBytes().stringHeader(65_535).tag('a', 'b', 'c').bytes(),
                RpcStatus.SERIALIZATION, "a length of 65535 characters with 3 bytes left");
        assertRefused(new HessianBytes().tag('B', 0xff, 0xff, 1, 2).bytes(),
                RpcStatus.SERIALIZATION, "a length of 65535 bytes with 2 bytes left");
    }

    @Test
    void nestingIsCappedAtItsLimit() {
        HessianBytes deep = new HessianBytes();
        for (int i = 0; i < 300; i++) {
            deep.tag(0x79); // a list of one
        }
        deep.tag('N');
        assertRefused(deep.bytes(), RpcStatus.LIMIT_EXCEEDED, "nested deeper than 256 levels");

        HessianBytes allowed = new HessianBytes();
        for (int i = 0; i < Hessian2Reader.MAX_DEPTH; i++) {
            allowed.tag(0x79);
        }
        allowed.tag('N');
        Object read = readAll(allowed.bytes());
        int depth = 0;
        while (read instanceof List<?> list) {
            read = list.get(0);
            depth++;
        }
        assertThat(depth).isEqualTo(Hessian2Reader.MAX_DEPTH);
    }

    @Test
    void aPooledReaderDropsTheTablesABigMessageGrew() {
        HessianBytes many = new HessianBytes().tag('W');
        for (int i = 0; i < 300_000; i++) {
            many.tag(0x78);
        }
        many.tag('Z');
        Hessian2Reader reader = (Hessian2Reader) hessian.input(Unpooled.wrappedBuffer(many.bytes()));
        assertThat((List<?>) reader.readObject()).hasSize(300_000);
        assertThat(reader.tableSlots()).isGreaterThan(300_000);
        reader.close();
        assertThat(reader.tableSlots()).isLessThan(1_000);
        assertThat(hessian.input(Unpooled.wrappedBuffer(new byte[] {'N'}))).isSameAs(reader);
    }

    @Test
    void referencesPerMessageAreCapped() {
        HessianBytes many = new HessianBytes().tag('W');
        for (int i = 0; i <= Hessian2Reader.MAX_REFERENCES; i++) {
            many.tag(0x78);
        }
        many.tag('Z');
        assertThatThrownBy(() -> readAll(many.bytes())).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status()).isEqualTo(RpcStatus.LIMIT_EXCEEDED));
    }

    @Test
    void referencesCannotReachIntoValuesStillBeingRead() {
        // a BigDecimal whose value field refers back to the BigDecimal itself
        byte[] bytes = new HessianBytes().definition("java.math.BigDecimal", "value").tag(0x60).ref(0).bytes();
        assertRefused(bytes, RpcStatus.SERIALIZATION, "a reference back into a value still being read");
        assertRefused(new HessianBytes().ref(0).bytes(), RpcStatus.SERIALIZATION, "reference 0 (expected: below 0)");
    }

    @Test
    void malformedBytesAreSerializationErrorsNamingWhatWasWrong() {
        Consumer<byte[]> malformed = bytes -> assertThatThrownBy(() -> readAll(bytes))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.SERIALIZATION));
        malformed.accept(new byte[] {'I', 0});
        malformed.accept(new byte[] {0x45});
        malformed.accept(new byte[] {0x03, (byte) 0xff, 'a', 'b'});
        malformed.accept(new byte[] {'O', (byte) 0x90});
        assertThatThrownBy(() -> readAll(new byte[] {0x45})).hasMessage("hessian2: unexpected tag 0x45");
    }
}
