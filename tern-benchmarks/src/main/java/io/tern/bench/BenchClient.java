package io.tern.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.tern.ServiceUrl;
import io.tern.core.Proxies;
import io.tern.dubbo.DubboProtocol;
import io.tern.example.UserService;
import io.tern.triple.TripleProtocol;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import tern.example.Greeter;

/**
 * A benchmark consumer in a JVM of its own: {@code threads} callers in a closed loop against one
 * provider, a warm-up, then a measured window. Prints one JSON object: ops/s and latency
 * percentiles in microseconds.
 *
 * <p>Arguments: kind port workload threads warmupMillis measureMillis requestBytes responseBytes
 * (the last two for {@code raw} only: the sizes of the Tern call it stands for).
 */
public final class BenchClient {

    private static final int WARMUP = 0;
    private static final int MEASURE = 1;
    private static final int STOP = 2;

    private static volatile int phase = WARMUP;

    private BenchClient() {
    }

    /** One caller: makes the {@code i}th call. */
    private interface Caller {
        void call(long i) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Kind kind = Kind.of(args[0]);
        int port = Integer.parseInt(args[1]);
        Workload workload = Workload.of(args[2]);
        int threads = Integer.parseInt(args[3]);
        long warmup = Long.parseLong(args[4]);
        long measure = Long.parseLong(args[5]);
        int requestBytes = Integer.parseInt(args[6]);
        int responseBytes = Integer.parseInt(args[7]);

        List<AutoCloseable> resources = new ArrayList<>();
        List<Caller> callers = new ArrayList<>();
        if (kind == Kind.RAW) {
            for (int t = 0; t < threads; t++) {
                RawCaller raw = new RawCaller(port, requestBytes, responseBytes);
                resources.add(raw);
                callers.add(raw);
            }
        } else {
            Object service = service(kind, port, workload.service, resources);
            for (int t = 0; t < threads; t++) {
                callers.add(i -> workload.call(service, i));
            }
        }

        List<Histogram> histograms = new ArrayList<>();
        LongAdder errors = new LongAdder();
        List<Thread> running = new ArrayList<>();
        for (Caller caller : callers) {
            Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            histograms.add(histogram);
            Thread thread = new Thread(() -> loop(caller, histogram, errors), "caller");
            thread.setDaemon(true);
            running.add(thread);
            thread.start();
        }
        Thread.sleep(warmup);
        long allocatedBefore = Allocation.allThreads();
        System.out.println("measuring"); // the benchmark marks the server's allocation now
        System.out.flush();
        phase = MEASURE;
        long start = System.nanoTime();
        Thread.sleep(measure);
        // Read before the callers are told to stop: a caller that has ended has no counter left.
        long allocated = Allocation.allThreads() - allocatedBefore;
        System.out.println("stopped"); // the benchmark reads both sides' costs now, while every caller lives
        System.out.flush();
        awaitBenchmark();
        phase = STOP;
        long elapsed = System.nanoTime() - start;
        for (Thread thread : running) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        histograms.forEach(all::add);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("kind", kind.label());
        result.put("workload", workload.method);
        result.put("threads", threads);
        result.put("calls", all.getTotalCount());
        result.put("errors", errors.sum());
        result.put("ops_per_sec", all.getTotalCount() * 1e9 / elapsed);
        result.put("p50_us", all.getValueAtPercentile(50) / 1000.0);
        result.put("p99_us", all.getValueAtPercentile(99) / 1000.0);
        result.put("p999_us", all.getValueAtPercentile(99.9) / 1000.0);
        result.put("client_bytes_per_call", all.getTotalCount() == 0 ? 0 : allocated / all.getTotalCount());
        System.out.println(new ObjectMapper().writeValueAsString(result));
        System.out.flush();
        for (AutoCloseable resource : resources) {
            resource.close();
        }
        System.exit(0);
    }

    /** Waits for the benchmark to say, on standard input, that it has read what it reads at "stopped". */
    private static void awaitBenchmark() throws IOException {
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }

    /**
     * A consumer of {@code type} at {@code port} for {@code kind}, with one connection; what it
     * holds goes into {@code resources}, to close after the run.
     */
    static Object service(Kind kind, int port, Class<?> type, List<AutoCloseable> resources) {
        String path = "127.0.0.1:" + port + "/" + type.getName() + "?timeout=10000";
        switch (kind) {
            case TERN -> {
                DubboProtocol protocol = DubboProtocol.create();
                resources.add(protocol);
                return Proxies.create(protocol.refer(type, ServiceUrl.parse("dubbo://" + path)));
            }
            case TERN_TRI -> {
                TripleProtocol protocol = TripleProtocol.create();
                resources.add(protocol);
                return Proxies.create(protocol.refer(type, ServiceUrl.parse("tri://" + path)));
            }
            case TERN_TLS -> {
                DubboProtocol protocol = DubboProtocol.builder().clientTls(BenchTls.client()).build();
                resources.add(protocol);
                return Proxies.create(protocol.refer(type, ServiceUrl.parse("dubbo://" + path)));
            }
            case DUBBO_TLS -> {
                require(kind, type, UserService.class);
                ReferenceConfig<UserService> reference = DubboSide.reference(port, "dubbo");
                DubboBootstrap bootstrap = DubboSide.bootstrap("bench-consumer").ssl(BenchTls.dubbo())
                        .reference(reference);
                bootstrap.start();
                resources.add(bootstrap::destroy);
                return reference.get();
            }
            case DUBBO, DUBBO_TRI -> {
                require(kind, type, UserService.class);
                ReferenceConfig<UserService> reference = DubboSide.reference(port, kind == Kind.DUBBO ? "dubbo" : "tri");
                DubboBootstrap bootstrap = DubboSide.bootstrap("bench-consumer").reference(reference);
                bootstrap.start();
                resources.add(bootstrap::destroy);
                return reference.get();
            }
            case GRPC -> {
                require(kind, type, Greeter.class);
                ManagedChannel channel = GrpcSide.channel(port);
                resources.add(() -> GrpcSide.close(channel));
                return GrpcSide.client(channel);
            }
            default -> throw new IllegalArgumentException("kind: " + kind.label() + " has no consumer of " + type.getName());
        }
    }

    private static void require(Kind kind, Class<?> type, Class<?> served) {
        if (type != served) {
            throw new IllegalArgumentException("kind: " + kind.label() + " serves " + served.getName() + " only, not "
                    + type.getName());
        }
    }

    private static void loop(Caller caller, Histogram histogram, LongAdder errors) {
        long i = 0;
        while (phase != STOP) {
            long begin = System.nanoTime();
            try {
                caller.call(i++);
                if (phase == MEASURE) {
                    histogram.recordValue(Math.min(System.nanoTime() - begin, histogram.getHighestTrackableValue()));
                }
            } catch (Exception e) {
                if (phase == MEASURE) {
                    errors.increment();
                }
            }
        }
    }

    /** A raw ping-pong caller with a connection of its own. */
    private static final class RawCaller implements Caller, AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;
        private final byte[] request;
        private final byte[] response;

        RawCaller(int port, int requestBytes, int responseBytes) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 65_536));
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 65_536));
            request = new byte[requestBytes];
            response = new byte[responseBytes];
        }

        @Override
        public void call(long i) throws IOException {
            out.writeInt(request.length);
            out.writeInt(response.length);
            out.write(request);
            out.flush();
            int length = in.readInt();
            in.readFully(response, 0, length);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
