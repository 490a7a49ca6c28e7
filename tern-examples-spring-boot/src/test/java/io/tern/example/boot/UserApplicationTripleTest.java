package io.tern.example.boot;

import static io.tern.example.boot.UserApps.assertUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.ops.OpsTarget;
import io.tern.spring.boot.TernApplicationState;
import io.tern.spring.boot.TernReferences;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example over Triple in the starter: the provider exports UserService over dubbo and Triple
 * on one port and the protobuf Greeter bean over Triple alone; a consumer with
 * {@code tern.consumer.protocol=tri} calls over Triple, one without over dubbo; a wrong protocol
 * name stops the start naming its key.
 */
@Timeout(180)
class UserApplicationTripleTest {

    private static List<String> providers(ConfigurableApplicationContext consumer) {
        return consumer.getBean(TernApplicationState.class).references().stream()
                .filter(r -> r.key().equals("io.tern.example.UserService:1.0.0")).findFirst()
                .map(OpsTarget.ReferenceState::providers).orElse(List.of());
    }

    @Test
    void theProviderServesBothProtocolsAndAConsumerChoosesTriple() throws Exception {
        try (TestingServer zookeeper = new TestingServer(true)) {
            String registry = "zookeeper://" + zookeeper.getConnectString() + "?file-cache=false";
            try (ConfigurableApplicationContext provider = UserApps.provider(registry)) {
                List<OpsTarget.Service> services = provider.getBean(TernApplicationState.class).services();
                assertThat(services).extracting(s -> s.key() + " " + s.protocol() + "://" + s.address().replaceFirst(":\\d+$", ""))
                        .containsExactlyInAnyOrder("io.tern.example.UserService:1.0.0 dubbo://127.0.0.1",
                                "io.tern.example.UserService:1.0.0 tri://127.0.0.1",
                                "tern.example.Greeter tri://127.0.0.1");
                try (ConfigurableApplicationContext overTriple = UserApps.consumer(registry,
                        "--tern.consumer.protocol=tri");
                        ConfigurableApplicationContext overDubbo = UserApps.consumer(registry)) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> providers(overTriple).size() == 1
                            && providers(overDubbo).size() == 1);
                    assertUser(UserApps.webPort(overTriple), 7);
                    assertUser(UserApps.webPort(overDubbo), 7);
                    assertThat(overTriple.getBean(TernReferences.class).client().stats("tri").referredCount())
                            .as("the reference calls over Triple").isEqualTo(1);
                    assertThat(overTriple.getBean(TernReferences.class).client().stats("dubbo").referredCount())
                            .isZero();
                    assertThat(overDubbo.getBean(TernReferences.class).client().stats("dubbo").referredCount())
                            .as("the other over dubbo").isEqualTo(1);
                }
            }
            assertThatThrownBy(() -> UserApps.provider(registry, "--tern.protocol.name=grpc").close())
                    .hasStackTraceContaining("tern.protocol.name: 'grpc' (expected: dubbo or tri)");
        }
    }
}
