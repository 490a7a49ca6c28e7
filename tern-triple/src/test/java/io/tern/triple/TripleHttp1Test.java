package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Unary calls in JSON over HTTP/1.1 on a Triple port, from curl and the JDK's HTTP client, next
 * to HTTP/2 on the same port: answers, failures as JSON with their status, and what is refused.
 */
@Timeout(120)
class TripleHttp1Test {

    private static final LifecycleTracker TRACKER = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
    private static TripleProtocol protocol;
    private static Exporter<UserService> exporter;
    private static HttpClient http;
    private static String base;

    @BeforeAll
    static void start() {
        protocol = TripleProtocol.create(TRACKER, ClassPolicy.strict());
        exporter = protocol.export(Invokers.of(UserService.class, new UserServiceImpl(),
                ServiceUrl.parse("tri://127.0.0.1:0/" + UserService.class.getName())));
        base = "http://127.0.0.1:" + exporter.url().port() + "/" + UserService.class.getName() + "/";
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void stop() {
        http = null; // Java 17's client has no close: its connections go with it
        protocol.close();
        exporter = null; // let go of what was closed: the tracker reports anything else still reachable
    }

    private static HttpResponse<String> post(String method, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(base + method)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        return Http1JsonHandler.JSON.readTree(response.body());
    }

    @Test
    void curlCallsAMethodWithAJsonArray() throws Exception {
        Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "30", "-d", "[\"hi\"]", "-H",
                "content-type: application/json", base + "echo").redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as(out).isZero();
        assertThat(out).isEqualTo("\"hi\"");
    }

    @Test
    void answersAreJsonOfTheResult() throws Exception {
        JsonNode user = json(post("getUser", "[7]"));
        assertThat(user.get("id").asLong()).isEqualTo(7);
        assertThat(user.get("birthday").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(json(post("getUser", "7")).get("id").asLong()).as("one argument, bare").isEqualTo(7);
        assertThat(json(post("existUser", "[\"user1@example.com\"]")).isBoolean()).isTrue();
        assertThat(json(post("listUser", "[2]")).get("result")).hasSize(UserServiceImpl.PAGE_SIZE);
        assertThat(json(post("getUserAsync", "[3]")).get("id").asLong()).isEqualTo(3);
    }

    @Test
    void failuresAnswerWithTheirStatusAsJson() throws Exception {
        HttpResponse<String> notFound = post("getUser", "[-1]");
        assertThat(notFound.statusCode()).isEqualTo(500);
        JsonNode thrown = json(notFound);
        assertThat(thrown.get("status").asText()).isEqualTo("UNKNOWN");
        assertThat(thrown.get("message").asText()).isEqualTo("no user -1 (ids start at 1)");
        assertThat(thrown.get("exception").asText()).isEqualTo("io.tern.example.UserNotFoundException");

        HttpResponse<String> noMethod = post("wave", "[]");
        assertThat(noMethod.statusCode()).isEqualTo(404);
        assertThat(json(noMethod).get("message").asText()).startsWith("method not found: "
                + UserService.class.getName() + ".wave (expected: one of [");

        HttpResponse<String> wrongType = post("getUser", "[\"seven\"]");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json(wrongType).get("message").asText())
                .isEqualTo("argument 1 of getUser: \"seven\" (expected: JSON for long)");

        HttpResponse<String> notJson = post("getUser", "[7");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(json(notJson).get("status").asText()).isEqualTo("INVALID_ARGUMENT");

        HttpResponse<String> tooMany = post("getUser", "[7, 8]");
        assertThat(tooMany.statusCode()).isEqualTo(404);
        assertThat(json(tooMany).get("message").asText()).contains("takes 2 arguments");

        HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(base + "echo")).GET());
        assertThat(get.statusCode()).isEqualTo(405);

        HttpResponse<String> text = send(HttpRequest.newBuilder(URI.create(base + "echo"))
                .header("content-type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hi")));
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(json(text).get("message").asText()).isEqualTo("content-type: text/plain (expected: application/json)");

        HttpResponse<String> elsewhere = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + exporter.url().port() + "/com.example.Missing/echo")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[]")));
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(json(elsewhere).get("status").asText()).isEqualTo("UNIMPLEMENTED");
    }

    @Test
    void pipelinedRequestsOnOneConnectionAreAnsweredInOrder() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", exporter.url().port())) {
            socket.setSoTimeout(30_000);
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                String body = "[\"n" + i + "\"]";
                requests.append("POST /").append(UserService.class.getName()).append("/echo HTTP/1.1\r\n")
                        .append("Host: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ")
                        .append(body.length()).append("\r\n\r\n").append(body);
            }
            OutputStream out = socket.getOutputStream();
            out.write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answers = readUntil(socket, "\"n19\"");
            int last = -1;
            for (int i = 0; i < 20; i++) {
                int at = answers.indexOf("\"n" + i + "\"");
                assertThat(at).as("answer %d after answer %d", i, i - 1).isGreaterThan(last);
                last = at;
            }
        }
    }

    @Test
    void bytesThatAreNeitherHttp2NorHttp1CloseThatConnectionOnly() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", exporter.url().port())) {
            socket.getOutputStream().write(new byte[] {(byte) 0xda, (byte) 0xbb, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01});
            socket.getOutputStream().flush();
            socket.setSoTimeout(10_000);
            assertThat(socket.getInputStream().read()).as("closed without an answer").isEqualTo(-1);
        }
        assertThat(json(post("echo", "[\"still\"]")).asText()).isEqualTo("still");
    }

    private static String readUntil(Socket socket, String marker) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] chunk = new byte[8192];
        while (seen.indexOf(marker) < 0) {
            int n = socket.getInputStream().read(chunk);
            if (n < 0) {
                break;
            }
            seen.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
        }
        return seen.toString();
    }
}
