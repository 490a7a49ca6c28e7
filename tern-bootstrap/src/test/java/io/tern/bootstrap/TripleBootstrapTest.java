package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.registry.InJvmRegistry;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server with Triple on answers dubbo and Triple on one port and registers both; a client
 * takes the dubbo providers unless a reference asks for Triple, and closes what Triple made.
 */
class TripleBootstrapTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Greeter {
        String greet(String name);
    }

    public interface Counter {
        int next();
    }

    @Test
    void referencesChooseTheProtocolAndTripleOnlyServicesAreFoundOverTripleAlone() {
        InJvmRegistry registry = new InJvmRegistry();
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
        int[] count = {0};
        TernServer server = cleanup.register(Tern.server().application("both").registry(registry).triple(true)
                .service(Greeter.class, who -> "Hello, " + who)
                .service(Counter.class, () -> ++count[0], ServiceOptions::tripleOnly).start());
        assertThat(server.urls()).extracting(u -> u.protocol() + " " + u.path()).containsExactly(
                "dubbo " + Greeter.class.getName(), "tri " + Greeter.class.getName(), "tri " + Counter.class.getName());
        assertThat(server.urls()).extracting(u -> u.port()).containsOnly(server.port());
        assertThat(server.protocolNames()).containsExactly("dubbo", "tri");
        assertThat(server.protocol("tri").name()).isEqualTo("tri");
        assertThat(server.stats("tri").exportedCount()).isEqualTo(2);
        assertThatThrownBy(() -> server.stats("grpc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("protocol: 'grpc' (expected: one this runs: dubbo, tri)");

        try (TernClient client = Tern.client().application("web").registry(registry).tracker(tracker).build()) {
            assertThat(client.protocolNames()).as("Triple is made for the first reference over it")
                    .containsExactly("dubbo");
            Greeter overDubbo = client.reference(Greeter.class, r -> r.timeout(Duration.ofSeconds(5))).get();
            Greeter overTriple = client.reference(Greeter.class, r -> r.protocol("tri")).get();
            assertThat(overDubbo.greet("dubbo")).isEqualTo("Hello, dubbo");
            assertThat(overTriple.greet("tri")).isEqualTo("Hello, tri");
            assertThat(client.protocolNames()).containsExactly("dubbo", "tri");
            assertThat(client.stats("tri").referredCount()).isEqualTo(1);
            assertThat(client.stats("dubbo").clientCount()).as("one dubbo connection, for the dubbo reference")
                    .isEqualTo(1);
            assertThat(tracker.counts(ResourceKind.CLIENT).live()).as("and one Triple connection").isEqualTo(2);

            Counter counter = client.reference(Counter.class, r -> r.protocol("tri")).get();
            assertThat(counter.next()).isEqualTo(1);
            Counter overDubboToo = client.reference(Counter.class, r -> r.timeout(Duration.ofSeconds(1))).get();
            assertThatThrownBy(overDubboToo::next).isInstanceOfSatisfying(RpcException.class,
                    e -> assertThat(e.status()).as("no dubbo provider of a Triple-only service")
                            .isEqualTo(RpcStatus.NO_PROVIDER));

            Greeter direct = client.reference(Greeter.class, r -> r.url("tri://127.0.0.1:" + server.port())).get();
            assertThat(direct.greet("direct")).isEqualTo("Hello, direct");
            assertThatThrownBy(() -> client.reference(Greeter.class, r -> r.protocol("rmi")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("protocol: rmi (expected: dubbo or tri)");
        }
        assertThat(tracker.counts(ResourceKind.CLIENT).live()).as("the client's connections, both protocols").isZero();
        server.close();
        assertThat(server.stats("tri").serverCount()).isZero();
        assertThat(registry.size()).isZero();
    }

    @Test
    void bothProtocolsRunServicesOnTheServersOneCallPoolWhichStopsWithIt() {
        Greeter namingItsThread = who -> Thread.currentThread().getName();
        TernServer server = Tern.server().application("pool").triple(true).service(Greeter.class, namingItsThread)
                .start();
        try (TernClient client = cleanup.register(Tern.client().application("web").build())) {
            String url = "127.0.0.1:" + server.port() + "/" + Greeter.class.getName();
            String overDubbo = client.reference(Greeter.class, r -> r.url("dubbo://" + url)).get().greet("x");
            String overTriple = client.reference(Greeter.class, r -> r.url("tri://" + url)).get().greet("x");
            assertThat(overDubbo).startsWith("tern-server-");
            assertThat(overTriple).startsWith("tern-server-");
        } finally {
            server.close();
        }
        // the pool's threads end with the server
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("tern-server-")));
    }

    @Test
    void tripleReportsTheSameGaugesAsDubboUnderItsOwnName() {
        InJvmRegistry registry = new InJvmRegistry();
        SimpleMeterRegistry providerMeters = new SimpleMeterRegistry();
        SimpleMeterRegistry consumerMeters = new SimpleMeterRegistry();
        TernServer server = cleanup.register(Tern.server().application("both").registry(registry).triple(true)
                .metrics(providerMeters).service(Greeter.class, who -> "Hello, " + who).start());
        try (TernClient client = Tern.client().application("web").registry(registry).metrics(consumerMeters)
                .build()) {
            Greeter overTriple = client.reference(Greeter.class, r -> r.protocol("tri")).get();
            assertThat(overTriple.greet("tri")).isEqualTo("Hello, tri");

            assertThat(gauge(providerMeters, "tern.services.exported", "tri", "provider")).isEqualTo(1);
            assertThat(gauge(providerMeters, "tern.services.exported", "dubbo", "provider")).isEqualTo(1);
            assertThat(gauge(providerMeters, "tern.servers", "tri", "provider")).as("on the dubbo port").isEqualTo(1);
            assertThat(gauge(providerMeters, "tern.connections", "tri", "provider")).isEqualTo(1);
            assertThat(gauge(consumerMeters, "tern.references", "tri", "consumer")).isEqualTo(1);
            assertThat(gauge(consumerMeters, "tern.clients", "tri", "consumer")).isEqualTo(1);
            assertThat(consumerMeters.get("tern.connections.opened").tags("protocol", "tri", "role", "consumer")
                    .functionCounter().count()).isEqualTo(1);
        }
        assertThat(consumerMeters.find("tern.references").tags("protocol", "tri").gauge())
                .as("the client's meters go with it").isNull();
        server.close();
        assertThat(providerMeters.find("tern.servers").tags("protocol", "tri").gauge()).isNull();
    }

    @Test
    void bothProtocolsOfAServerAndOfAClientRunOnOneSetOfEventLoops() {
        java.util.Set<Long> before = threadIds();
        InJvmRegistry registry = new InJvmRegistry();
        TernServer server = cleanup.register(Tern.server().application("both").registry(registry).triple(true)
                .service(Greeter.class, who -> "Hello, " + who).start());
        TernClient client = cleanup.register(Tern.client().application("web").registry(registry).build());
        assertThat(client.reference(Greeter.class, r -> r.protocol("tri")).get().greet("tri")).isEqualTo("Hello, tri");
        assertThat(client.reference(Greeter.class).get().greet("dubbo")).isEqualTo("Hello, dubbo");

        java.util.List<String> made = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t.getId())).map(Thread::getName).toList();
        assertThat(made).as("threads made for the server and the client").noneMatch(n -> n.startsWith("tern-tri-io")
                || n.startsWith("tern-tri-accept"));
        assertThat(made.stream().filter(n -> n.startsWith("tern-accept")).count())
                .as("one accepting thread: the server's, for both protocols").isEqualTo(1);
        server.close();
        client.close();
    }

    private static java.util.Set<Long> threadIds() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getId)
                .collect(java.util.stream.Collectors.toSet());
    }

    private static double gauge(SimpleMeterRegistry meters, String name, String protocol, String role) {
        return meters.get(name).tags("protocol", protocol, "role", role).gauge().value();
    }
}
