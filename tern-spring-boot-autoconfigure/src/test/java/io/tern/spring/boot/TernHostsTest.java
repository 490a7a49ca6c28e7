package io.tern.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.bootstrap.Hosts;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Where a provider binds and what it registers, as Dubbo decides: every interface and the
 * machine's first non-loopback address unless set; the environment's {@code DUBBO_IP_TO_BIND}
 * and {@code DUBBO_IP_TO_REGISTRY} (or Tern's own) over the properties. Resolved only: no server
 * binds anything but loopback in tests.
 */
class TernHostsTest {

    private static TernSettings resolve(Map<String, Object> values, TernProperties properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", values));
        return TernSettings.resolve(properties, environment);
    }

    private static TernProperties host(String host, String registerHost) {
        TernProperties properties = new TernProperties();
        properties.getProtocol().setHost(host);
        properties.getProtocol().setRegisterHost(registerHost);
        return properties;
    }

    @Test
    void unsetBindsEveryInterfaceAndRegistersTheMachinesAddress() {
        TernSettings settings = resolve(Map.of(), new TernProperties());
        assertThat(settings.host()).isEqualTo("0.0.0.0");
        assertThat(settings.registerHost()).isEqualTo(Hosts.registerable()).isNotEqualTo("0.0.0.0");
    }

    @Test
    void aSetHostIsBoundAndRegistered() {
        TernSettings settings = resolve(Map.of(), host("127.0.0.1", null));
        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(settings.registerHost()).isEqualTo("127.0.0.1");
        TernSettings behindNat = resolve(Map.of(), host("127.0.0.1", "203.0.113.7"));
        assertThat(behindNat.host()).isEqualTo("127.0.0.1");
        assertThat(behindNat.registerHost()).isEqualTo("203.0.113.7");
    }

    @Test
    void theEnvironmentOverridesTheProperties() {
        TernSettings dubbo = resolve(Map.of("DUBBO_IP_TO_BIND", "127.0.0.2", "DUBBO_IP_TO_REGISTRY", "198.51.100.1"),
                host("127.0.0.1", "203.0.113.7"));
        assertThat(dubbo.host()).isEqualTo("127.0.0.2");
        assertThat(dubbo.registerHost()).isEqualTo("198.51.100.1");
        TernSettings tern = resolve(Map.of("TERN_IP_TO_REGISTRY", "198.51.100.2", "DUBBO_IP_TO_REGISTRY",
                "198.51.100.1"), new TernProperties());
        assertThat(tern.host()).as("still every interface").isEqualTo("0.0.0.0");
        assertThat(tern.registerHost()).isEqualTo("198.51.100.2");
        TernSettings estate = resolve(Map.of("dubbo.protocol.host", "127.0.0.3"), new TernProperties());
        assertThat(estate.host()).as("an estate's dubbo.protocol.host").isEqualTo("127.0.0.3");
        assertThat(estate.registerHost()).isEqualTo("127.0.0.3");
    }
}
