package io.tern.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tern.ClassPolicy;
import io.tern.example.Page;
import io.tern.example.User;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.serialization.Hessian2Serialization;
import io.tern.serialization.ObjectInput;
import io.tern.serialization.ObjectOutput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * Hessian2 round trips (write, then read back) of the benchmark's {@code User} and
 * {@code Page<User>} of 15: Tern's serialization (into a direct buffer, as a connection's
 * frames are) against Apache Dubbo 3.3.5's own; both write the same bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Ddubbo.application.logger=slf4j")
public class HessianBenchmark {

    @Param({"user", "page"})
    public String value;

    private Object payload;
    private Hessian2Serialization tern;
    private org.apache.dubbo.common.serialize.hessian2.Hessian2Serialization dubbo;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    private final ByteBuf buffer = Unpooled.directBuffer(8192);

    @Setup
    public void setUp() throws Exception {
        User user = UserServiceImpl.user(42);
        Page<User> page = new UserServiceImpl().listUser(3);
        payload = "user".equals(value) ? user : page;
        tern = new Hessian2Serialization(ClassPolicy.strict().allowInterface(UserService.class));
        dubbo = new org.apache.dubbo.common.serialize.hessian2.Hessian2Serialization();
    }

    @Benchmark
    public Object tern() {
        buffer.clear();
        try (ObjectOutput out = tern.output(buffer)) {
            out.writeObject(payload);
        }
        try (ObjectInput in = tern.input(buffer)) {
            return in.readObject(payload.getClass());
        }
    }

    @Benchmark
    public Object dubbo() throws IOException, ClassNotFoundException {
        bytes.reset();
        org.apache.dubbo.common.serialize.ObjectOutput out = dubbo.serialize(null, bytes);
        out.writeObject(payload);
        out.flushBuffer();
        if (out instanceof org.apache.dubbo.common.serialize.Cleanable cleanable) {
            cleanable.cleanup();
        }
        org.apache.dubbo.common.serialize.ObjectInput in = dubbo.deserialize(null,
                new ByteArrayInputStream(bytes.toByteArray()));
        Object read = in.readObject(payload.getClass());
        if (in instanceof org.apache.dubbo.common.serialize.Cleanable cleanable) {
            cleanable.cleanup();
        }
        return read;
    }
}
