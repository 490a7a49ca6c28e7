package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.registry.InJvmRegistry;
import io.tern.testing.TernCleanup;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BootstrapTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Greeter {
        String greet(String name);
    }

    private static Greeter named(String name) {
        return who -> "Hello, " + who + " from " + name;
    }

    @Test
    void aDirectReferenceNeedsNoRegistry() {
        TernServer server = cleanup.register(Tern.server().service(Greeter.class, named("direct")).start());
        TernClient client = cleanup.register(Tern.client().build());
        Greeter greeter = client.reference(Greeter.class, r -> r.url("dubbo://127.0.0.1:" + server.port())).get();
        assertThat(greeter.greet("you")).isEqualTo("Hello, you from direct");
    }

    @Test
    void discoveryThroughARegistryAndCloseInReverseOrder() {
        InJvmRegistry registry = new InJvmRegistry();
        TernServer server = Tern.server().application("greeter").registry(registry)
                .service(Greeter.class, named("a"), s -> s.version("1.0.0")).start();
        TernClient client = Tern.client().application("web").registry(registry).build();
        Greeter greeter = client.reference(Greeter.class, r -> r.version("1.0.0").timeout(Duration.ofSeconds(2))).get();

        assertThat(greeter.greet("you")).isEqualTo("Hello, you from a");

        server.close();
        assertThatThrownBy(() -> greeter.greet("anyone")).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status()).isEqualTo(RpcStatus.NO_PROVIDER));
        client.close();
        assertThat(registry.size()).as("registrations and subscriptions all gone").isZero();
        assertThat(client.stats("dubbo").clientCount()).isZero();
        assertThat(server.stats("dubbo").serverCount()).isZero();
    }

    @Test
    void closingAReferenceReleasesWhatItMadeAndLeavesTheClientOpen() {
        InJvmRegistry registry = new InJvmRegistry();
        try (TernServer server = Tern.server().application("greeter").registry(registry)
                .service(Greeter.class, named("a")).start();
                TernClient client = Tern.client().application("web").registry(registry).build()) {
            int serverRegistrations = registry.size();
            assertThat(serverRegistrations).as("the provider's registration").isEqualTo(server.urls().size());
            Reference<Greeter> reference = client.reference(Greeter.class);
            Greeter greeter = reference.get();
            assertThat(greeter.greet("you")).isEqualTo("Hello, you from a");
            assertThat(Reference.of(greeter)).isSameAs(reference);
            assertThat(registry.size()).as("a consumer registration and a subscription").isEqualTo(
                    serverRegistrations + 2);

            reference.close();

            assertThat(reference.isClosed()).isTrue();
            assertThat(client.referenceCount()).isZero();
            assertThat(client.sharedCount()).isZero();
            assertThat(registry.size()).isEqualTo(serverRegistrations);
            assertThat(client.stats("dubbo").referredCount()).isZero();
            assertThat(client.stats("dubbo").clientCount()).isZero();
            assertThatThrownBy(() -> greeter.greet("again")).isInstanceOfSatisfying(RpcException.class, e -> {
                assertThat(e.status()).isEqualTo(RpcStatus.DESTROYED);
                assertThat(e.getMessage()).startsWith("reference closed: " + Greeter.class.getName());
            });
            assertThat(client.reference(Greeter.class).get().greet("new")).as("the client still makes references")
                    .isEqualTo("Hello, new from a");
        }
    }

    @Test
    void identicalReferencesShareOneInvokerUntilTheLastCloses() {
        try (TernServer server = Tern.server().service(Greeter.class, named("direct")).start();
                TernClient client = Tern.client().build()) {
            String url = "dubbo://127.0.0.1:" + server.port();
            Reference<Greeter> first = client.reference(Greeter.class, r -> r.url(url).timeout(Duration.ofSeconds(2)));
            Reference<Greeter> second = client.reference(Greeter.class, r -> r.url(url).timeout(Duration.ofSeconds(2)));
            Reference<Greeter> other = client.reference(Greeter.class, r -> r.url(url).timeout(Duration.ofSeconds(3)));
            assertThat(client.referenceCount()).isEqualTo(3);
            assertThat(client.sharedCount()).as("the third differs in its timeout").isEqualTo(2);
            assertThat(client.stats("dubbo").referredCount()).isEqualTo(2);
            assertThat(first.get()).isNotSameAs(second.get());

            first.close();
            assertThatThrownBy(() -> first.get().greet("x")).isInstanceOf(RpcException.class);
            assertThat(second.get().greet("still")).isEqualTo("Hello, still from direct");
            assertThat(client.stats("dubbo").referredCount()).isEqualTo(2);

            second.close();
            assertThat(client.stats("dubbo").referredCount()).isEqualTo(1);
            other.close();
            assertThat(client.stats("dubbo").referredCount()).isZero();
            assertThat(client.stats("dubbo").clientCount()).isZero();
            assertThat(client.sharedCount()).isZero();
        }
    }

    @Test
    void typedReferenceOptionsReachTheUrlAndBadValuesAreRefusedAtOnce() {
        try (TernServer server = Tern.server().service(Greeter.class, named("direct")).start();
                TernClient client = Tern.client().build()) {
            Reference<Greeter> reference = client.reference(Greeter.class, r -> r.url("dubbo://127.0.0.1:"
                    + server.port()).retries(0).retries("greet", 1).cluster(io.tern.cluster.ClusterStrategy.FAILFAST)
                    .loadBalancer("roundrobin").loadBalancer("greet", "leastactive")
                    .timeout("greet", Duration.ofMillis(1500)));
            assertThat(reference.url().parameters()).containsEntry("retries", "0").containsEntry("greet.retries", "1")
                    .containsEntry("cluster", "failfast").containsEntry("loadbalance", "roundrobin")
                    .containsEntry("greet.loadbalance", "leastactive").containsEntry("greet.timeout", "1500");
            assertThat(reference.get().greet("typed")).isEqualTo("Hello, typed from direct");
        }
        ReferenceOptions options = new ReferenceOptions();
        assertThatThrownBy(() -> options.loadBalancer("fastest")).hasMessageStartingWith(
                "loadbalance: 'fastest' (expected one of: random, roundrobin");
        assertThatThrownBy(() -> options.retries(-1)).hasMessage("retries: -1 (expected: >= 0)");
        assertThatThrownBy(() -> options.timeout("greet", Duration.ZERO)).hasMessage("greet.timeout: PT0S (expected: > 0)");
    }

    @Test
    void referenceOfRefusesOtherObjects() {
        assertThatThrownBy(() -> Reference.of(named("x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: a proxy returned by Reference.get()");
    }

    @Test
    void closingTheClientClosesItsOpenReferences() {
        TernServer server = Tern.server().service(Greeter.class, named("direct")).start();
        try {
            TernClient client = Tern.client().build();
            Reference<Greeter> reference = client.reference(Greeter.class, r -> r.url("dubbo://127.0.0.1:"
                    + server.port()));
            client.close();
            assertThat(reference.isClosed()).isTrue();
            assertThat(client.referenceCount()).isZero();
            assertThatThrownBy(() -> client.reference(Greeter.class)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("client is closed (expected: an open client)");
        } finally {
            server.close();
        }
    }

    @Test
    void referencesNeedAUrlOrARegistry() {
        try (TernClient client = Tern.client().build()) {
            assertThatThrownBy(() -> client.reference(Greeter.class))
                    .hasMessage("reference to " + Greeter.class.getName() + ": no registry and no url"
                            + " (expected: Tern.client().registry(...) or options.url(\"dubbo://host:port\"))");
        }
    }
}
