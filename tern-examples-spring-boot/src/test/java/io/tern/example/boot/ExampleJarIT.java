package io.tern.example.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.example.User;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example's runnable jar as an operator runs it: {@code java -jar} against ZooKeeper, its
 * health, an Apache Dubbo 3.3.5 consumer and a second jar in the consumer role calling it, and
 * SIGTERM ending it gracefully — its ZooKeeper node gone before its port closes.
 */
@Timeout(240)
class ExampleJarIT {

    private static final Path JAR = Path.of("target", "tern-examples-spring-boot.jar");
    private static final String PROVIDERS = "/dubbo/io.tern.example.UserService/providers";

    static {
        // Apache Dubbo registers and binds the machine's first non-loopback address unless every
        // other interface is ignored; this test talks to loopback only.
        System.setProperty("dubbo.network.interface.ignored", nonLoopbackInterfaces());
        System.setProperty("dubbo.application.migration.step", "FORCE_INTERFACE");
        System.setProperty("dubbo.application.logger", "slf4j");
    }

    private static TestingServer zookeeper;
    private static CuratorFramework curator;
    private static final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        assertThat(JAR).as("the packaged example").exists();
        zookeeper = new TestingServer(true);
        curator = CuratorFrameworkFactory.newClient(zookeeper.getConnectString(), new RetryOneTime(100));
        curator.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process process : processes) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        curator.close();
        zookeeper.close();
    }

    @Test
    void theJarServesDubboAndTernConsumersAndEndsGracefullyOnSigterm() throws Exception {
        String registry = "--tern.registry.address=zookeeper://127.0.0.1:" + zookeeper.getPort();
        int web = freePort();
        int dubboPort = freePort();
        long started = System.nanoTime();
        Process provider = java("provider", registry, "--server.port=" + web, "--tern.protocol.port=" + dubboPort);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> UserApps.get(web, "/actuator/health").statusCode() == 200);
        System.out.printf("example jar: healthy %.1f s after java -jar%n", (System.nanoTime() - started) / 1e9);
        String health = UserApps.get(web, "/actuator/health").body();
        assertThat(UserApps.ternHealth(health)).as(health).isEqualTo("UP");
        assertThat(children(PROVIDERS)).as("UserService over dubbo and over Triple")
                .extracting(node -> node.substring(0, node.indexOf("%3A"))).containsExactlyInAnyOrder("dubbo", "tri");

        assertThat(callThroughDubbo().getName()).isEqualTo(UserServiceImpl.user(1).getName());

        int consumerWeb = freePort();
        Process consumer = java("consumer", registry, "--tern.role=consumer", "--server.port=" + consumerWeb);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .untilAsserted(() -> UserApps.assertUser(consumerWeb, 1));

        long sigterm = System.nanoTime();
        provider.destroy(); // SIGTERM
        long nodeGone = -1;
        long portClosed = -1;
        while (provider.isAlive() || portClosed < 0) {
            long now = System.nanoTime();
            if (nodeGone < 0 && children(PROVIDERS).isEmpty()) {
                nodeGone = now;
            }
            if (portClosed < 0 && !listening(dubboPort)) {
                portClosed = now;
            }
            if (now - sigterm > TimeUnit.SECONDS.toNanos(30)) {
                break;
            }
            Thread.sleep(5);
        }
        assertThat(provider.waitFor(30, TimeUnit.SECONDS)).as("ended within the shutdown timeout").isTrue();
        assertThat(provider.exitValue()).as("SIGTERM's exit").isIn(0, 143);
        assertThat(nodeGone).as("its ZooKeeper node was removed").isPositive();
        assertThat(portClosed).as("its port closed").isPositive();
        assertThat(nodeGone).as("unregistered before its port closed").isLessThan(portClosed);
        System.out.printf("example jar: SIGTERM -> unregistered %.0f ms, port closed %.0f ms%n",
                (nodeGone - sigterm) / 1e6, (portClosed - sigterm) / 1e6);
        String log = Files.readString(log("provider"));
        assertThat(log).doesNotContain("ERROR");

        consumer.destroy();
        assertThat(consumer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** An Apache Dubbo 3.3.5 consumer, through its own API, finds the Boot provider in ZooKeeper. */
    private static User callThroughDubbo() {
        ApplicationConfig application = new ApplicationConfig("dubbo-consumer");
        application.setQosEnable(false);
        application.setRegisterMode("interface");
        application.setMetadataType("local");
        RegistryConfig registry = new RegistryConfig("zookeeper://127.0.0.1:" + zookeeper.getPort());
        registry.setUseAsMetadataCenter(false);
        registry.setUseAsConfigCenter(false);
        ReferenceConfig<UserService> reference = new ReferenceConfig<>();
        reference.setInterface(UserService.class);
        reference.setVersion("1.0.0");
        reference.setTimeout(10_000);
        reference.setCheck(false);
        DubboBootstrap dubbo = DubboBootstrap.newInstance().application(application).registry(registry)
                .reference(reference);
        try {
            dubbo.start();
            UserService users = reference.get();
            return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> users.getUser(1), u -> true);
        } finally {
            dubbo.destroy();
        }
    }

    private static Process java(String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx256m", "-jar", JAR.toString(), "--server.address=127.0.0.1", "--tern.protocol.host=127.0.0.1"));
        command.addAll(List.of(args));
        File out = log(name).toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(out)).start();
        processes.add(process);
        return process;
    }

    private static Path log(String name) {
        return Path.of("target", "example-jar-" + name + ".log");
    }

    private static List<String> children(String path) throws Exception {
        return curator.checkExists().forPath(path) == null ? List.of() : curator.getChildren().forPath(path);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return socket.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String nonLoopbackInterfaces() {
        try {
            return Collections.list(NetworkInterface.getNetworkInterfaces()).stream().filter(i -> {
                try {
                    return !i.isLoopback();
                } catch (SocketException e) {
                    return true;
                }
            }).map(NetworkInterface::getName).collect(Collectors.joining(","));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }
}
