package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.registry.InJvmRegistry;
import io.tern.testing.TernCleanup;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operations endpoint of a server and a client, over real HTTP. */
class OpsEndpointTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Echo {
        String echo(String text);
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(String base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double echoCalls(String metrics) {
        Matcher m = Pattern.compile("^dubbo_provider_requests_total\\{[^}]*method=\"echo\"[^}]*\\} (\\S+)$",
                Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void aServersEndpointAnswersDubbosCommandsAndTakesItOutOfRotation() throws Exception {
        InJvmRegistry registry = new InJvmRegistry();
        AtomicInteger served = new AtomicInteger();
        TernServer server = cleanup.register(Tern.server().application("echoes").registry(registry).ops(0)
                .service(Echo.class, text -> {
                    served.incrementAndGet();
                    return text;
                }).start());
        TernClient client = cleanup.register(Tern.client().application("caller").registry(registry).build());
        Echo echo = client.reference(Echo.class, r -> r.timeout(Duration.ofSeconds(2))).get();
        String ops = server.ops().uri();
        assertThat(ops).startsWith("http://127.0.0.1:");

        assertThat(get(ops, "/live").body()).isEqualTo("true\n");
        HttpResponse<String> ready = get(ops, "/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("true\n");
        assertThat(get(ops, "/startup").statusCode()).isEqualTo(200);

        for (int i = 0; i < 5; i++) {
            assertThat(echo.echo("x" + i)).isEqualTo("x" + i);
        }
        HttpResponse<String> metrics = get(ops, "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(echoCalls(metrics.body())).isEqualTo(5);
        assertThat(metrics.body()).contains("interface=\"" + Echo.class.getName() + "\"")
                .contains("application_name=\"echoes\"").contains("tern_lifecycle_live{kind=\"exporter\"}");

        assertThat(get(ops, "/ls").body()).contains("As Provider side:").contains(Echo.class.getName())
                .contains("online");

        HttpResponse<String> offline = post(ops, "/offline?service=*Echo*");
        assertThat(offline.statusCode()).isEqualTo(200);
        assertThat(offline.body()).isEqualTo("OK: 1 service offline\n");
        assertThat(get(ops, "/ready").statusCode()).isEqualTo(503);
        assertThat(registry.lookup(io.tern.ServiceUrl.parse("consumer://127.0.0.1/" + Echo.class.getName())))
                .allSatisfy(u -> assertThat(u.isEmptyProtocol()).isTrue());
        assertThat(get(ops, "/ls").body()).contains("offline");

        HttpResponse<String> online = post(ops, "/online?service=" + Echo.class.getName());
        assertThat(online.body()).isEqualTo("OK: 1 service online\n");
        assertThat(get(ops, "/ready").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(echo.echo("back")).isEqualTo("back"));
        assertThat(echoCalls(get(ops, "/metrics").body())).isGreaterThanOrEqualTo(6);

        assertThat(get(ops, "/lifecycle").body()).startsWith("{\"level\":").contains("\"exporter\":{\"created\":");
        assertThat(get(ops, "/state").body()).startsWith("{\"ready\":true,\"services\":[{\"key\":\""
                + Echo.class.getName() + "\"").contains("\"online\":true");
        HttpResponse<String> console = get(ops, "/");
        assertThat(console.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(console.body()).contains("<title>Tern console</title>").doesNotContain("src=\"http", "href=\"http"); // nothing fetched from outside
        HttpResponse<String> unknown = get(ops, "/nonsense");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("unknown command: 'nonsense'").contains("ls, online, offline");
        assertThat(post(ops, "/offline?service=com.example.Nothing").statusCode()).isEqualTo(404);

        int port = server.ops().port();
        server.close();
        assertThat(portOpen(port)).as("the endpoint closes with its server").isFalse();
    }

    @Test
    void servicesAreShownAndTakenOfflinePerProtocol() throws Exception {
        InJvmRegistry registry = new InJvmRegistry();
        TernServer server = cleanup.register(Tern.server().application("both").registry(registry).ops(0).triple(true)
                .service(Echo.class, text -> text).start());
        String ops = server.ops().uri();
        assertThat(get(ops, "/ls").body()).contains("dubbo://127.0.0.1:" + server.port())
                .contains("tri://127.0.0.1:" + server.port());
        assertThat(get(ops, "/state").body()).contains("\"protocol\":\"dubbo\"").contains("\"protocol\":\"tri\"");

        HttpResponse<String> offline = post(ops, "/offline?service=*Echo*&protocol=tri");
        assertThat(offline.body()).isEqualTo("OK: 1 service offline\n");
        assertThat(server.state().services()).extracting(s -> s.protocol() + " " + s.online())
                .containsExactlyInAnyOrder("dubbo true", "tri false");
        assertThat(registry.lookup(io.tern.ServiceUrl.parse("consumer://127.0.0.1/" + Echo.class.getName())))
                .extracting(io.tern.ServiceUrl::protocol).as("the dubbo registration stays").containsExactly("dubbo");
        HttpResponse<String> wrong = post(ops, "/offline?service=*&protocol=rmi");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).isEqualTo("protocol: 'rmi' (expected: dubbo or tri, or none for every protocol)\n");
        assertThat(post(ops, "/online?service=*&protocol=tri").body()).isEqualTo("OK: 1 service online\n");
        assertThat(server.state().services()).allSatisfy(s -> assertThat(s.online()).isTrue());
    }

    @Test
    void aClientsEndpointListsItsReferencesAndTheirProviders() throws Exception {
        InJvmRegistry registry = new InJvmRegistry();
        TernServer server = cleanup.register(Tern.server().registry(registry).service(Echo.class, t -> t).start());
        TernClient client = cleanup.register(Tern.client().registry(registry).ops(0).build());
        assertThat(client.reference(Echo.class).get().echo("hi")).isEqualTo("hi");
        String ls = get(client.ops().uri(), "/ls").body();
        assertThat(ls).contains("As Consumer side:").contains(Echo.class.getName()).contains("available")
                .contains("127.0.0.1:" + server.port());
        assertThat(echoCallsOnConsumer(get(client.ops().uri(), "/metrics").body())).isEqualTo(1);
    }

    private static double echoCallsOnConsumer(String metrics) {
        Matcher m = Pattern.compile("^dubbo_consumer_requests_total\\{[^}]*method=\"echo\"[^}]*\\} (\\S+)$",
                Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static boolean portOpen(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return socket.isConnected();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
