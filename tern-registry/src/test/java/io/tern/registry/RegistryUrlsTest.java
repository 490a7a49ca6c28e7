package io.tern.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ServiceUrl;
import org.junit.jupiter.api.Test;

class RegistryUrlsTest {

    private static final String SERVICE = "com.example.Greeter";

    @Test
    void aProviderCannotSetTheConsumersTransport() {
        ServiceUrl provider = ServiceUrl.parse("dubbo://10.0.0.1:20880/" + SERVICE + "?interface=" + SERVICE
                + "&connections=300&heartbeat=50&payload=1&connect.timeout=1&lazy=true&weight=50&timeout=3000");
        ServiceUrl consumer = ServiceUrl.parse("consumer://127.0.0.1/" + SERVICE + "?interface=" + SERVICE);

        ServiceUrl merged = RegistryUrls.merge(provider, consumer);

        assertThat(merged.parameters()).doesNotContainKeys("connections", "heartbeat", "payload", "connect.timeout",
                "lazy");
        assertThat(merged.parameters()).as("the provider's own settings and a sane timeout suggestion stay")
                .containsEntry("weight", "50").containsEntry("timeout", "3000");
        assertThat(merged.address()).isEqualTo("10.0.0.1:20880");
    }

    @Test
    void theConsumersOwnSettingsWinAndAProvidersTimeoutIsKeptOnlyWithinBounds() {
        ServiceUrl provider = ServiceUrl.parse("dubbo://10.0.0.1:20880/" + SERVICE + "?interface=" + SERVICE
                + "&timeout=86400000&greet.timeout=0&save.timeout=2000");
        ServiceUrl consumer = ServiceUrl.parse("consumer://127.0.0.1/" + SERVICE + "?interface=" + SERVICE
                + "&connections=2&save.timeout=500");

        ServiceUrl merged = RegistryUrls.merge(provider, consumer);

        assertThat(merged.parameters()).doesNotContainKeys("timeout", "greet.timeout")
                .containsEntry("connections", "2").containsEntry("save.timeout", "500");
    }

    @Test
    void oversizedUrlsAreRefusedAtRegister() {
        StringBuilder query = new StringBuilder("?interface=" + SERVICE);
        for (int i = 0; i < 2_000; i++) {
            query.append("&key").append(i).append("=value").append(i);
        }
        ServiceUrl huge = ServiceUrl.parse("dubbo://10.0.0.1:20880/" + SERVICE + query + "&side=provider");

        assertThatThrownBy(() -> new InJvmRegistry().register(huge)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("url of " + SERVICE + ": ")
                .hasMessageEndingWith(" characters encoded (expected: <= " + RegistryUrls.MAX_URL_LENGTH + ")");
        assertThat(RegistryUrls.checkSize(ServiceUrl.parse("dubbo://10.0.0.1:20880/" + SERVICE))).isNotNull();
    }
}
