package io.tern.triple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.core.JsonStrings;
import io.tern.triple.internal.ProtobufJson;
import io.tern.triple.internal.TripleHeaders;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Unary calls over HTTP/1.1 with JSON, so {@code curl} can call a Triple service:
 * {@code POST /{interface}/{method}} with {@code content-type: application/json} and a body that
 * is a JSON array of the arguments (or, for a one-parameter method, the argument itself); the
 * answer is the result as JSON. A failure answers with the HTTP status of its gRPC status and a
 * JSON body {@code {"status": "INVALID_ARGUMENT", "code": 3, "message": "..."}}. Other headers
 * are attachments, as over HTTP/2; {@code tri-service-group} and {@code tri-service-version}
 * pick the exporter. Arguments are read into the declared parameter types only (no type names
 * from the body are followed). Streaming methods are not callable this way.
 *
 * <p>One request at a time per connection: requests read together wait their turn, and reading
 * pauses until they are answered, so pipelined requests are answered in order and a client
 * cannot queue work without bound.
 */
final class Http1JsonHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final TripleServer server;
    /** Requests read and not yet answered, in order; touched on the event loop only. */
    private final Queue<Request> waiting = new ArrayDeque<>();
    private boolean busy;

    private final Http1Limits limits;

    Http1JsonHandler(TripleServer server, Http1Limits limits) {
        this.server = server;
        this.limits = limits;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        limits.requestRead();
        // several requests can arrive in one read: each waits for the one before to be answered
        ctx.channel().config().setAutoRead(false);
        waiting.add(new Request(request.method(), request.uri(), request.headers().copy(),
                request.content().toString(StandardCharsets.UTF_8), HttpUtil.isKeepAlive(request),
                request.decoderResult().isSuccess() ? null : request.decoderResult().cause()));
        next(ctx);
    }

    /** One request, read off its buffers. */
    private record Request(HttpMethod method, String uri, HttpHeaders headers, String body, boolean keepAlive,
            @Nullable Throwable malformed) {
    }

    /** Starts on the next request when none is being answered; reading resumes once none waits. */
    private void next(ChannelHandlerContext ctx) {
        if (busy) {
            return;
        }
        Request request = waiting.poll();
        if (request == null) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
            return;
        }
        busy = true;
        handle(ctx, request);
    }

    /** The answer to the current request is written: on to the next. */
    private void answered(ChannelHandlerContext ctx) {
        busy = false;
        next(ctx);
    }

    private void handle(ChannelHandlerContext ctx, Request request) {
        boolean keepAlive = request.keepAlive();
        if (request.malformed() != null) {
            answer(ctx, false, GrpcStatus.INTERNAL, "malformed HTTP request: " + request.malformed());
            return;
        }
        if (!HttpMethod.POST.equals(request.method())) {
            answer(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, GrpcStatus.UNIMPLEMENTED, "method: "
                    + request.method() + " (expected: POST /{interface}/{method} with a JSON body)");
            return;
        }
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!contentType.startsWith("application/json")) {
            answer(ctx, keepAlive, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, GrpcStatus.INTERNAL, "content-type: "
                    + (contentType.isEmpty() ? "none" : contentType) + " (expected: application/json)");
            return;
        }
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        CallPath call = CallPath.parse(path);
        if (call == null) {
            answer(ctx, keepAlive, GrpcStatus.UNIMPLEMENTED, CallPath.refused(path));
            return;
        }
        String name = call.method();
        TripleExporter<?> exporter = server.find(call.service(), request.headers().get("tri-service-group"),
                request.headers().get("tri-service-version"));
        if (exporter == null) {
            answer(ctx, keepAlive, GrpcStatus.UNIMPLEMENTED, call.serviceNotFound());
            return;
        }
        if (exporter.builtIn()) {
            answer(ctx, keepAlive, GrpcStatus.UNIMPLEMENTED, call.service() + " is answered over gRPC"
                    + " (expected: an HTTP/2 gRPC call)");
            return;
        }
        Map<String, Object> attachments;
        try {
            attachments = TripleHeaders.read(request.headers());
        } catch (IllegalArgumentException e) {
            answer(ctx, keepAlive, GrpcStatus.INVALID_ARGUMENT, e.getMessage());
            return;
        }
        try {
            server.protocol().services().execute(() -> call(ctx, keepAlive, exporter, name, request.body(),
                    attachments));
        } catch (RejectedExecutionException e) {
            answer(ctx, keepAlive, GrpcStatus.RESOURCE_EXHAUSTED, "tri: no service thread free (expected: fewer calls)");
        }
    }

    /** Runs on a service thread: reads the arguments, invokes, answers. */
    private void call(ChannelHandlerContext ctx, boolean keepAlive, TripleExporter<?> exporter, String name, String body,
            Map<String, Object> attachments) {
        TripleMethod protobuf = protobufMethod(exporter, name);
        if (protobuf != null) {
            callProtobuf(ctx, keepAlive, exporter, protobuf, body, attachments);
            return;
        }
        MethodDescriptor method;
        Object[] arguments;
        try {
            JsonNode root = JSON.readTree(body.isBlank() ? "[]" : body);
            method = method(exporter, name, root);
            arguments = arguments(server.protocol().json(), method, root);
        } catch (JsonProcessingException e) {
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            answer(ctx, keepAlive, GrpcStatus.INVALID_ARGUMENT, "body: not JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + " (expected: a JSON array of the arguments)");
            return;
        } catch (RpcException e) {
            answer(ctx, keepAlive, GrpcStatus.of(e.status()), e.getMessage());
            return;
        }
        invoke(exporter, method, arguments, attachments).whenComplete((result, failure) -> {
            if (failure != null) {
                RpcException rpc = Result.asRpcException(failure);
                answer(ctx, keepAlive, GrpcStatus.of(rpc.status()), rpc.getMessage());
                return;
            }
            Throwable thrown = result.exception();
            if (thrown != null) {
                write(ctx, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, error(GrpcStatus.UNKNOWN,
                        thrown.getMessage() == null ? thrown.getClass().getName() : thrown.getMessage(),
                        thrown.getClass().getName()));
                return;
            }
            byte[] json;
            try {
                json = JSON.writeValueAsBytes(result.value());
            } catch (JsonProcessingException e) {
                answer(ctx, keepAlive, GrpcStatus.INTERNAL, "the answer of " + exporter.key().call(method.name())
                        + " cannot be written as JSON: " + e.getOriginalMessage());
                return;
            }
            write(ctx, keepAlive, HttpResponseStatus.OK, json);
        });
    }

    /** The unary protobuf method a request's path names, if it names one. */
    private static @Nullable TripleMethod protobufMethod(TripleExporter<?> exporter, String name) {
        for (TripleMethod method : exporter.named(name)) {
            if (method.protobuf() && method.kind() == MethodDescriptor.Kind.UNARY) {
                return method;
            }
        }
        return null;
    }

    /**
     * Runs on a service thread: a protobuf method called in protobuf's JSON mapping, its request
     * a JSON object of the request message and its answer one of the answer message's.
     */
    private void callProtobuf(ChannelHandlerContext ctx, boolean keepAlive, TripleExporter<?> exporter,
            TripleMethod method, String body, Map<String, Object> attachments) {
        Object request;
        try {
            request = ProtobufJson.parse(method.descriptor.requestType(), body.isBlank() ? "{}" : body);
        } catch (IllegalArgumentException e) {
            answer(ctx, keepAlive, GrpcStatus.INVALID_ARGUMENT, e.getMessage());
            return;
        } catch (NoClassDefFoundError e) {
            answer(ctx, keepAlive, GrpcStatus.UNIMPLEMENTED, "JSON for protobuf methods needs protobuf-java-util"
                    + " on the server's class path (expected: com.google.protobuf:protobuf-java-util)");
            return;
        }
        invoke(exporter, method.descriptor, new Object[] {request}, attachments).whenComplete((result, failure) -> {
            Throwable thrown = failure != null ? Result.asRpcException(failure) : result.exception();
            if (thrown != null) {
                answer(ctx, keepAlive, GrpcStatusException.statusOf(thrown),
                        thrown.getMessage() == null ? thrown.getClass().getName() : thrown.getMessage());
                return;
            }
            String json;
            try {
                json = ProtobufJson.print(java.util.Objects.requireNonNull(result.value(), "null (expected: a message)"));
            } catch (RuntimeException e) {
                answer(ctx, keepAlive, GrpcStatus.INTERNAL, "the answer of " + exporter.key().call(method.descriptor
                        .name()) + " cannot be written as JSON: " + e.getMessage());
                return;
            }
            write(ctx, keepAlive, HttpResponseStatus.OK, json.getBytes(StandardCharsets.UTF_8));
        });
    }

    /** Invokes the service on this thread; a failure to start the call is the future's. */
    private CompletableFuture<Result> invoke(TripleExporter<?> exporter, MethodDescriptor method,
            @Nullable Object[] arguments, Map<String, Object> attachments) {
        try {
            return exporter.invoker().invoke(Invocation.of(exporter.key(), method, arguments)
                    .setAttachments(attachments).setClassPolicy(server.protocol().classPolicy()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The unary method of that name taking as many arguments as the body gives. */
    private static MethodDescriptor method(TripleExporter<?> exporter, String name, JsonNode root) {
        List<MethodDescriptor> named = exporter.descriptor.find(name);
        if (named.isEmpty()) {
            throw new RpcException(RpcStatus.METHOD_NOT_FOUND, "method not found: " + exporter.key().interfaceName()
                    + "." + name + " (expected: one of " + exporter.descriptor.methodNames() + ")");
        }
        List<MethodDescriptor> fitting = new ArrayList<>();
        for (MethodDescriptor candidate : named) {
            if (candidate.kind() == MethodDescriptor.Kind.UNARY
                    && candidate.parameterCount() == (root.isArray() ? root.size() : 1)) {
                fitting.add(candidate);
            }
        }
        if (fitting.isEmpty() && !root.isArray()) {
            throw new RpcException(RpcStatus.BAD_REQUEST, "body: one argument for " + exporter.key().interfaceName() + "."
                    + name + " (expected: a JSON array of the arguments)");
        }
        if (fitting.size() != 1) {
            throw new RpcException(fitting.isEmpty() ? RpcStatus.METHOD_NOT_FOUND : RpcStatus.BAD_REQUEST,
                    (fitting.isEmpty() ? "no unary method " : "more than one method ") + exporter.key().interfaceName()
                            + "." + name + " takes " + root.size() + " arguments (expected: exactly one that does;"
                            + " streaming methods are not called over HTTP/1.1)");
        }
        return fitting.get(0);
    }

    private static Object[] arguments(ObjectMapper json, MethodDescriptor method, JsonNode root) {
        Type[] types = method.method().getGenericParameterTypes();
        Object[] values = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            JsonNode node = root.isArray() ? root.get(i) : root;
            try {
                values[i] = json.convertValue(node, json.constructType(types[i]));
            } catch (IllegalArgumentException e) {
                RpcException refused = refusal(e);
                if (refused != null) {
                    throw refused;
                }
                throw new RpcException(RpcStatus.BAD_REQUEST, "argument " + (i + 1) + " of " + method.name() + ": "
                        + node + " (expected: JSON for " + types[i].getTypeName() + ")");
            }
        }
        return values;
    }

    /** The class policy's refusal among a conversion failure's causes, which Jackson wraps. */
    private static @Nullable RpcException refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RpcException rpc) {
                return rpc;
            }
        }
        return null;
    }

    private void answer(ChannelHandlerContext ctx, boolean keepAlive, GrpcStatus status,
            @Nullable String message) {
        answer(ctx, keepAlive, httpStatus(status), status, message);
    }

    private void answer(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus http, GrpcStatus status,
            @Nullable String message) {
        write(ctx, keepAlive, http, error(status, message, null));
    }

    /** The JSON of a failure. */
    private static byte[] error(GrpcStatus status, @Nullable String message, @Nullable String exception) {
        StringBuilder json = new StringBuilder(96).append("{\"status\":\"").append(status.name()).append("\",\"code\":")
                .append(status.code()).append(",\"message\":");
        JsonStrings.append(json, message == null ? status.name() : message);
        if (exception != null) {
            json.append(",\"exception\":");
            JsonStrings.append(json, exception);
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The HTTP status a gRPC status answers with over HTTP/1.1, as gRPC gateways map them. */
    static HttpResponseStatus httpStatus(GrpcStatus status) {
        return switch (status) {
            case OK -> HttpResponseStatus.OK;
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> HttpResponseStatus.BAD_REQUEST;
            case UNAUTHENTICATED -> HttpResponseStatus.UNAUTHORIZED;
            case PERMISSION_DENIED -> HttpResponseStatus.FORBIDDEN;
            case NOT_FOUND, UNIMPLEMENTED -> HttpResponseStatus.NOT_FOUND;
            case ALREADY_EXISTS, ABORTED -> HttpResponseStatus.CONFLICT;
            case RESOURCE_EXHAUSTED -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case CANCELLED -> HttpResponseStatus.valueOf(499, "Client Closed Request");
            case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case DEADLINE_EXCEEDED -> HttpResponseStatus.GATEWAY_TIMEOUT;
            case UNKNOWN, INTERNAL, DATA_LOSS -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }

    private void write(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, byte[] json) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(json));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, json.length);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(response).addListener(f -> answered(ctx));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a broken connection or a request HTTP/1.1 cannot read: nothing to answer on
        PeerErrors.warn(server.protocol().peerWarnings(), ctx, "an HTTP/1.1", cause);
        ctx.close();
    }
}
