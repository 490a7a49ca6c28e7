package io.tern.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.ServiceUrl;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code embedded://}: a ZooKeeper in this process, reached through the production registry. */
class EmbeddedZooKeeperTest {

    public interface Greeter {
        String greet(String name);
    }

    @Test
    @Timeout(60)
    void anEmbeddedRegistryRegistersAndFinds() {
        try (Registry registry = Registries.connect(ServiceUrl.parse("embedded://127.0.0.1"))) {
            ServiceUrl provider = RegistryUrls.provider(ServiceUrl.parse("dubbo://127.0.0.1:20880/"
                    + Greeter.class.getName()), Greeter.class, "tests");
            registry.register(provider);
            List<ServiceUrl> found = registry.lookup(RegistryUrls.consumer("127.0.0.1", Greeter.class, "t", "", ""));
            assertThat(found).containsExactly(provider);
        }
    }

    @Test
    @Timeout(60)
    void twoApplicationsInOneProcessShareOneEmbeddedServerUntilTheLastCloses() throws Exception {
        ServiceUrl provider = RegistryUrls.provider(ServiceUrl.parse("dubbo://127.0.0.1:20880/"
                + Greeter.class.getName()), Greeter.class, "tests");
        ServiceUrl consumer = RegistryUrls.consumer("127.0.0.1", Greeter.class, "t", "", "");
        int port;
        try (Registry providerSide = Registries.connect(ServiceUrl.parse("embedded://"))) {
            port = providerSide.url().port();
            try (Registry consumerSide = Registries.connect(ServiceUrl.parse("embedded://"))) {
                assertThat(consumerSide.url().port()).as("the same server").isEqualTo(port);
                assertThat(Registries.embeddedServers()).isEqualTo(1);
                providerSide.register(provider);
                assertThat(consumerSide.lookup(consumer)).containsExactly(provider);
            }
            assertThat(listening(port)).as("still held by the provider's registry").isTrue();
            assertThat(providerSide.lookup(consumer)).containsExactly(provider);
        }
        assertThat(Registries.embeddedServers()).as("the last share stops the server").isZero();
        assertThat(listening(port)).isFalse();
    }

    private static boolean listening(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            return socket.isConnected();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
