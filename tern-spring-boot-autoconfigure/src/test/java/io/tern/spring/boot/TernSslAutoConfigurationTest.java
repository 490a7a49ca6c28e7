package io.tern.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.bootstrap.TernServer;
import io.tern.testing.TestCertificates;
import io.tern.testing.TestCertificates.Issued;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** {@code tern.ssl.*} (and an estate's {@code dubbo.ssl.*}) and {@code @TernService(token)} in Spring Boot. */
@Timeout(120)
class TernSslAutoConfigurationTest {

    @TempDir
    Path directory;

    public interface Vault {
        String open(String who);
    }

    @TernService(token = "true")
    public static class VaultBean implements Vault {
        @Override
        public String open(String who) {
            return "opened for " + who;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class ProviderApplication {
        @Bean
        VaultBean vault() {
            return new VaultBean();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class ConsumerApplication {
        @Bean
        TernReferenceBean<Vault> vault() {
            return TernReferenceBean.of(Vault.class, r -> r.retries(0));
        }
    }

    @Test
    void providersServeTlsWithATokenAndReferencesFindAndCallThem() {
        TestCertificates certificates = TestCertificates.create(directory);
        Issued server = certificates.server("spring-provider");
        try (ConfigurableApplicationContext provider = run(ProviderApplication.class, "--tern.protocol.port=0",
                "--tern.registry.address=embedded://",
                "--tern.ssl.server-key-cert-chain-path=" + server.cert(),
                // an estate's Dubbo key serves where the tern. one is absent
                "--dubbo.ssl.server-private-key-path=" + server.key());
                ConfigurableApplicationContext consumer = run(ConsumerApplication.class,
                        "--tern.registry.address=embedded://",
                        "--tern.ssl.client-trust-cert-collection-path=" + certificates.caCert())) {
            TernServer started = provider.getBean(TernServerLifecycle.class).server();
            ServiceUrl url = started.urls().get(0);
            assertThat(url.parameter("ssl-enabled")).isEqualTo("true");
            assertThat(url.parameter("token")).hasSize(36);

            assertThat(consumer.getBean("vault", Vault.class).open("spring")).isEqualTo("opened for spring");

            try (TernClient direct = Tern.client().build()) {
                // the JVM's trust store does not know the test CA, and no token travels with a direct URL
                Vault plain = direct.reference(Vault.class, r -> r.url("dubbo://127.0.0.1:" + started.port())).get();
                assertThatThrownBy(() -> plain.open("x")).isInstanceOf(RpcException.class);
            }
            try (TernClient trusting = Tern.client().tls(io.tern.transport.tls.ClientTls.trusting(
                    certificates.caCert())).build()) {
                Vault withoutToken = trusting.reference(Vault.class, r -> r.url("dubbo://127.0.0.1:" + started.port()))
                        .get();
                assertThatThrownBy(() -> withoutToken.open("x")).isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN));
            }
        }
    }

    @Test
    void sslSettingsThatCannotWorkFailTheStartNamingTheKey() {
        TestCertificates certificates = TestCertificates.create(directory);
        Issued server = certificates.server("spring-provider");
        assertThatThrownBy(() -> run(ProviderApplication.class, "--tern.protocol.port=0",
                "--tern.ssl.server-key-cert-chain-path=/no/such/cert.pem").close())
                .hasStackTraceContaining("tern.ssl.server-key-cert-chain-path: /no/such/cert.pem (expected: a readable"
                        + " PEM file)");
        assertThatThrownBy(() -> run(ProviderApplication.class, "--tern.protocol.port=0",
                "--tern.ssl.server-key-cert-chain-path=" + server.cert()).close())
                .hasStackTraceContaining("tern.ssl.server-key-cert-chain-path without tern.ssl.server-private-key-path");
        assertThatThrownBy(() -> run(ProviderApplication.class, "--tern.protocol.port=0",
                "--tern.ssl.server-key-cert-chain-path=" + server.cert(), "--tern.ssl.server-private-key-path="
                        + server.key(), "--tern.ssl.mode=sometimes").close())
                .hasStackTraceContaining("tern.ssl.mode: 'sometimes' (expected: required or permissive)");
    }

    private static ConfigurableApplicationContext run(Class<?> application, String... args) {
        SpringApplication spring = new SpringApplication(application);
        spring.setWebApplicationType(WebApplicationType.NONE);
        spring.setDefaultProperties(java.util.Map.of("spring.config.name", "tern-autoconfiguration-test",
                "tern.protocol.host", "127.0.0.1")); // loopback in tests; the product binds every interface
        return spring.run(args);
    }
}
