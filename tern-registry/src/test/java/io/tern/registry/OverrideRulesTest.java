package io.tern.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ServiceUrl;
import io.tern.cluster.Configurator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Override rules read as Dubbo reads them from the config center, and the configurators they become. */
class OverrideRulesTest {

    private static final ServiceUrl ONE = ServiceUrl.parse("dubbo://10.0.0.1:20880/com.example.Stock"
            + "?interface=com.example.Stock&version=1.0&application=stock&side=provider");
    private static final ServiceUrl TWO = ServiceUrl.parse("dubbo://10.0.0.2:20880/com.example.Stock"
            + "?interface=com.example.Stock&version=1.0&application=stock&side=provider");
    private static final Configurator.View BUYER = Configurator.View.consumer("buyer", "10.0.9.9");

    @Test
    void aProviderSideWeightAsDubboAdminWritesItBecomesDubbosOverrideUrl() {
        List<Configurator> rules = OverrideRules.parse("""
                configVersion: v3.0
                scope: service
                key: com.example.Stock:1.0
                enabled: true
                configs:
                  - type: weight
                    enabled: true
                    side: provider
                    addresses: [10.0.0.1:20880]
                    parameters:
                      weight: 50
                """);

        assertThat(rules).singleElement().satisfies(rule -> assertThat(rule.url()).isEqualTo(ServiceUrl.parse(
                "override://10.0.0.1:20880/com.example.Stock?version=1.0&category=dynamicconfigurators&side=provider"
                        + "&weight=50&providerAddresses=10.0.0.1:20880&enabled=true&configVersion=v3.0")));
        assertThat(Configurator.apply(rules, ONE, Configurator.View.provider("stock", "10.0.0.1")).parameter("weight"))
                .isEqualTo("50");
    }

    @Test
    void aConsumerSideRuleDisablesTheProvidersItNamesForEveryConsumerOfTheApplicationsItLists() {
        List<Configurator> rules = OverrideRules.parse("""
                configVersion: v3.0
                key: com.example.Stock:1.0
                configs:
                  - side: consumer
                    providerAddresses: ["10.0.0.1:20880"]
                    applications: [buyer, auditor]
                    parameters: {disabled: true}
                """);

        assertThat(rules).hasSize(2);
        assertThat(Configurator.disabled(Configurator.apply(rules, ONE, BUYER))).isTrue();
        assertThat(Configurator.disabled(Configurator.apply(rules, TWO, BUYER))).isFalse();
        assertThat(Configurator.disabled(Configurator.apply(rules, ONE, Configurator.View.consumer("seller",
                "10.0.9.9")))).as("an application not listed").isFalse();
    }

    @Test
    void anApplicationScopeRuleAppliesToTheServicesItListsForThatApplication() {
        List<Configurator> rules = OverrideRules.parse("""
                configVersion: v3.0
                scope: application
                key: buyer
                configs:
                  - side: consumer
                    services: [com.example.Stock:1.0]
                    parameters: {timeout: 3000}
                """);

        assertThat(Configurator.apply(rules, ONE, BUYER).parameter("timeout")).isEqualTo("3000");
        assertThat(Configurator.apply(rules, ONE, Configurator.View.consumer("seller", "10.0.9.9"))).isSameAs(ONE);
    }

    @Test
    void aWeightItemThatDoesNotSayEnabledIsOffAsInDubbo() {
        List<Configurator> rules = OverrideRules.parse("""
                configVersion: v3.0
                key: com.example.Stock:1.0
                configs:
                  - type: weight
                    side: consumer
                    parameters: {weight: 0}
                """);

        assertThat(rules).singleElement().satisfies(rule -> assertThat(rule.url().parameter("enabled"))
                .isEqualTo("false"));
        assertThat(Configurator.apply(rules, ONE, BUYER)).isSameAs(ONE);
    }

    @Test
    void aListOfOverrideUrlsIsTakenAsItIs() {
        List<Configurator> rules = OverrideRules.parse("[\"override://10.0.0.2:20880/com.example.Stock?version=1.0"
                + "&disabled=true\"]");

        assertThat(Configurator.disabled(Configurator.apply(rules, TWO, BUYER))).isTrue();
        assertThat(OverrideRules.parse("   ")).isEmpty();
    }

    @Test
    void aRuleThatIsWrongAnywhereIsRefusedWholeNamingWhere() {
        assertThatThrownBy(() -> OverrideRules.parse("key: a\nconfigs:\n  - parameters: {weight: 1}\n    sides: x\n"))
                .hasMessage("override rule: configs[0]: unknown field 'sides' (expected: addresses, applications,"
                        + " enabled, match, parameters, providerAddresses, services, side, type)");
        assertThatThrownBy(() -> OverrideRules.parse("key: a\nconfigs:\n  - side: consumer\n"))
                .hasMessageContaining("configs[0]: parameters is missing (expected: at least one parameter");
        assertThatThrownBy(() -> OverrideRules.parse("key: a\nconfigs:\n  - parameters: {weight: 1}\n"
                + "    match: {address: {wildcard: '*'}}\n")).hasMessageContaining("configs[0]: match needs"
                        + " configVersion: v3.0");
        assertThatThrownBy(() -> OverrideRules.parse("configVersion: v3.0\nkey: a\nconfigs:\n"
                + "  - parameters: {weight: 1}\n    match: {address: {glob: '*'}}\n"))
                .hasMessageContaining("configs[0].match.address: {\"glob\":\"*\"} (expected: one of exact, wildcard,"
                        + " cird and an address)");
        assertThatThrownBy(() -> OverrideRules.parse("configVersion: v3.0\nkey: a\nconfigs:\n"
                + "  - parameters: {weight: 1}\n    match: {app: {exact: stock}}\n"))
                .hasMessageContaining("configs[0].match.app: {\"exact\":\"stock\"} (expected: oneof, a list of string"
                        + " matches)");
        assertThatThrownBy(() -> OverrideRules.parse("key: a\nscope: cluster\nconfigs: []\n"))
                .hasMessageContaining("scope 'cluster' (expected: service or application)");
        assertThatThrownBy(() -> OverrideRules.parse("configs:\n  - parameters: {weight: 1}\n"))
                .hasMessageContaining("override rule: no key");
        assertThatThrownBy(() -> OverrideRules.parse("key: [a\n")).hasMessageStartingWith("override rule: not YAML at line");
        assertThatThrownBy(() -> OverrideRules.parse("key: a\nconfigs:\n  - addresses: ['10.0.0.1:x']\n"
                + "    parameters: {weight: 1}\n")).hasMessageContaining("address '10.0.0.1:x'");
    }

    @Test
    void theV30MatchConditionNarrowsAnItemAsDubbosConditionMatchDoes() {
        List<Configurator> rules = OverrideRules.parse("""
                configVersion: v3.0
                scope: service
                key: com.example.Stock:1.0
                configs:
                  - side: consumer
                    match:
                      address: {cird: 10.0.9.0/24}
                      providerAddress: {wildcard: "10.0.0.1:*"}
                      app: {oneof: [{exact: stock}, {prefix: inv}]}
                      service: {oneof: [{regex: "com\\\\.example\\\\..*"}]}
                      param: [{key: version, value: {exact: "1.0"}}]
                    parameters: {timeout: 777}
                """);
        assertThat(Configurator.apply(rules, ONE, BUYER).parameter("timeout")).isEqualTo("777");
        assertThat(Configurator.apply(rules, TWO, BUYER)).as("providerAddress does not match").isSameAs(TWO);
        assertThat(Configurator.apply(rules, ONE, Configurator.View.consumer("buyer", "10.0.8.1")))
                .as("the consumer's host is not in the block").isSameAs(ONE);
        ServiceUrl otherApp = ONE.toBuilder().parameter("application", "ledger").build();
        assertThat(Configurator.apply(rules, otherApp, BUYER)).isSameAs(otherApp);
        ServiceUrl otherVersion = ONE.toBuilder().parameter("version", "2.0").build();
        assertThat(Configurator.apply(rules, otherVersion, BUYER)).as("also a different service").isSameAs(otherVersion);
    }

    @Test
    void theKeysAreDubbos() {
        assertThat(OverrideRules.serviceKey(ServiceUrl.parse("consumer://10.0.9.9/com.example.Stock"
                + "?interface=com.example.Stock"))).isEqualTo("com.example.Stock::.configurators");
        assertThat(OverrideRules.serviceKey(ONE.toBuilder().group("g").build())).isEqualTo("com.example.Stock:1.0:g"
                + ".configurators");
        assertThat(OverrideRules.applicationKey("buyer")).isEqualTo("buyer.configurators");
    }
}
