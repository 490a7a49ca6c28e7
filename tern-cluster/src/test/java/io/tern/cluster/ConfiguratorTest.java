package io.tern.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ServiceUrl;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which override rules apply to which provider, seen from which side, as Dubbo decides it. */
class ConfiguratorTest {

    private static final String STOCK = "com.example.Stock";
    private static final ServiceUrl ONE = provider("10.0.0.1", 20880, "1.0");
    private static final ServiceUrl TWO = provider("10.0.0.2", 20880, "1.0");
    private static final Configurator.View BUYER = Configurator.View.consumer("buyer", "10.0.9.9");

    private static ServiceUrl provider(String host, int port, String version) {
        return ServiceUrl.parse("dubbo://" + host + ":" + port + "/" + STOCK + "?interface=" + STOCK + "&version="
                + version + "&application=stock&side=provider&weight=100");
    }

    private static Configurator rule(String url) {
        return Configurator.of(ServiceUrl.parse(url));
    }

    @Test
    void aConsumerSideRuleWithProviderAddressesAppliesOnTheConsumerToThoseProvidersOnly() {
        Configurator disable = rule("override://0.0.0.0/" + STOCK + "?version=1.0&category=dynamicconfigurators"
                + "&side=consumer&disabled=true&providerAddresses=10.0.0.1:20880&enabled=true&configVersion=v3.0");

        assertThat(Configurator.disabled(disable.configure(ONE, BUYER))).isTrue();
        assertThat(disable.configure(TWO, BUYER)).isSameAs(TWO);
        assertThat(disable.configure(ONE, Configurator.View.provider("stock", "10.0.0.1"))).as("not on the provider")
                .isSameAs(ONE);
        assertThat(disable.parameters()).containsOnlyKeys("disabled");
    }

    @Test
    void aProviderSideRuleAppliesOnTheProviderItNamesAndNotOnConsumers() {
        Configurator weight = rule("override://10.0.0.1:20880/" + STOCK + "?version=1.0&category=dynamicconfigurators"
                + "&side=provider&weight=50&providerAddresses=10.0.0.1:20880&enabled=true&configVersion=v3.0");

        assertThat(weight.configure(ONE, Configurator.View.provider("stock", "10.0.0.1")).parameter("weight"))
                .isEqualTo("50");
        assertThat(weight.configure(TWO, Configurator.View.provider("stock", "10.0.0.2"))).isSameAs(TWO);
        assertThat(weight.configure(ONE, BUYER)).as("a provider rule, seen by a consumer").isSameAs(ONE);
    }

    @Test
    void aLegacyRuleWithAPortTargetsThatProviderOnEitherSide() {
        Configurator disable = rule("override://10.0.0.1:20880/" + STOCK + "?version=1.0&category=configurators"
                + "&dynamic=false&disabled=true");

        assertThat(Configurator.disabled(disable.configure(ONE, BUYER))).isTrue();
        assertThat(disable.configure(TWO, BUYER)).isSameAs(TWO);
        assertThat(disable.configure(provider("10.0.0.1", 20881, "1.0"), BUYER).parameter("disabled")).isNull();
    }

    @Test
    void aLegacyRuleWithoutAPortTargetsAConsumerHostOrEveryoneAndItsApplicationMustMatch() {
        Configurator everyone = rule("override://0.0.0.0/" + STOCK + "?version=1.0&category=configurators"
                + "&timeout=1000&application=buyer");
        Configurator otherHost = rule("override://10.0.0.7/" + STOCK + "?version=1.0&category=configurators"
                + "&timeout=1000");

        assertThat(everyone.configure(ONE, BUYER).parameter("timeout")).isEqualTo("1000");
        assertThat(everyone.configure(ONE, Configurator.View.consumer("seller", "10.0.9.9"))).isSameAs(ONE);
        assertThat(otherHost.configure(ONE, BUYER)).as("another consumer's host").isSameAs(ONE);
        assertThat(otherHost.configure(ONE, Configurator.View.consumer("buyer", "10.0.0.7")).parameter("timeout"))
                .isEqualTo("1000");
    }

    @Test
    void theServiceMustMatchGroupAndVersionIncludedUnlessTheRuleSaysAny() {
        Configurator unversioned = rule("override://0.0.0.0/" + STOCK + "?category=configurators&disabled=true");
        Configurator any = rule("override://0.0.0.0/*?category=configurators&disabled=true");

        assertThat(unversioned.configure(ONE, BUYER)).as("Stock, not Stock:1.0").isSameAs(ONE);
        assertThat(Configurator.disabled(unversioned.configure(provider("10.0.0.1", 20880, ""), BUYER))).isTrue();
        assertThat(Configurator.disabled(any.configure(ONE, BUYER))).isTrue();
    }

    @Test
    void absentFillsOnlyWhatIsUnsetAndADisabledRuleDoesNothing() {
        Configurator absent = rule("absent://0.0.0.0/*?category=configurators&weight=7&timeout=300");
        Configurator off = rule("override://0.0.0.0/*?category=configurators&weight=7&enabled=false");

        ServiceUrl filled = absent.configure(ONE, BUYER);
        assertThat(filled.parameter("weight")).isEqualTo("100");
        assertThat(filled.parameter("timeout")).isEqualTo("300");
        assertThat(off.configure(ONE, BUYER)).isSameAs(ONE);
    }

    @Test
    void rulesApplyInDubbosOrderAnyHostFirstThenByPriority() {
        Configurator specific = rule("override://10.0.0.1:20880/*?category=configurators&weight=10");
        Configurator general = rule("override://0.0.0.0/*?category=configurators&weight=20");
        Configurator generalLater = rule("override://0.0.0.0/*?category=configurators&weight=30&priority=5");

        List<Configurator> ordered = Configurator.ordered(List.of(specific, generalLater, general));

        assertThat(ordered).containsExactly(general, generalLater, specific);
        assertThat(Configurator.apply(ordered, ONE, BUYER).parameter("weight")).isEqualTo("10");
        assertThat(Configurator.apply(ordered, TWO, BUYER).parameter("weight")).isEqualTo("30");
    }

    @Test
    void disabledIsReadAsDubbosDirectoriesReadIt() {
        assertThat(Configurator.disabled(ONE)).isFalse();
        assertThat(Configurator.disabled(ONE.toBuilder().parameter("disabled", "true").build())).isTrue();
        assertThat(Configurator.disabled(ONE.toBuilder().parameter("enabled", "false").build())).isTrue();
        assertThat(Configurator.disabled(ONE.toBuilder().parameter("enabled", "false").parameter("disabled", "false")
                .build())).isFalse();
    }

    @Test
    void aRuleThatIsNoOverrideOrDoesNotParseIsRefusedNamingWhy() {
        assertThatThrownBy(() -> rule("route://0.0.0.0/*?rule=x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("protocol route (expected: override:// or absent://)");
        assertThatThrownBy(() -> rule("override://0.0.0.0/*?weight=1&priority=high"))
                .hasMessageContaining("priority: 'high' (expected: an integer)");
    }
}
