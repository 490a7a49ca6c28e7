package io.tern.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.bootstrap.TernServer;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** A Spring Boot application whose {@link TernService} bean is exported, called, and stopped with it. */
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

    @Test
    void aTernServiceBeanIsExportedOnceTheContextIsUpAndStopsWithIt() throws Exception {
        SpringApplication application = new SpringApplication(ProviderApplication.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        int port;
        try (ConfigurableApplicationContext context = application.run("--tern.protocol.port=0",
                "--spring.application.name=spring-greeter");
                TernClient client = Tern.client().build()) {
            TernServer server = context.getBean(TernServerLifecycle.class).server();
            assertThat(server).as("started with the context").isNotNull();
            port = server.port();
            Greeter greeter = client.reference(Greeter.class, r -> r.url("dubbo://127.0.0.1:" + port).version("1.0.0"))
                    .get();
            assertThat(greeter.greet("Boot")).isEqualTo("Hello, Boot from Spring");
        }
        assertThat(portOpen(port)).as("the server stops with the context").isFalse();
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return socket.isConnected();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
