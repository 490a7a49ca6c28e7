package io.tern.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.bootstrap.Reference;
import io.tern.bootstrap.RegisterMode;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.bootstrap.TernServer;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Tern inside Spring Boot applications, without a web server: services exported with the
 * context, references injected every way a bean can take them, and everything closed with it.
 */
@Timeout(120)
class TernAutoConfigurationTest {

    public interface Greeter {
        String greet(String name);
    }

    @TernService(version = "1.0.0")
    public static class GreeterBean implements Greeter {
        @Override
        public String greet(String name) {
            return "Hello, " + name + " from Spring";
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class ProviderApplication {
        @Bean
        GreeterBean greeter() {
            return new GreeterBean();
        }
    }

    /** Takes a reference in a field. */
    public static class FieldUser {
        @TernReference(version = "1.0.0")
        Greeter greeter;
    }

    /** Takes the same declaration through its constructor. */
    public static class ConstructorUser {
        final Greeter greeter;

        public ConstructorUser(@TernReference(version = "1.0.0") Greeter greeter) {
            this.greeter = greeter;
        }
    }

    public record BeanMethodUser(Greeter greeter) {
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({FieldUser.class, ConstructorUser.class})
    public static class ConsumerApplication {
        @Bean
        BeanMethodUser beanMethodUser(@TernReference(version = "1.0.0", timeout = 2_000) Greeter greeter) {
            return new BeanMethodUser(greeter);
        }

        @Bean
        TernReferenceBean<Greeter> typedGreeter() {
            return TernReferenceBean.of(Greeter.class, r -> r.version("1.0.0").retries(0));
        }
    }

    @Test
    void aTernServiceBeanIsExportedOnceTheContextIsUpAndStopsWithIt() throws Exception {
        int port;
        try (ConfigurableApplicationContext context = run(ProviderApplication.class, "--tern.protocol.port=0",
                "--spring.application.name=spring-greeter");
                TernClient client = Tern.client().build()) {
            TernServer server = context.getBean(TernServerLifecycle.class).server();
            assertThat(server).as("started with the context").isNotNull();
            port = server.port();
            Greeter greeter = client.reference(Greeter.class, r -> r.url("dubbo://127.0.0.1:" + port).version("1.0.0"))
                    .get();
            assertThat(greeter.greet("Boot")).isEqualTo("Hello, Boot from Spring");
            assertThat(server.urls().get(0).parameter("application", "")).isEqualTo("spring-greeter");
        }
        assertThat(portOpen(port)).as("the server stops with the context").isFalse();
    }

    @Test
    void referencesAreInjectedIntoFieldsConstructorsBeanMethodsAndTypedFactoriesAndCloseWithTheContext() {
        try (ConfigurableApplicationContext provider = run(ProviderApplication.class, "--tern.protocol.port=0",
                "--tern.registry.address=embedded://")) {
            assertThat(provider.getBean(TernServerLifecycle.class).isRunning()).isTrue();
            ConfigurableApplicationContext consumer = run(ConsumerApplication.class,
                    "--tern.registry.address=embedded://", "--tern.lifecycle.level=paranoid",
                    "--spring.application.name=spring-consumer");
            LifecycleTracker tracker = consumer.getBean(LifecycleTracker.class);
            assertThat(tracker).as("its own tracker, of the level asked for").isNotSameAs(LifecycleTracker.global());
            assertThat(tracker.level()).isEqualTo(TrackerLevel.PARANOID);

            Greeter[] kept = {callEveryWay(consumer)};
            assertThat(tracker.counts(ResourceKind.REFERENCE).live()).isEqualTo(3);

            consumer.close();
            assertThatThrownBy(() -> kept[0].greet("after close")).isInstanceOf(RpcException.class)
                    .satisfies(e -> assertThat(((RpcException) e).status()).isEqualTo(RpcStatus.DESTROYED));
            assertThat(Reference.of(kept[0]).isClosed()).isTrue();
            kept[0] = null; // a closed reference kept reachable is what the tracker reports
            LifecycleReport report = tracker.awaitCollected(Duration.ofSeconds(30));
            for (ResourceKind kind : ResourceKind.values()) {
                assertThat(report.counts(kind).live()).as(kind + " live after the consumer closed").isZero();
            }
            assertThat(report.totalLeaked()).as(report.format()).isZero();
            assertThat(report.counts(ResourceKind.INVOKER).created()).as("it made invokers").isPositive();
        }
    }

    /** Calls through every reference the consumer's beans took; returns one of them. */
    private static Greeter callEveryWay(ConfigurableApplicationContext consumer) {
        FieldUser field = consumer.getBean(FieldUser.class);
        ConstructorUser constructor = consumer.getBean(ConstructorUser.class);
        Greeter beanMethod = consumer.getBean(BeanMethodUser.class).greeter();
        Greeter typed = consumer.getBean("typedGreeter", Greeter.class);
        assertThat(field.greeter.greet("field")).isEqualTo("Hello, field from Spring");
        assertThat(constructor.greeter.greet("constructor")).isEqualTo("Hello, constructor from Spring");
        assertThat(beanMethod.greet("bean method")).isEqualTo("Hello, bean method from Spring");
        assertThat(typed.greet("factory")).isEqualTo("Hello, factory from Spring");
        assertThat(constructor.greeter).as("one declaration, one reference").isSameAs(field.greeter);
        assertThat(beanMethod).as("another declaration (its timeout)").isNotSameAs(field.greeter);
        return typed;
    }

    @Test
    void theOperationsEndpointReportsTheApplicationsServicesAndReferences() throws Exception {
        int port;
        try (ConfigurableApplicationContext provider = run(ProviderApplication.class, "--tern.protocol.port=0",
                "--tern.registry.address=embedded://", "--tern.ops.port=0")) {
            TernOpsLifecycle ops = provider.getBean(TernOpsLifecycle.class);
            assertThat(ops.ops()).as("started with the context").isNotNull();
            port = ops.ops().port();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ls = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ls"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ls.body()).contains(Greeter.class.getName() + ":1.0.0");
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
        }
        assertThat(portOpen(port)).as("the endpoint stops with the context").isFalse();
    }

    @Test
    void healthIsDownWhileAProvidersRegistryCannotBeReached() throws Exception {
        TestingServer zookeeper = new TestingServer(true);
        try (ConfigurableApplicationContext provider = run(ProviderApplication.class, "--tern.protocol.port=0",
                "--tern.registry.address=zookeeper://" + zookeeper.getConnectString() + "?session=4000")) {
            TernApplicationState state = provider.getBean(TernApplicationState.class);
            assertThat(TernHealth.of(state).up()).as(TernHealth.of(state).toString()).isTrue();
            assertThat(TernHealth.of(state).details()).containsEntry("services", List.of(Greeter.class.getName()
                    + ":1.0.0"));
            zookeeper.stop();
            await().atMost(Duration.ofSeconds(30)).until(() -> !TernHealth.of(state).up());
            assertThat(TernHealth.of(state).reason()).isEqualTo("the registry cannot be reached: services cannot register");
            zookeeper.restart();
            await().atMost(Duration.ofSeconds(30)).until(() -> TernHealth.of(state).up());
        } finally {
            zookeeper.close();
        }
    }

    @Test
    void dubboKeysServeWhereTernKeysAreAbsent() {
        try (ConfigurableApplicationContext context = run(ProviderApplication.class, "--dubbo.protocol.port=0",
                "--dubbo.application.name=legacy-name", "--dubbo.registry.address=injvm://")) {
            TernSettings settings = context.getBean(TernSettings.class);
            assertThat(settings.applicationName()).isEqualTo("legacy-name");
            assertThat(settings.port()).isZero();
            assertThat(settings.registry()).isNotNull();
            assertThat(settings.registry().protocol()).isEqualTo("injvm");
            assertThat(settings.registerMode()).as("Dubbo 3's default").isEqualTo(RegisterMode.ALL);
            assertThat(settings.migrationStep()).as("Dubbo 3.3's default")
                    .isEqualTo(io.tern.registry.Migration.Step.APPLICATION_FIRST);
            assertThat(context.getBean(TernServerLifecycle.class).server()).isNotNull();
        }
        try (ConfigurableApplicationContext context = run(ProviderApplication.class, "--tern.protocol.port=0",
                "--dubbo.application.register-mode=instance", "--dubbo.application.migration.step=FORCE_APPLICATION",
                "--dubbo.application.metadata-type=remote")) {
            assertThat(context.getBean(TernSettings.class).metadataType()).isEqualTo("remote");
            assertThat(context.getBean(TernSettings.class).registerMode()).isEqualTo(RegisterMode.INSTANCE);
            assertThat(context.getBean(TernSettings.class).migrationStep())
                    .isEqualTo(io.tern.registry.Migration.Step.FORCE_APPLICATION);
        }
        try (ConfigurableApplicationContext context = run(ProviderApplication.class, "--tern.protocol.port=0",
                "--dubbo.protocol.port=1", "--tern.application.name=tern-name", "--dubbo.application.name=legacy")) {
            TernSettings settings = context.getBean(TernSettings.class);
            assertThat(settings.applicationName()).as("the tern. key wins").isEqualTo("tern-name");
            assertThat(settings.port()).isZero();
        }
    }

    @Test
    void aWrongValueFailsTheStartNamingItsKey() {
        assertThatThrownBy(() -> run(ProviderApplication.class, "--tern.lifecycle.level=loud").close())
                .hasStackTraceContaining("tern.lifecycle.level: 'loud' (expected: off, sampled, paranoid)");
        assertThatThrownBy(() -> run(ProviderApplication.class, "--tern.registry.register-mode=both").close())
                .hasStackTraceContaining("tern.registry.register-mode: 'both' (expected: interface, instance or all)");
        assertThatThrownBy(() -> run(ProviderApplication.class, "--tern.registry.metadata-type=shared").close())
                .hasStackTraceContaining("tern.registry.metadata-type: 'shared' (expected: local or remote)");
        assertThatThrownBy(() -> run(ProviderApplication.class, "--tern.registry.migration-step=later").close())
                .hasStackTraceContaining("tern.registry.migration-step: 'later' (expected: FORCE_INTERFACE,"
                        + " APPLICATION_FIRST or FORCE_APPLICATION)");
        assertThatThrownBy(() -> run(ProviderApplication.class, "--tern.protocol.port=70000").close())
                .hasStackTraceContaining("tern.protocol.port: 70000 (expected: 0-65535)");
        assertThatThrownBy(() -> run(ProviderApplication.class, "--tern.registry.address=etcd://127.0.0.1:2379")
                .close()).hasStackTraceContaining("registry: 'etcd://'");
    }

    private static ConfigurableApplicationContext run(Class<?> application, String... args) {
        SpringApplication spring = new SpringApplication(application);
        spring.setWebApplicationType(WebApplicationType.NONE);
        // only the arguments configure it, whatever application.yml the class path holds
        spring.setDefaultProperties(java.util.Map.of("spring.config.name", "tern-autoconfiguration-test",
                "tern.protocol.host", "127.0.0.1")); // loopback in tests; the product binds every interface
        return spring.run(args);
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return socket.isConnected();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
