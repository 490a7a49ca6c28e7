package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.bootstrap.TernServer;
import io.tern.cluster.Clusters;
import io.tern.cluster.DynamicDirectory;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.RpcContext;
import io.tern.dubbo.ClientOptions;
import io.tern.dubbo.DubboProtocol;
import io.tern.registry.Registry;
import io.tern.registry.RegistryUrls;
import io.tern.registry.ZooKeeperRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.apache.dubbo.config.ApplicationConfig;
import org.apache.dubbo.config.ProtocolConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.config.RegistryConfig;
import org.apache.dubbo.config.ServiceConfig;
import org.apache.dubbo.config.bootstrap.DubboBootstrap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tern and Apache Dubbo 3.3.5 finding each other through a real ZooKeeper, interface-level: a
 * Dubbo consumer calls a Tern provider it found there, and a Tern consumer calls a Dubbo provider.
 * One Dubbo instance plays both of its roles.
 */
class ZooKeeperInteropTest {

    private static TestingServer zookeeper;
    private static DubboProtocol tern;
    private static ZooKeeperRegistry registry;
    private static DubboBootstrap dubbo;
    private static ServiceUrl ternProvider;

    @BeforeAll
    static void start() throws Exception {
        zookeeper = new TestingServer(true);
        String address = "zookeeper://" + zookeeper.getConnectString();

        tern = DubboProtocol.builder().clientOptions(ClientOptions.DEFAULT.withTimeout(Duration.ofSeconds(10))).build();
        registry = ZooKeeperRegistry.connect(ServiceUrl.parse(address + "?timeout=10000"));
        Exporter<InteropService> exported = tern.export(Invokers.of(InteropService.class,
                new InteropServiceImpl("tern-2.0.0", key -> RpcContext.requestAttachments().get(key),
                        RpcContext::setResponseAttachment),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + InteropService.class.getName() + "?version=2.0.0")));
        ternProvider = RegistryUrls.provider(exported.url(), InteropService.class, "tern-provider");
        registry.register(ternProvider);

        System.setProperty("dubbo.application.migration.step", "FORCE_INTERFACE");
        ApplicationConfig application = new ApplicationConfig("dubbo-peer");
        application.setQosEnable(false);
        application.setRegisterMode("interface");
        application.setMetadataType("local");
        RegistryConfig dubboRegistry = new RegistryConfig(address);
        dubboRegistry.setUseAsMetadataCenter(false);
        dubboRegistry.setUseAsConfigCenter(false);
        ProtocolConfig protocol = new ProtocolConfig("dubbo", DubboPeer.freePort());
        protocol.setHost("127.0.0.1");
        ServiceConfig<InteropService> service = new ServiceConfig<>();
        service.setInterface(InteropService.class);
        service.setRef(new InteropServiceImpl("dubbo-1.0.0", key -> null, (key, value) -> { }));
        service.setVersion("1.0.0");
        service.setProtocol(protocol);
        // the same service on Dubbo's Triple alone, registered as tri://
        ProtocolConfig triple = new ProtocolConfig("tri", DubboPeer.freePort());
        triple.setHost("127.0.0.1");
        ServiceConfig<InteropService> overTriple = new ServiceConfig<>();
        overTriple.setInterface(InteropService.class);
        overTriple.setRef(new InteropServiceImpl("dubbo-tri-4.0.0", key -> org.apache.dubbo.rpc.RpcContext
                .getServerAttachment().getObjectAttachment(key), (key, value) -> org.apache.dubbo.rpc.RpcContext
                .getServerResponseContext().setObjectAttachment(key, value)));
        overTriple.setVersion("4.0.0");
        overTriple.setProtocol(triple);
        dubbo = DubboBootstrap.newInstance().application(application).registry(dubboRegistry)
                .protocols(List.of(protocol, triple)).service(service).service(overTriple);
        dubbo.start();
    }

    @AfterAll
    static void stop() throws Exception {
        dubbo.destroy();
        registry.close();
        tern.close();
        zookeeper.close();
    }

    @Test
    void aDubboConsumerFindsAndCallsATernProvider() {
        ReferenceConfig<InteropService> reference = new ReferenceConfig<>();
        reference.setScopeModel(dubbo.getApplicationModel().getDefaultModule());
        reference.setInterface(InteropService.class);
        reference.setVersion("2.0.0");
        reference.setRetries(0);
        reference.setTimeout(10_000);
        reference.setCheck(false);
        InteropService service = reference.get();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "tern-2.0.0".equals(service.identify()));
        assertThat(service.echo("through ZooKeeper")).isEqualTo("through ZooKeeper");
        assertThat(service.orders(3)).hasSize(3);
        reference.destroy();
    }

    @Test
    void aDubboTripleConsumerFindsATernServersTriUrlAndCallsItOverTriple() {
        String address = "zookeeper://" + zookeeper.getConnectString();
        try (TernServer server = Tern.server().application("tern-tri").registry(address).triple(true)
                .service(InteropService.class, new InteropServiceImpl("tern-tri-3.0.0", key -> null, (key, value) -> { }),
                        s -> s.version("3.0.0").tripleOnly()).start()) { // registered as tri:// alone
            ReferenceConfig<InteropService> reference = new ReferenceConfig<>();
            reference.setScopeModel(dubbo.getApplicationModel().getDefaultModule());
            reference.setInterface(InteropService.class);
            reference.setVersion("3.0.0");
            reference.setProtocol("tri");
            reference.setRetries(0);
            reference.setTimeout(10_000);
            reference.setCheck(false);
            InteropService service = reference.get();

            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> "tern-tri-3.0.0".equals(service.identify()));
            assertThat(service.echo("tri through ZooKeeper")).isEqualTo("tri through ZooKeeper");
            assertThat(server.urls()).extracting(u -> u.protocol()).containsExactly("tri");
            reference.destroy();
        }
    }

    @Test
    void anOperatorTakesATernProviderOutOfADubboConsumersRotationAndBackWithoutAFailedCall() throws Exception {
        String address = "zookeeper://" + zookeeper.getConnectString() + "?timeout=10000";
        try (TernServer a = Tern.server().application("tern-a").registry(address).ops(0).service(InteropService.class,
                        new InteropServiceImpl("tern-a", key -> null, (key, value) -> { }), s -> s.version("3.0.0")).start();
                TernServer b = Tern.server().application("tern-b").registry(address).service(InteropService.class,
                        new InteropServiceImpl("tern-b", key -> null, (key, value) -> { }), s -> s.version("3.0.0"))
                        .start()) {
            ReferenceConfig<InteropService> reference = new ReferenceConfig<>();
            reference.setScopeModel(dubbo.getApplicationModel().getDefaultModule());
            reference.setInterface(InteropService.class);
            reference.setVersion("3.0.0");
            // Dubbo's default: a call that picked the provider's invoker just as the notification
            // destroyed it fails with "This invoker has been destroyed!" inside Dubbo's consumer, and
            // Dubbo retries it elsewhere (with retries=0 the test sees that consumer-side race).
            reference.setRetries(2);
            reference.setTimeout(10_000);
            reference.setCheck(false);
            reference.setLoadbalance("roundrobin");
            InteropService service = reference.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try {
                    String who = service.identify();
                    return "tern-a".equals(who) || "tern-b".equals(who);
                } catch (RuntimeException e) {
                    return false; // not found yet
                }
            });

            java.util.Queue<String> served = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.Queue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread caller = new Thread(() -> {
                while (running.get()) {
                    try {
                        served.add(service.identify());
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            }, "dubbo-caller");
            caller.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> served.contains("tern-a") && served.contains("tern-b"));
                java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                String ops = a.ops().uri();
                java.net.http.HttpResponse<String> offline = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(ops + "/offline?service=*InteropService*"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(offline.body()).isEqualTo("OK: 1 service offline\n");
                // The consumer hears of it through ZooKeeper; from then on only tern-b answers.
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    served.clear();
                    Thread.sleep(300);
                    return !served.isEmpty() && !served.contains("tern-a");
                });
                http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(ops + "/online?service=*InteropService*"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                served.clear();
                await().atMost(Duration.ofSeconds(30)).until(() -> served.contains("tern-a"));
            } finally {
                running.set(false);
                caller.join(15_000);
                reference.destroy();
            }
            assertThat(failures).as("calls the Dubbo consumer saw fail").isEmpty();
            assertThat(b.ops()).as("only the first server was given an endpoint").isNull();
        }
    }

    @Test
    void aTernConsumerFindsAndCallsADubboProvider() {
        ServiceUrl consumer = RegistryUrls.consumer("127.0.0.1", InteropService.class, "tern-consumer", "", "1.0.0");
        DynamicDirectory<InteropService> directory = DynamicDirectory.create(InteropService.class, consumer,
                url -> tern.refer(InteropService.class, RegistryUrls.merge(url, consumer)));
        Registry.Subscription subscription = registry.subscribe(consumer, directory::notify);
        Invoker<InteropService> cluster = Clusters.join(directory, List.of());
        InteropService service = Proxies.create(cluster);

        await().atMost(Duration.ofSeconds(30)).until(() -> !directory.providers().isEmpty());
        ServiceUrl found = directory.providers().get(0).url();
        assertThat(found.parameter("side")).isEqualTo("provider");
        assertThat(found.parameter("release")).isEqualTo("3.3.5");
        assertThat(service.identify()).isEqualTo("dubbo-1.0.0");
        assertThat(service.orders(3)).hasSize(3);

        subscription.close();
        cluster.close();
    }

    @Test
    void aTernClientFindsADubboTripleProviderThroughZooKeeperAndCallsItOverTriple() {
        try (TernClient client = Tern.client().application("tern-tri-consumer")
                .registry("zookeeper://" + zookeeper.getConnectString() + "?timeout=10000").build()) {
            InteropService service = client.reference(InteropService.class,
                    r -> r.protocol("tri").version("4.0.0").timeout(Duration.ofSeconds(10))).get();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> "dubbo-tri-4.0.0".equals(service.identify()));
            assertThat(service.echo("tri from ZooKeeper")).isEqualTo("tri from ZooKeeper");
            assertThat(service.orders(3)).hasSize(3);
            RpcContext.setAttachment("trace", "zk-tri");
            assertThat(service.attachment("trace")).isEqualTo("zk-tri"); // 4.0.0 is served over Triple alone
        }
    }

    /** The {@code tern} command run in this process: exit code, stdout, stderr. */
    private record Cli(int exit, String out, String err) {
        static Cli run(String... args) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            int exit = io.tern.cli.TernCli.run(args, new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                    new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            return new Cli(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    private static String dubboProviderUrl() {
        ServiceUrl provider = registry.registered(InteropService.class.getName(), "providers").stream()
                .filter(url -> "3.3.5".equals(url.parameter("release")) && url.protocol().equals("dubbo")).findFirst()
                .orElseThrow();
        return "dubbo://" + provider.address() + "/" + InteropService.class.getName() + "?version=1.0.0";
    }

    @Test
    void ternLsListsDubboAndTernProvidersAndConsumers() throws Exception {
        Cli ls = Cli.run("ls", "zookeeper://" + zookeeper.getConnectString(), InteropService.class.getName(),
                "--json");
        assertThat(ls.exit()).as(ls.err()).isZero();
        JsonNode providers = new ObjectMapper().readTree(ls.out()).get(InteropService.class.getName())
                .get("providers");
        assertThat(providers).extracting(p -> p.get("release").asText()).contains("3.3.5", RegistryUrls.RELEASE);
        assertThat(providers).anySatisfy(p -> {
            assertThat(p.get("version").asText()).isEqualTo("1.0.0");
            assertThat(p.get("application").asText()).isEqualTo("dubbo-peer");
            assertThat(p.get("methods")).extracting(JsonNode::asText).contains("echo", "addInts");
        });
    }

    @Test
    void ternCallReachesADubboProviderDirectlyAndThroughTheRegistry() throws Exception {
        Cli typed = Cli.run("call", dubboProviderUrl(), "addInts", "2", "3", "--types", "int,int");
        assertThat(typed.exit()).as(typed.err()).isZero();
        assertThat(typed.out().trim()).isEqualTo("5");

        Cli discovered = Cli.run("call", "zookeeper://" + zookeeper.getConnectString(), "echo", "\"über ZK\"",
                "--service", InteropService.class.getName(), "--version", "1.0.0", "--types", "java.lang.String");
        assertThat(discovered.exit()).as(discovered.err()).isZero();
        assertThat(discovered.out().trim()).isEqualTo("\"über ZK\"");

        // Dubbo, too, finds a method that is not overloaded by its name when no types are sent.
        Cli untyped = Cli.run("call", dubboProviderUrl(), "echo", "\"untyped\"");
        assertThat(untyped.exit()).as(untyped.err()).isZero();
        assertThat(untyped.out().trim()).isEqualTo("\"untyped\"");
        Cli thrown = Cli.run("call", dubboProviderUrl(), "failUnchecked", "\"no\"", "--types", "java.lang.String");
        assertThat(thrown.exit()).isEqualTo(1);
        assertThat(thrown.err().lines().filter(l -> l.startsWith("tern"))).singleElement().asString()
                .startsWith("tern call: ").contains("IllegalArgumentException").contains("no");
    }

    @Test
    void ternBenchRunsAgainstADubboProvider() throws Exception {
        Cli bench = Cli.run("bench", dubboProviderUrl(), "echo", "\"ping\"", "--types", "java.lang.String",
                "--threads", "2", "--requests", "200", "--warmup", "100ms", "--json");
        assertThat(bench.exit()).as(bench.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(bench.out());
        assertThat(summary.get("requests").asLong()).isEqualTo(200);
        assertThat(summary.get("errors").asLong()).isZero();
        assertThat(summary.get("latency_us").get("p99").asLong()).isPositive();
    }

    @Test
    void eachSideReadsTheNodesTheOtherWrites() {
        ServiceUrl dubboConsumerView = RegistryUrls.consumer("127.0.0.1", InteropService.class, "x", "", "2.0.0");
        assertThat(registry.lookup(dubboConsumerView)).containsExactly(ternProvider);
        assertThat(registry.registered(InteropService.class.getName(), "providers"))
                .anySatisfy(url -> assertThat(url.parameter("release")).isEqualTo("3.3.5"));
    }
}
