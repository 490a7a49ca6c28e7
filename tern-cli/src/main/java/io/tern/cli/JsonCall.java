package io.tern.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.triple.GrpcStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A call in the JSON form of a Triple port ({@code tri://} or {@code http://host:port/Service}):
 * {@code POST /Service/method} over HTTP/1.1 with the arguments as a JSON array, the answer read
 * back as JSON. No Java types are needed on this side: the provider binds the arguments to its
 * method's parameter types.
 */
final class JsonCall {

    private JsonCall() {
    }

    /** Whether a URL the user typed is one this class calls. */
    static boolean handles(String url) {
        return url.startsWith("tri://") || url.startsWith("http://") || url.startsWith("https://");
    }

    /**
     * Makes the call and returns the answer, parsed.
     *
     * @throws RpcException with the provider's status and message when it answers a failure, or
     *     {@link RpcStatus#NETWORK} / {@link RpcStatus#TIMEOUT} when it cannot be reached in time
     */
    static @Nullable Object call(String typed, @Nullable String service, String method, List<String> arguments,
            @Nullable String group, @Nullable String version, Duration timeout, Map<String, String> attachments,
            io.tern.transport.tls.@Nullable ClientTls tls) {
        ServiceUrl url;
        try {
            url = ServiceUrl.parse(typed);
        } catch (IllegalArgumentException e) {
            throw new UsageException("URL '" + typed + "': " + Target.withoutExpected(e.getMessage())
                    + " (expected: tri://host:port/com.example.Service or http://host:port/com.example.Service)", e);
        }
        String name = service != null ? service : url.path();
        if (url.host().isEmpty() || url.port() <= 0 || name.isEmpty()) {
            throw new UsageException("URL '" + typed + "' needs a host, a port and a service"
                    + " (expected: tri://host:port/com.example.Service or http://host:port/com.example.Service)");
        }
        String body = "[" + String.join(",", arguments) + "]";
        String scheme = tls != null || url.protocol().equals("https") ? "https" : "http";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme + "://" + url.host() + ":" + url.port() + "/"
                        + name + "/" + method))
                .timeout(timeout).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (group != null) {
            request.header("tri-service-group", group);
        }
        if (version != null) {
            request.header("tri-service-version", version);
        }
        String token = url.parameter(io.tern.core.Tokens.KEY);
        if (token != null) {
            request.header(io.tern.core.Tokens.KEY, token); // as a Triple consumer sends the provider's token
        }
        attachments.forEach(request::header);
        HttpClient.Builder client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout);
        if (tls != null) {
            client.sslContext(io.tern.transport.tls.TlsContext.jdkClient(tls));
        }
        HttpClient http = client.build();
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new RpcException(RpcStatus.TIMEOUT, name + "." + method + " did not answer within "
                    + timeout.toMillis() + " ms (expected: an answer within --timeout)", e);
        } catch (ConnectException e) {
            throw new RpcException(RpcStatus.NETWORK, "cannot connect to " + url.address() + ": "
                    + io.tern.transport.ConnectFailures.why(e) + " (expected: a Triple provider listening there)", e);
        } catch (IOException e) {
            throw new RpcException(RpcStatus.NETWORK, "the call to " + url.address() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(RpcStatus.CANCELLED, "interrupted", e);
        }
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new RpcException(RpcStatus.SERIALIZATION, "HTTP " + response.statusCode() + " from " + url.address()
                    + " is not JSON (expected: a Triple provider's JSON answer)", e);
        }
        if (response.statusCode() != 200) {
            throw failure(response.statusCode(), answer);
        }
        return Json.MAPPER.convertValue(answer, Object.class);
    }

    /** The failure a provider's JSON error stands for: its gRPC status as Tern's, and its message. */
    private static RpcException failure(int httpStatus, JsonNode error) {
        String status = error.path("status").asText("");
        GrpcStatus grpc;
        try {
            grpc = GrpcStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            grpc = GrpcStatus.ofHttp(httpStatus);
        }
        String message = error.path("message").asText("HTTP " + httpStatus);
        String exception = error.path("exception").asText("");
        return new RpcException(grpc.toRpcStatus(), exception.isEmpty() ? message : exception + ": " + message);
    }
}
