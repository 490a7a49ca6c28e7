package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.registry.InJvmRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    public interface Greeter {
        String greet(String name);
    }

    private static Greeter named(String name) {
        return who -> "Hello, " + who + " from " + name;
    }

    @Test
    void aDirectReferenceNeedsNoRegistry() {
        try (TernServer server = Tern.server().service(Greeter.class, named("direct")).start();
                TernClient client = Tern.client().build()) {
            Greeter greeter = client.reference(Greeter.class, r -> r.url("dubbo://127.0.0.1:" + server.port()));
            assertThat(greeter.greet("you")).isEqualTo("Hello, you from direct");
        }
    }

    @Test
    void discoveryThroughARegistryAndCloseInReverseOrder() {
        InJvmRegistry registry = new InJvmRegistry();
        TernServer server = Tern.server().application("greeter").registry(registry)
                .service(Greeter.class, named("a"), s -> s.version("1.0.0")).start();
        TernClient client = Tern.client().application("web").registry(registry).build();
        Greeter greeter = client.reference(Greeter.class, r -> r.version("1.0.0").timeout(Duration.ofSeconds(2)));

        assertThat(greeter.greet("you")).isEqualTo("Hello, you from a");

        server.close();
        assertThatThrownBy(() -> greeter.greet("anyone")).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status()).isEqualTo(RpcStatus.NO_PROVIDER));
        client.close();
        assertThat(registry.size()).as("registrations and subscriptions all gone").isZero();
        assertThat(client.protocol().clientCount()).isZero();
        assertThat(server.protocol().serverCount()).isZero();
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
