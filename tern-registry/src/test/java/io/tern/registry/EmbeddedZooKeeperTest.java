package io.tern.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.ServiceUrl;
import io.tern.registry.internal.RegistryUrls;
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
}
