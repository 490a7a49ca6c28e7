package io.tern.bench;

import io.tern.registry.EmbeddedZooKeeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/**
 * Startup time and heap of the example's provider as a Spring Boot application: Tern's starter
 * on Boot 4.0 and on Boot 3.5, and Apache Dubbo 3.3.5's own starter on Boot 3.5, each serving
 * {@code UserService} through one ZooKeeper, with a web server and the actuator. Started is the
 * first moment {@code /actuator/health} answers 200 and the provider's node is in ZooKeeper,
 * counted from the process's start; the heap is what is used after a full collection then. The
 * runs alternate between the three; the medians are printed.
 *
 * <p>Run from the repository's root after {@code mvn -q -DskipTests package}, under
 * {@code bin/private-network} (Dubbo binds the machine's first address):
 * {@code java -cp tern-benchmarks/target/tern-benchmarks.jar io.tern.bench.BootStartup [runs]}.
 */
public final class BootStartup {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private record Subject(String name, Path jar, List<String> args) {
    }

    private record Run(double seconds, double heapMb) {
    }

    private BootStartup() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(0);
                CuratorFramework curator = CuratorFrameworkFactory.newClient(zookeeper.connectString(),
                        new RetryOneTime(100))) {
            curator.start();
            String zk = "zookeeper://" + zookeeper.connectString();
            List<Subject> subjects = List.of(
                    new Subject("Tern starter, Boot 4.0.7", Path.of("tern-examples-spring-boot/target/tern-examples-spring-boot.jar"),
                            List.of("--tern.registry.address=" + zk)),
                    new Subject("Tern starter, Boot 3.5.7", Path.of("tern-spring-boot3-tests/target/tern-examples-spring-boot3.jar"),
                            List.of("--tern.registry.address=" + zk)),
                    new Subject("Dubbo 3.3.5 starter, Boot 3.5.7", Path.of("tern-benchmarks-dubbo-boot/target/dubbo-boot-users.jar"),
                            List.of("--dubbo.registry.address=" + zk)));
            Map<String, List<Run>> results = new LinkedHashMap<>();
            for (int i = 0; i < runs; i++) {
                for (Subject subject : subjects) {
                    Run run = measure(subject, curator);
                    System.out.printf("%-32s run %d: started %.2f s, heap %.1f MB%n", subject.name(), i + 1,
                            run.seconds(), run.heapMb());
                    results.computeIfAbsent(subject.name(), k -> new ArrayList<>()).add(run);
                }
            }
            System.out.printf("%n| application | started (median of %d) | heap used after start, after a full GC |%n", runs);
            System.out.println("|---|---|---|");
            results.forEach((name, list) -> System.out.printf("| %s | %.2f s | %.1f MB |%n", name,
                    median(list.stream().mapToDouble(Run::seconds).toArray()),
                    median(list.stream().mapToDouble(Run::heapMb).toArray())));
        }
    }

    private static Run measure(Subject subject, CuratorFramework curator) throws Exception {
        if (!Files.exists(subject.jar())) {
            throw new IllegalStateException(subject.jar() + ": missing (expected: built by mvn -q -DskipTests package)");
        }
        String providers = "/dubbo/io.tern.example.UserService/providers";
        int web = freePort();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-jar", subject.jar().toString(), "--server.port=" + web, "--tern.protocol.port=0",
                "--dubbo.protocol.port=" + freePort()));
        command.addAll(subject.args());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(healthy(web) && registered(curator, providers))) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException(subject.name() + ": did not start");
                }
                Thread.sleep(20);
            }
            double seconds = Duration.between(process.info().startInstant().orElseThrow(), java.time.Instant.now())
                    .toNanos() / 1e9;
            jcmd(process.pid(), "GC.run");
            Matcher used = USED.matcher(jcmd(process.pid(), "GC.heap_info"));
            double heap = used.find() ? Long.parseLong(used.group(1)) / 1024.0 : Double.NaN;
            return new Run(seconds, heap);
        } finally {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            while (registered(curator, providers)) {
                Thread.sleep(20);
            }
        }
    }

    private static boolean healthy(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean registered(CuratorFramework curator, String path) throws Exception {
        return curator.checkExists().forPath(path) != null && !curator.getChildren().forPath(path).isEmpty();
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
