package io.tern.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.tern.ClassPolicy;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.ServiceDescriptor;
import io.tern.ServiceKey;
import io.tern.example.User;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.serialization.Hessian2Serialization;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tern's dubbo codec: a {@code getUser(long)} request and its {@code User} response, each encoded
 * into a pooled buffer and decoded again, as the client and server do per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class CodecBenchmark {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private DubboCodec codec;
    private Invocation invocation;
    private MethodDescriptor getUser;
    private Result result;
    private Map<String, Object> base;
    private RequestTemplate template;
    private DubboCodec.ServiceLookup services;

    @Setup
    public void setUp() throws Exception {
        codec = new DubboCodec(new Hessian2Serialization(ClassPolicy.strict().allowInterface(UserService.class)));
        ServiceDescriptor descriptor = ServiceDescriptor.of(UserService.class);
        getUser = descriptor.find(UserService.class.getMethod("getUser", long.class));
        invocation = Invocation.of(ServiceKey.of(UserService.class.getName()), getUser, new Object[] {42L});
        User user = UserServiceImpl.user(42);
        result = Result.value(user);
        base = Map.of(Wire.PATH, UserService.class.getName(), Wire.INTERFACE, UserService.class.getName(),
                Wire.VERSION, "0.0.0");
        services = path -> descriptor;
        template = new RequestTemplate(UserService.class.getName(), "0.0.0", base, getUser, "1000", 1000, false);
    }

    @Benchmark
    public Object requestEncodeDecode() {
        ByteBuf frame = codec.encodeRequest(ALLOC, 1, template, invocation, 1 << 24);
        try {
            return codec.decodeRequest(1, true, false, Hessian2Serialization.ID,
                    frame.skipBytes(Wire.HEADER_LENGTH), services);
        } finally {
            frame.release();
        }
    }

    @Benchmark
    public Object responseEncodeDecode() {
        ByteBuf frame = codec.encodeResponse(ALLOC, 1, Hessian2Serialization.ID, result, true, 1 << 24, "getUser");
        try {
            return codec.decodeResponse(1, false, WireStatus.OK.code, Hessian2Serialization.ID,
                    frame.skipBytes(Wire.HEADER_LENGTH), getUser);
        } finally {
            frame.release();
        }
    }
}
