package io.tern.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.ClassPolicy;
import io.tern.RpcException;
import io.tern.serialization.Hessian2Serialization;
import io.tern.serialization.ObjectInput;
import io.tern.testing.HessianBytes;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long Tern's Hessian2 reader spends on an 8 MiB message built to be expensive, each kind
 * refused or read: the work per message the payload limit allows, which decides how long a
 * frame may hold a thread (frames over 64 KiB are read off the event loop).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class HostileDecodeBenchmark {

    private static final int SIZE = 8 * 1024 * 1024 - 64;

    @Param({"emptyLists", "nonAsciiString", "intArray", "collidingKeys", "longDecimals", "setOfLongStrings"})
    public String attack;

    private Hessian2Serialization hessian;
    private ByteBuf message;

    @Setup
    public void setUp() {
        hessian = new Hessian2Serialization(ClassPolicy.strict());
        HessianBytes b = new HessianBytes();
        switch (attack) {
            case "emptyLists" -> {
                b.tag('W');
                for (int i = 0; i < SIZE - 2; i++) {
                    b.tag(0x78);
                }
                b.tag('Z');
            }
            case "nonAsciiString" -> {
                b.tag('W');
                while (b.size() < SIZE - 70_000) {
                    b.tag('S', 0xff, 0xff);
                    for (int i = 0; i < 0xffff; i++) {
                        b.tag(0xe2, 0x82, 0xac); // €
                    }
                }
                b.tag('Z');
            }
            case "intArray" -> {
                b.tag('V').string("[int").integer(SIZE - 20);
                for (int i = 0; i < SIZE - 20; i++) {
                    b.tag(0x90);
                }
            }
            case "collidingKeys" -> {
                b.tag('H');
                for (int n = 0; b.size() < SIZE - 40; n++) {
                    StringBuilder key = new StringBuilder();
                    for (int i = 0; i < 16; i++) {
                        key.append(((n >> i) & 1) == 0 ? "Aa" : "BB"); // one hash code for all
                    }
                    b.string(key.toString()).tag('T');
                }
                b.tag('Z');
            }
            case "longDecimals" -> {
                b.tag('W').definition("java.math.BigDecimal", "value");
                String digits = "7".repeat(4096);
                while (b.size() < SIZE - 5000) {
                    b.tag(0x60).string(digits);
                }
                b.tag('Z');
            }
            case "setOfLongStrings" -> {
                b.tag('U').string("java.util.HashSet");
                for (int n = 0; b.size() < SIZE - 70_000; n++) {
                    b.string(n + "x".repeat(60_000));
                }
                b.tag('Z');
            }
            default -> throw new IllegalArgumentException("attack: " + attack);
        }
        message = Unpooled.wrappedBuffer(b.bytes());
    }

    @Benchmark
    public Object read() {
        try (ObjectInput in = hessian.input(message.duplicate())) {
            return in.readObject();
        } catch (RpcException refused) {
            return refused;
        }
    }
}
