package io.tern.bench;

import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.transport.DubboProtocol;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.EnumMap;
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

    static Map<Workload, Sizes> measure() throws Exception {
        Map<Workload, Sizes> sizes = new EnumMap<>(Workload.class);
        try (DubboProtocol provider = DubboProtocol.create(); DubboProtocol consumer = DubboProtocol.create();
                Relay relay = new Relay(provider.export(Invokers.of(UserService.class, new UserServiceImpl(),
                        ServiceUrl.parse("dubbo://127.0.0.1:0/" + UserService.class.getName()))).url().port())) {
            UserService users = Proxies.create(consumer.refer(UserService.class, ServiceUrl.parse(
                    "dubbo://127.0.0.1:" + relay.port() + "/" + UserService.class.getName() + "?timeout=10000")));
            for (Workload workload : Workload.values()) {
                workload.call(users, 0); // connects, and loads what the first call loads
                Thread.sleep(50);
                long up = relay.up.get();
                long down = relay.down.get();
                workload.call(users, 1);
                Thread.sleep(50);
                sizes.put(workload, new Sizes((int) (relay.up.get() - up), (int) (relay.down.get() - down)));
            }
        }
        return sizes;
    }

    /** Forwards one connection to a port, counting bytes each way. */
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
                Socket client = socket.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                pump(client.getInputStream(), server.getOutputStream(), up);
                pump(server.getInputStream(), client.getOutputStream(), down);
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
