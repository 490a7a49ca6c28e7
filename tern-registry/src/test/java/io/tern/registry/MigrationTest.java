package io.tern.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ServiceUrl;
import io.tern.registry.discovery.InstanceMetadata;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The choice between the two levels, and the settings that steer it, as Dubbo 3.3 reads them. */
class MigrationTest {

    @Test
    void theApplicationLevelIsPreferredWhenItHasProvidersAndEnoughOfThem() {
        assertThat(Migration.preferApplications(0, 0, 0)).as("neither has any").isFalse();
        assertThat(Migration.preferApplications(0, 3, 0)).as("none at the application level").isFalse();
        assertThat(Migration.preferApplications(1, 0, 5)).as("none at the interface level").isTrue();
        assertThat(Migration.preferApplications(1, 3, 0)).as("any, at the default threshold").isTrue();
        assertThat(Migration.preferApplications(2, 4, 0.5)).isTrue();
        assertThat(Migration.preferApplications(1, 4, 0.5)).isFalse();
    }

    @Test
    void aReferencesStepOverridesTheClientsAndIsReadIgnoringCase() {
        ServiceUrl plain = ServiceUrl.parse("consumer://127.0.0.1/com.example.Stock");
        ServiceUrl forced = ServiceUrl.parse("consumer://127.0.0.1/com.example.Stock?migration.step=force_interface");

        assertThat(Migration.stepOf(plain, Migration.Step.APPLICATION_FIRST))
                .isEqualTo(Migration.Step.APPLICATION_FIRST);
        assertThat(Migration.stepOf(forced, Migration.Step.APPLICATION_FIRST))
                .isEqualTo(Migration.Step.FORCE_INTERFACE);
        assertThatThrownBy(() -> Migration.Step.parse("APPLICATION_ONLY"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("migration.step: 'APPLICATION_ONLY' (expected: FORCE_INTERFACE, APPLICATION_FIRST or"
                        + " FORCE_APPLICATION)");
    }

    @Test
    void theProvidersOfAServiceAtAnInstanceTakeThePortItAdvertisesForTheProtocol() {
        var instance = new io.tern.registry.discovery.InstanceNode("shop", "10.0.0.7", 20880, Map.of(
                InstanceMetadata.ENDPOINTS, "[{\"port\":20880,\"protocol\":\"dubbo\"},{\"port\":50051,\"protocol\":\"tri\"}]"),
                1L);
        var overTriple = new io.tern.registry.discovery.ServiceInfo("com.example.Stock", "g", "1.0", "tri", 0,
                "com.example.Stock", Map.of("application", "shop", "side", "provider"));

        ServiceUrl url = ApplicationDiscovery.providerUrl(instance, overTriple);

        assertThat(url.toString()).startsWith("tri://10.0.0.7:50051/com.example.Stock?");
        assertThat(url.serviceKey().toString()).isEqualTo("g/com.example.Stock:1.0");
        assertThat(url.application()).isEqualTo("shop");
    }

    @Test
    void instanceMetadataThatIsNotWhatDubboWritesIsRefusedNamingTheKey() {
        assertThat(InstanceMetadata.endpointPort(Map.of(), "dubbo")).isEqualTo(-1);
        assertThatThrownBy(() -> InstanceMetadata.endpointPort(Map.of(InstanceMetadata.ENDPOINTS, "{\"port\":1}"),
                "dubbo")).hasMessageStartingWith("dubbo.endpoints: '{\"port\":1}' (expected: a JSON array of");
        assertThatThrownBy(() -> InstanceMetadata.endpointPort(Map.of(InstanceMetadata.ENDPOINTS,
                "[{\"port\":70000,\"protocol\":\"dubbo\"}]"), "dubbo"))
                .hasMessage("dubbo.endpoints: port 70000 of dubbo (expected: 1 to 65535)");
        assertThatThrownBy(() -> InstanceMetadata.metadataServiceParams(Map.of(InstanceMetadata.METADATA_SERVICE_PARAMS,
                "{\"port\":")))
                .hasMessageStartingWith("dubbo.metadata-service.url-params: '{\"port\":' is not JSON");
        assertThat(InstanceMetadata.metadataServiceParams(Map.of(InstanceMetadata.METADATA_SERVICE_PARAMS,
                "{\"port\":\"20880\",\"protocol\":\"dubbo\"}"))).containsExactly(Map.entry("port", "20880"),
                Map.entry("protocol", "dubbo"));
    }
}
