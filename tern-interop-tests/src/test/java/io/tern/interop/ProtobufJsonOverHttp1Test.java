package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.bootstrap.ServiceOptions;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernServer;
import io.tern.triple.GrpcStatus;
import io.tern.triple.GrpcStatusException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tern.example.Greeter;
import tern.example.GreeterImpl;
import tern.example.HelloReply;

/**
 * Protobuf methods called in JSON over HTTP/1.1, as {@code curl} calls them: the request and the
 * answer in protobuf's JSON mapping, and every refusal a message of Tern's own naming what was
 * wrong and what was expected.
 */
@Timeout(60)
class ProtobufJsonOverHttp1Test {

    private static TernServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        server = Tern.server().application("json").host("127.0.0.1").port(0).triple(true)
                .service(Greeter.class, new GreeterImpl(), ServiceOptions::tripleOnly)
                .service(Greetings.class, request -> {
                    if (request.getName().isEmpty()) {
                        throw new GrpcStatusException(GrpcStatus.INVALID_ARGUMENT, "name: empty (expected: a name)");
                    }
                    return HelloReply.newBuilder().setMessage("Hi, " + request.getName()).build();
                }, ServiceOptions::tripleOnly)
                .service(GrpcHealthInteropTest.Counter.class, () -> 7).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        server = null; // let go of what was closed: the tracker reports anything else still reachable
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("content-type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aProtobufMethodTakesAndAnswersProtobufJson() throws Exception {
        HttpResponse<String> answer = post("/tern.example.Greeter/SayHello", "application/json", "{\"name\": \"curl\"}");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"message\":\"Hello, curl\"}");
        assertThat(post("/tern.example.Greeter/sayHello", "application/json", "{}").body())
                .as("by its Java name too, and an empty object is the default message")
                .isEqualTo("{\"message\":\"Hello, \"}");
    }

    @Test
    void refusalsNameWhatWasWrong() throws Exception {
        HttpResponse<String> unknownField = post("/tern.example.Greeter/SayHello", "application/json", "{\"nam\": 1}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(unknownField.body()).contains("\"status\":\"INVALID_ARGUMENT\"").contains("nam")
                .contains("(expected: a JSON object of tern.example.HelloRequest)");

        HttpResponse<String> malformed = post("/tern.example.Greeter/SayHello", "application/json", "{\"name\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"message\":\"body: not JSON (expected: a JSON object of"
                + " tern.example.HelloRequest)\"").doesNotContain("gson");

        HttpResponse<String> plainMalformed = post("/" + GrpcHealthInteropTest.Counter.class.getName() + "/next",
                "application/json", "[1,");
        assertThat(plainMalformed.statusCode()).isEqualTo(400);
        assertThat(plainMalformed.body()).contains("\"message\":\"body: not JSON at line 1, column 4 (expected: a JSON"
                + " array of the arguments)\"").doesNotContain("Unexpected");

        HttpResponse<String> status = post("/" + Greetings.class.getName() + "/Greet", "application/json", "{}");
        assertThat(status.statusCode()).isEqualTo(400);
        assertThat(status.body()).contains("\"status\":\"INVALID_ARGUMENT\"").contains("name: empty (expected: a name)");

        HttpResponse<String> text = post("/tern.example.Greeter/SayHello", "text/plain", "{}");
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(text.body()).contains("content-type: text/plain (expected: application/json)");
    }
}
