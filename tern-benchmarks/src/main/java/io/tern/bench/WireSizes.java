package io.tern.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes one Tern call of each workload puts on the wire, request and response, measured
 * through a counting relay: the raw ping-pong then moves exactly as many.
 */
final class WireSizes {

    record Sizes(int request, int response) {
    }

    private WireSizes() {
    }

    /** What one call of each of {@code workloads} moves between a consumer and a provider of {@code kind}. */
    static Map<Workload, Sizes> measure(Kind kind, List<Workload> workloads) throws Exception {
        Map<Workload, Sizes> sizes = new EnumMap<>(Workload.class);
        List<AutoCloseable> consumers = new ArrayList<>();
        try (BenchServer.Provider provider = BenchServer.start(kind); Relay relay = new Relay(provider.port())) {
            Map<Class<?>, Object> services = new HashMap<>();
            for (Workload workload : workloads) {
                Object service = services.computeIfAbsent(workload.service,
                        type -> BenchClient.service(kind, relay.port(), type, consumers));
                workload.call(service, 0); // connects, and loads what the first call loads
                Thread.sleep(50);
                long up = relay.up.get();
                long down = relay.down.get();
                workload.call(service, 1);
                Thread.sleep(50);
                sizes.put(workload, new Sizes((int) (relay.up.get() - up), (int) (relay.down.get() - down)));
            }
        } finally {
            for (AutoCloseable consumer : consumers) {
                consumer.close();
            }
        }
        return sizes;
    }

    /** Forwards connections to a port, counting bytes each way. */
    private static final class Relay implements AutoCloseable {
        final AtomicLong up = new AtomicLong();
        final AtomicLong down = new AtomicLong();
        private final ServerSocket socket;
        private final int target;

        Relay(int target) throws IOException {
            this.target = target;
            this.socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "relay");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = socket.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                    pump(client.getInputStream(), server.getOutputStream(), up);
                    pump(server.getInputStream(), client.getOutputStream(), down);
                }
            } catch (IOException e) {
                // closed
            }
        }

        private static void pump(InputStream in, OutputStream out, AtomicLong count) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[65_536];
                try {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        count.addAndGet(n);
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "relay-pump");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
