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
    void aMigrationRuleIsReadAsDubboWritesItAndAReferenceTakesItsInterfacesEntryElseItsApplicationsElseTheRules() {
        MigrationRule rule = MigrationRule.parse("""
                key: buyer
                step: FORCE_INTERFACE
                threshold: 0.5
                proportion: 100
                delay: 0
                force: false
                interfaces:
                  - serviceKey: com.example.Stock:1.0
                    step: FORCE_APPLICATION
                    force: true
                applications:
                  - serviceKey: pricing
                    step: APPLICATION_FIRST
                    threshold: 2
                """);
        ServiceUrl stock = ServiceUrl.parse("consumer://127.0.0.1/com.example.Stock?interface=com.example.Stock"
                + "&version=1.0");
        ServiceUrl price = ServiceUrl.parse("consumer://127.0.0.1/com.example.Price?interface=com.example.Price");

        assertThat(rule.key()).isEqualTo("buyer");
        assertThat(rule.settingsFor(stock, java.util.List.of("pricing")))
                .isEqualTo(new MigrationRule.Settings(Migration.Step.FORCE_APPLICATION, 0.5, true));
        assertThat(rule.settingsFor(price, java.util.List.of("pricing")))
                .isEqualTo(new MigrationRule.Settings(Migration.Step.APPLICATION_FIRST, 2.0, false));
        assertThat(rule.settingsFor(price, java.util.List.of("other")))
                .isEqualTo(new MigrationRule.Settings(Migration.Step.FORCE_INTERFACE, 0.5, false));
        assertThat(MigrationRule.parse("  ")).isEqualTo(MigrationRule.NONE);
        assertThat(rule.notApplied()).as("Dubbo's defaults change nothing").isEmpty();
        assertThat(MigrationRule.parse("""
                proportion: 50
                interfaces:
                  - serviceKey: com.example.Stock:1.0
                    delay: 5
                """).notApplied()).containsExactly("proportion", "interfaces[0].delay");
    }

    @Test
    void aMigrationRuleThatIsNotWhatDubboWritesIsRefusedWholeNamingWhatIsWrong() {
        assertThatThrownBy(() -> MigrationRule.parse("step: FORCE_INTERFACE\nsteps: 2\n"))
                .hasMessage("migration rule: unknown field 'steps' (expected: applications, delay, force,"
                        + " interfaces, key, proportion, step, threshold)");
        assertThatThrownBy(() -> MigrationRule.parse("interfaces:\n  - step: FORCE_INTERFACE\n"))
                .hasMessage("migration rule: interfaces[0] has no serviceKey (expected: interface:version)");
        assertThatThrownBy(() -> MigrationRule.parse("interfaces:\n  - serviceKey: a\n    step: LATER\n"))
                .hasMessage("migration rule: interfaces[0]: step 'LATER' (expected: FORCE_INTERFACE,"
                        + " APPLICATION_FIRST or FORCE_APPLICATION)");
        assertThatThrownBy(() -> MigrationRule.parse("threshold: half\n"))
                .hasMessage("migration rule: threshold 'half' (expected: a number)");
        assertThatThrownBy(() -> MigrationRule.parse("step: [FORCE_INTERFACE\n"))
                .hasMessageStartingWith("migration rule: not YAML at line ");
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
