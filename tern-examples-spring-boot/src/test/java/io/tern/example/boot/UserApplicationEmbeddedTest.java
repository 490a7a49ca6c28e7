package io.tern.example.boot;

import static io.tern.example.boot.UserApps.assertUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.spring.boot.TernApplicationState;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The example on the default registry, {@code embedded://}: the provider (this class's context)
 * and a consumer context in one process share one embedded ZooKeeper.
 */
@SpringBootTest(classes = UserApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tern.role=provider", "tern.protocol.port=0", "tern.protocol.host=127.0.0.1",
            "tern.registry.address=embedded://",
            "server.address=127.0.0.1", "spring.jmx.enabled=false"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(120)
class UserApplicationEmbeddedTest {

    @Autowired
    private TernApplicationState provider;

    @Test
    void aConsumerFindsTheProviderThroughTheSharedEmbeddedRegistry() {
        assertThat(provider.services()).as("UserService over dubbo and Triple, the Greeter over Triple")
                .extracting(s -> s.protocol() + " " + s.key()).containsExactlyInAnyOrder(
                        "dubbo io.tern.example.UserService:1.0.0", "tri io.tern.example.UserService:1.0.0",
                        "tri tern.example.Greeter");
        try (ConfigurableApplicationContext consumer = UserApps.consumer("embedded://")) {
            TernApplicationState state = consumer.getBean(TernApplicationState.class);
            assertThat(state.registry().url().port()).as("one embedded ZooKeeper")
                    .isEqualTo(provider.registry().url().port());
            int port = UserApps.webPort(consumer);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertUser(port, 5));
            assertThat(state.references().get(0).providers()).containsExactly(provider.services().stream()
                    .filter(s -> s.protocol().equals("dubbo")).findFirst().orElseThrow().address());
        }
    }
}
