package io.tern.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the example's contexts the way its jar does, on free ports of 127.0.0.1, and calls them over HTTP. */
final class UserApps {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private UserApps() {
    }

    static ConfigurableApplicationContext provider(String registry, String... more) {
        return run("provider", registry, more);
    }

    static ConfigurableApplicationContext consumer(String registry, String... more) {
        return run("consumer", registry, more);
    }

    private static ConfigurableApplicationContext run(String role, String registry, String... more) {
        List<String> args = new ArrayList<>(List.of("--tern.role=" + role, "--tern.registry.address=" + registry,
                "--server.port=0", "--server.address=127.0.0.1", "--tern.protocol.port=0", "--tern.protocol.host=127.0.0.1",
                "--spring.jmx.enabled=false",
                "--spring.main.banner-mode=off"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(UserApplication.class).run(args.toArray(String[]::new));
    }

    static int webPort(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET /users/{id} answered with that user, as the provider makes it. */
    static void assertUser(int port, long id) {
        HttpResponse<String> response = get(port, "/users/" + id);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).contains("\"id\":" + id + ",")
                .contains("\"name\":\"" + io.tern.example.UserServiceImpl.user(id).getName() + "\"")
                .contains("\"email\":\"user" + id + "@example.com\"");
    }

    /** The status of the {@code tern} component in an {@code /actuator/health} answer (Boot 4 and 3.5 order it differently). */
    static String ternHealth(String health) {
        int start = health.indexOf("\"tern\":{");
        assertThat(start).as(health).isNotNegative();
        int depth = 0;
        for (int i = start + "\"tern\":".length(); i < health.length(); i++) {
            char c = health.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                break;
            } else if (depth == 1 && health.startsWith("\"status\":\"", i)) {
                int from = i + "\"status\":\"".length();
                return health.substring(from, health.indexOf('"', from));
            }
        }
        throw new AssertionError("no status in the tern component of " + health);
    }
}
