package io.tern.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The side-by-side benchmark: in one run on one machine, for each workload and caller-thread
 * count, a raw TCP ping-pong moving the same bytes (the ceiling), Tern consumer to Tern provider,
 * and a peer's consumer to the peer's provider, one after the other; client and server in separate
 * JVMs. The peers: Apache Dubbo 3.3.5 on the dubbo protocol ({@code dubbo}, against Tern's dubbo
 * protocol) and on Triple ({@code dubbo-tri}, against Tern's Triple), both over
 * {@code UserService}; grpc-java 1.85.1 ({@code grpc}, against Tern's Triple) over the protobuf
 * {@code Greeter}; and {@code tls}: Tern and Dubbo on the dubbo protocol, each plaintext and with TLS,
 * then the full handshakes per second each server completes. Prints a table per peer of ops/s, latency percentiles and the ratios Tern/peer
 * and Tern/raw, then one of what each call cost each side over the measured window: CPU time and
 * context switches (from {@code /proc}, raw, Tern and the peer) and bytes allocated ({@code --json}
 * for JSON).
 *
 * <p>Options: {@code --peers dubbo,dubbo-tri,grpc,tls} (default {@code dubbo}), {@code --threads 1,16,64},
 * {@code --workloads existUser,getUser,getUserAsync,listUser,echo,sayHello,sayHelloStream} (each peer runs
 * those of its service), {@code --warmup 5} and {@code --measure 5} (seconds), {@code --json}.
 */
public final class SideBySide {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    /** A peer, the Tern kind it is compared with, and the service both answer. */
    private record Suite(Kind peer, Kind tern, String peerName, Class<?> service) {
        static Suite of(String peer) {
            return switch (peer) {
                case "dubbo" -> new Suite(Kind.DUBBO, Kind.TERN, "Dubbo", io.tern.example.UserService.class);
                case "dubbo-tri" -> new Suite(Kind.DUBBO_TRI, Kind.TERN_TRI, "Dubbo tri",
                        io.tern.example.UserService.class);
                case "grpc" -> new Suite(Kind.GRPC, Kind.TERN_TRI, "grpc-java", tern.example.Greeter.class);
                case "tls" -> new Suite(Kind.DUBBO_TLS, Kind.TERN_TLS, "Dubbo", io.tern.example.UserService.class);
                default -> throw new IllegalArgumentException("peer: " + peer
                        + " (expected: dubbo, dubbo-tri, grpc or tls)");
            };
        }
    }

    private SideBySide() {
    }

    public static void main(String[] args) throws Exception {
        List<Suite> suites = List.of(Suite.of("dubbo"));
        List<Integer> threadCounts = List.of(1, 16, 64);
        List<Workload> workloads = List.of(Workload.values());
        long warmupSeconds = 5;
        long measureSeconds = 5;
        boolean json = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--peers" -> suites = Arrays.stream(args[++i].split(",")).map(Suite::of).toList();
                    case "--threads" -> threadCounts = Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList();
                    case "--workloads" -> workloads = Arrays.stream(args[++i].split(",")).map(Workload::of).toList();
                    case "--warmup" -> warmupSeconds = Long.parseLong(args[++i]);
                    case "--measure" -> measureSeconds = Long.parseLong(args[++i]);
                    case "--json" -> json = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            System.err.println("side-by-side: " + e.getMessage() + " (options: --peers dubbo,dubbo-tri,grpc,tls"
                    + " --threads 1,16,64 --workloads existUser,getUser,getUserAsync,listUser,echo,sayHello,sayHelloStream"
                    + " --warmup S --measure S --json)");
            System.exit(2);
        }

        try {
            DubboSide.requirePrivateNetwork();
        } catch (IllegalStateException e) {
            System.err.println("side-by-side: " + e.getMessage());
            System.exit(2);
        }
        Map<Kind, Server> servers = new EnumMap<>(Kind.class);
        ArrayNode rows = JSON.createArrayNode();
        ObjectNode handshakes = null;
        String tlsProvider = null;
        if (suites.stream().anyMatch(s -> s.tern() == Kind.TERN_TLS)) {
            System.setProperty(BenchTls.DIRECTORY, BenchTls.create().toString());
            tlsProvider = io.netty.handler.ssl.OpenSsl.isAvailable()
                    ? "OpenSSL (" + io.netty.handler.ssl.OpenSsl.versionString() + ")" : "the JDK's";
            System.err.println("TLS by " + tlsProvider + " on both sides");
        }
        try {
            servers.put(Kind.RAW, Server.start(Kind.RAW));
            for (Suite suite : suites) {
                List<Workload> chosen = workloads.stream().filter(w -> w.service == suite.service()).toList();
                if (chosen.isEmpty()) {
                    continue;
                }
                if (suite.tern() == Kind.TERN_TLS) {
                    for (Kind kind : List.of(Kind.TERN, Kind.TERN_TLS, Kind.DUBBO, Kind.DUBBO_TLS)) {
                        if (!servers.containsKey(kind)) {
                            servers.put(kind, Server.start(kind));
                        }
                    }
                    for (Workload workload : chosen) {
                        for (int threads : threadCounts) {
                            rows.add(tlsRow(workload, threads, servers, warmupSeconds, measureSeconds));
                        }
                    }
                    handshakes = JSON.createObjectNode();
                    for (Kind kind : List.of(Kind.TERN_TLS, Kind.DUBBO_TLS)) {
                        BenchTls.handshakesPerSecond(servers.get(kind).port, 4, TimeUnit.SECONDS.toMillis(warmupSeconds));
                        double rate = BenchTls.handshakesPerSecond(servers.get(kind).port, 4,
                                TimeUnit.SECONDS.toMillis(measureSeconds));
                        handshakes.put(kind.label(), rate);
                        System.err.printf(Locale.ROOT, "%s: %,.0f full TLS handshakes/s from 4 threads%n",
                                kind.label(), rate);
                    }
                    continue;
                }
                Map<Workload, WireSizes.Sizes> sizes = WireSizes.measure(suite.tern(), chosen);
                System.err.println(suite.tern().label() + " wire bytes per call (request/response): " + sizes);
                for (Kind kind : List.of(suite.tern(), suite.peer())) {
                    if (!servers.containsKey(kind)) {
                        servers.put(kind, Server.start(kind));
                    }
                }
                for (Workload workload : chosen) {
                    for (int threads : threadCounts) {
                        rows.add(row(suite, workload, threads, sizes.get(workload), servers, warmupSeconds,
                                measureSeconds));
                    }
                }
            }
        } finally {
            for (Server server : servers.values()) {
                server.close();
            }
        }
        if (json) {
            ObjectNode all = JSON.createObjectNode();
            all.put("cpus", Runtime.getRuntime().availableProcessors());
            all.put("java", System.getProperty("java.version"));
            all.put("warmup_s", warmupSeconds);
            all.put("measure_s", measureSeconds);
            all.set("results", rows);
            if (handshakes != null) {
                all.set("tls_handshakes_per_sec", handshakes);
                all.put("tls_provider", tlsProvider);
            }
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
        } else {
            for (Suite suite : suites) {
                ArrayNode own = JSON.createArrayNode();
                rows.forEach(row -> {
                    if (row.get("peer_kind").asText().equals(suite.peer().label())) {
                        own.add(row);
                    }
                });
                if (!own.isEmpty()) {
                    System.out.println(suite.tern() == Kind.TERN_TLS ? tlsTable(own) : table(suite, own));
                    if (suite.tern() != Kind.TERN_TLS) {
                        System.out.println(costTable(suite, own));
                    }
                }
            }
        }
    }

    /** One workload at one thread count: raw, then Tern, then the peer. */
    private static ObjectNode row(Suite suite, Workload workload, int threads, WireSizes.Sizes sizes,
            Map<Kind, Server> servers, long warmupSeconds, long measureSeconds) throws IOException, InterruptedException {
        ObjectNode row = JSON.createObjectNode();
        row.put("workload", workload.method);
        row.put("threads", threads);
        row.put("tern_kind", suite.tern().label());
        row.put("peer_kind", suite.peer().label());
        row.put("request_bytes", sizes.request());
        row.put("response_bytes", sizes.response());
        row.set("raw", runClient(Kind.RAW, servers.get(Kind.RAW), workload, threads, sizes, warmupSeconds,
                measureSeconds));
        row.set("tern", runClient(suite.tern(), servers.get(suite.tern()), workload, threads, sizes, warmupSeconds,
                measureSeconds));
        row.set("peer", runClient(suite.peer(), servers.get(suite.peer()), workload, threads, sizes, warmupSeconds,
                measureSeconds));
        double tern = row.get("tern").get("ops_per_sec").asDouble();
        row.put("tern_vs_peer", tern / row.get("peer").get("ops_per_sec").asDouble());
        row.put("tern_vs_raw", tern / row.get("raw").get("ops_per_sec").asDouble());
        System.err.printf(Locale.ROOT, "%-14s %2d threads: raw %,9.0f  %s %,9.0f  %s %,9.0f ops/s%n",
                workload.method, threads, row.get("raw").get("ops_per_sec").asDouble(), suite.tern().label(), tern,
                suite.peer().label(), row.get("peer").get("ops_per_sec").asDouble());
        return row;
    }

    /** One workload at one thread count: Tern and Dubbo, each plaintext and then with TLS. */
    private static ObjectNode tlsRow(Workload workload, int threads, Map<Kind, Server> servers, long warmupSeconds,
            long measureSeconds) throws IOException, InterruptedException {
        ObjectNode row = JSON.createObjectNode();
        row.put("workload", workload.method);
        row.put("threads", threads);
        row.put("tern_kind", Kind.TERN_TLS.label());
        row.put("peer_kind", Kind.DUBBO_TLS.label());
        WireSizes.Sizes none = new WireSizes.Sizes(0, 0);
        for (Kind kind : List.of(Kind.TERN, Kind.TERN_TLS, Kind.DUBBO, Kind.DUBBO_TLS)) {
            row.set(kind.label(), runClient(kind, servers.get(kind), workload, threads, none, warmupSeconds,
                    measureSeconds));
        }
        double ternTls = ops(row, Kind.TERN_TLS);
        row.put("tern_tls_cost", 1 - ternTls / ops(row, Kind.TERN));
        row.put("dubbo_tls_cost", 1 - ops(row, Kind.DUBBO_TLS) / ops(row, Kind.DUBBO));
        row.put("tern_vs_peer", ternTls / ops(row, Kind.DUBBO_TLS));
        System.err.printf(Locale.ROOT, "%-10s %2d threads: Tern %,9.0f  Tern TLS %,9.0f  Dubbo %,9.0f  Dubbo TLS %,9.0f"
                + " ops/s%n", workload.method, threads, ops(row, Kind.TERN), ternTls, ops(row, Kind.DUBBO),
                ops(row, Kind.DUBBO_TLS));
        return row;
    }

    private static double ops(JsonNode row, Kind kind) {
        return row.get(kind.label()).get("ops_per_sec").asDouble();
    }

    static String tlsTable(ArrayNode rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | threads | Tern ops/s plain / TLS | TLS cost, Tern | Dubbo ops/s plain / TLS"
                + " | TLS cost, Dubbo | Tern TLS / Dubbo TLS | p50 µs Tern TLS / Dubbo TLS | p99 µs Tern TLS / Dubbo TLS"
                + " | B/call client, Tern TLS / Dubbo TLS |\n");
        sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        String tern = Kind.TERN_TLS.label();
        String dubbo = Kind.DUBBO_TLS.label();
        for (JsonNode row : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %,.0f / %,.0f | %.0f%% | %,.0f / %,.0f | %.0f%% | %.2f"
                    + " | %.0f / %.0f | %.0f / %.0f | %,d / %,d |%n",
                    row.get("workload").asText(), row.get("threads").asInt(), ops(row, Kind.TERN), ops(row, Kind.TERN_TLS),
                    100 * row.get("tern_tls_cost").asDouble(), ops(row, Kind.DUBBO), ops(row, Kind.DUBBO_TLS),
                    100 * row.get("dubbo_tls_cost").asDouble(), row.get("tern_vs_peer").asDouble(),
                    row.get(tern).get("p50_us").asDouble(), row.get(dubbo).get("p50_us").asDouble(),
                    row.get(tern).get("p99_us").asDouble(), row.get(dubbo).get("p99_us").asDouble(),
                    row.get(tern).path("client_bytes_per_call").asLong(-1),
                    row.get(dubbo).path("client_bytes_per_call").asLong(-1)));
        }
        return sb.toString();
    }

    static String table(Suite suite, ArrayNode rows) {
        String peer = suite.peerName();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "| workload | threads | raw ops/s | Tern ops/s | %1$s ops/s | Tern/%1$s"
                + " | Tern/raw | p50 µs raw / Tern / %1$s | p99 µs raw / Tern / %1$s | p99.9 µs raw / Tern / %1$s"
                + " | B/call client, Tern / %1$s | B/call server, Tern / %1$s |%n", peer));
        sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (JsonNode row : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %,.0f | %.2f | %.2f | %s | %s | %s | %s | %s |%n",
                    row.get("workload").asText(), row.get("threads").asInt(),
                    row.get("raw").get("ops_per_sec").asDouble(), row.get("tern").get("ops_per_sec").asDouble(),
                    row.get("peer").get("ops_per_sec").asDouble(), row.get("tern_vs_peer").asDouble(),
                    row.get("tern_vs_raw").asDouble(), latencies(row, "p50_us"), latencies(row, "p99_us"),
                    latencies(row, "p999_us"), bytes(row, "client_bytes_per_call"), bytes(row, "server_bytes_per_call")));
        }
        return sb.toString();
    }

    /**
     * What each call cost each side, per cell: CPU time (user and kernel, every thread of the
     * process) and context switches, as client + server = total, for raw, Tern and the peer; and the bytes
     * each side allocated, for Tern and the peer.
     */
    static String costTable(Suite suite, ArrayNode rows) {
        String peer = suite.peerName();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "| workload | threads | CPU µs/call raw | CPU µs/call Tern | CPU µs/call %1$s"
                + " | Tern/%1$s CPU | switches/call raw | switches/call Tern | switches/call %1$s"
                + " | B/call Tern | B/call %1$s |%n", peer));
        sb.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (JsonNode row : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %.2f | %s | %s | %s | %s | %s |%n",
                    row.get("workload").asText(), row.get("threads").asInt(),
                    pair(row.get("raw"), "cpu_us_per_call", "%.1f"), pair(row.get("tern"), "cpu_us_per_call", "%.1f"),
                    pair(row.get("peer"), "cpu_us_per_call", "%.1f"),
                    total(row.get("tern"), "cpu_us_per_call") / total(row.get("peer"), "cpu_us_per_call"),
                    pair(row.get("raw"), "switches_per_call", "%.2f"), pair(row.get("tern"), "switches_per_call", "%.2f"),
                    pair(row.get("peer"), "switches_per_call", "%.2f"),
                    pair(row.get("tern"), "bytes_per_call", "%,.0f"), pair(row.get("peer"), "bytes_per_call", "%,.0f")));
        }
        return sb.toString();
    }

    /** A side's figure as {@code client + server = total}, or {@code -} when it was not read. */
    private static String pair(JsonNode side, String field, String format) {
        JsonNode client = side.get("client_" + field);
        JsonNode server = side.get("server_" + field);
        if (client == null || server == null) {
            return "-";
        }
        return String.format(Locale.ROOT, format + " + " + format + " = " + format, client.asDouble(), server.asDouble(),
                client.asDouble() + server.asDouble());
    }

    private static double total(JsonNode side, String field) {
        return side.path("client_" + field).asDouble(Double.NaN) + side.path("server_" + field).asDouble(Double.NaN);
    }

    private static String bytes(JsonNode row, String field) {
        return String.format(Locale.ROOT, "%,d / %,d", row.get("tern").path(field).asLong(-1),
                row.get("peer").path(field).asLong(-1));
    }

    private static String latencies(JsonNode row, String field) {
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f", row.get("raw").get(field).asDouble(),
                row.get("tern").get(field).asDouble(), row.get("peer").get(field).asDouble());
    }

    private static List<String> java(String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        String tls = System.getProperty(BenchTls.DIRECTORY);
        if (tls != null) {
            command.add("-D" + BenchTls.DIRECTORY + "=" + tls);
            // Dubbo 3.3.5's TLS client names no host; on Netty 4.2, which verifies one by default, it
            // could not connect. Tern's contexts say what they verify and are not affected.
            command.add("-Dio.netty.handler.ssl.defaultEndpointVerificationAlgorithm=NONE");
            if (Boolean.getBoolean("io.netty.handler.ssl.noOpenSsl")) {
                command.add("-Dio.netty.handler.ssl.noOpenSsl=true"); // the JDK's TLS, for comparison
            }
        }
        String ternParameters = System.getProperty("bench.tern.parameters");
        if (ternParameters != null) {
            command.add("-Dbench.tern.parameters=" + ternParameters); // read by the Tern provider's JVM
        }
        if (Boolean.getBoolean(DubboSide.ANY_NETWORK)) {
            command.add("-D" + DubboSide.ANY_NETWORK + "=true");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * Runs one client against {@code server}. The client says when it starts and stops measuring;
     * the server's allocation is read at both, so each side's bytes per call cover the same calls.
     */
    private static JsonNode runClient(Kind kind, Server server, Workload workload, int threads, WireSizes.Sizes sizes,
            long warmupSeconds, long measureSeconds) throws IOException, InterruptedException {
        int port = server.port;
        // The raw frame's own headers (8 bytes out, 4 back) count toward the same totals.
        List<String> args = List.of(kind.label(), Integer.toString(port), workload.method, Integer.toString(threads),
                Long.toString(TimeUnit.SECONDS.toMillis(warmupSeconds)),
                Long.toString(TimeUnit.SECONDS.toMillis(measureSeconds)),
                Integer.toString(Math.max(0, sizes.request() - 8)), Integer.toString(Math.max(0, sizes.response() - 4)));
        Process process = new ProcessBuilder(java(BenchClient.class.getName(), args))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            long serverBefore = -1;
            long serverAllocated = -1;
            ProcessCost clientStart = null;
            ProcessCost serverStart = null;
            ProcessCost clientCost = null;
            ProcessCost serverCost = null;
            while ((line = out.readLine()) != null) {
                if (line.equals("measuring")) {
                    clientStart = ProcessCost.of(process.pid());
                    serverStart = ProcessCost.of(server.process.pid());
                    serverBefore = server.allocated();
                } else if (line.equals("stopped")) {
                    if (clientStart != null && serverStart != null) {
                        clientCost = ProcessCost.of(process.pid()).since(clientStart);
                        serverCost = ProcessCost.of(server.process.pid()).since(serverStart);
                    }
                    serverAllocated = server.allocated() - serverBefore;
                    process.getOutputStream().write('\n'); // the client's callers may stop now
                    process.getOutputStream().flush();
                } else if (line.startsWith("{")) {
                    last = line;
                }
            }
            if (last != null) {
                ObjectNode result = (ObjectNode) JSON.readTree(last);
                long calls = result.get("calls").asLong();
                if (serverBefore >= 0 && serverAllocated >= 0) {
                    result.put("server_bytes_per_call", calls == 0 ? 0 : serverAllocated / calls);
                }
                if (clientCost != null && serverCost != null && calls > 0) {
                    result.put("client_cpu_us_per_call", clientCost.cpuNanos() / 1000.0 / calls);
                    result.put("server_cpu_us_per_call", serverCost.cpuNanos() / 1000.0 / calls);
                    result.put("client_switches_per_call", (double) clientCost.contextSwitches() / calls);
                    result.put("server_switches_per_call", (double) serverCost.contextSwitches() / calls);
                }
                last = JSON.writeValueAsString(result);
            }
        }
        if (!process.waitFor(warmupSeconds + measureSeconds + 120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (last == null) {
            throw new IllegalStateException(kind.label() + " client for " + workload.method + " with " + threads
                    + " threads printed no result (exit " + process.exitValue() + ")");
        }
        return JSON.readTree(last);
    }

    /** A provider JVM, stopped by closing its standard input. */
    private record Server(Process process, int port, BufferedReader out) implements AutoCloseable {
        /** The bytes the provider's threads have allocated so far. */
        long allocated() throws IOException {
            process.getOutputStream().write("mark\n".getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("allocated ")) {
                    return Long.parseLong(line.substring("allocated ".length()).trim());
                }
            }
            throw new IllegalStateException("the provider ended before answering a mark");
        }

        static Server start(Kind kind) throws IOException {
            Process process = new ProcessBuilder(java(BenchServer.class.getName(), List.of(kind.label())))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("port ")) {
                // Dubbo may print a banner first
            }
            if (line == null) {
                throw new IllegalStateException(kind.label() + " server ended before listening");
            }
            return new Server(process, Integer.parseInt(line.substring("port ".length()).trim()), out);
        }

        @Override
        public void close() throws IOException {
            process.getOutputStream().close();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
