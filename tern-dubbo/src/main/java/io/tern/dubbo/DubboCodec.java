package io.tern.dubbo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tern.EchoService;
import io.tern.GenericService;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.serialization.Hessian2Serialization;
import io.tern.serialization.ObjectInput;
import io.tern.serialization.ObjectOutput;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Encodes and decodes dubbo frame bodies with Hessian2. Thread-safe; one per protocol.
 *
 * <p>Encoders return a buffer the caller owns (and passes on to a channel, which releases it).
 * Decoders read from a buffer they do not own and do not retain.
 */
final class DubboCodec {

    private static final ServiceDescriptor GENERIC = ServiceDescriptor.of(GenericService.class);
    private static final ServiceDescriptor ECHO = ServiceDescriptor.of(EchoService.class);

    private final Hessian2Serialization hessian;

    DubboCodec(Hessian2Serialization hessian) {
        this.hessian = hessian;
    }

    /** Where a server finds the method descriptors of the services it exports, by path. */
    interface ServiceLookup {
        @Nullable ServiceDescriptor descriptor(String path);
    }

    // ---- encoding ----

    /**
     * Encodes a call.
     *
     * @throws RpcException {@link RpcStatus#LIMIT_EXCEEDED} when the body is over the limit,
     *     {@link RpcStatus#SERIALIZATION} when an argument cannot be written
     */
    ByteBuf encodeRequest(ByteBufAllocator alloc, long id, boolean twoWay, String path, String version,
            Invocation invocation, Map<String, Object> attachments, int payloadLimit) {
        return encodeRequest(alloc, id, new RequestTemplate(path, version, attachments, null, null, 0, !twoWay),
                invocation, payloadLimit);
    }

    /**
     * Encodes a call in its template's shape: the template's attachments overridden by the call's
     * own, and the template's {@code timeout} over both when it has one, written as one map,
     * never built as one.
     */
    ByteBuf encodeRequest(ByteBufAllocator alloc, long id, RequestTemplate template, Invocation invocation,
            int payloadLimit) {
        boolean twoWay = !template.oneWay();
        String path = template.path();
        String version = template.version();
        Map<String, Object> base = template.attachments();
        Map<String, Object> call = invocation.attachments();
        String timeout = template.timeoutText();
        ByteBuf buf = alloc.ioBuffer(256);
        boolean ok = false;
        try {
            int start = buf.writerIndex();
            byte flags = (byte) (Wire.FLAG_REQUEST | Hessian2Serialization.ID | (twoWay ? Wire.FLAG_TWO_WAY : 0));
            writeHeader(buf, flags, (byte) 0, id);
            try (ObjectOutput out = hessian.output(buf)) {
                out.writeUTF(Wire.DUBBO_VERSION);
                out.writeUTF(path);
                out.writeUTF(version);
                out.writeUTF(invocation.methodName());
                out.writeUTF(invocation.parameterDescriptor());
                for (Object argument : invocation.arguments()) {
                    out.writeObject(argument);
                }
                out.writeMapBegin();
                for (Map.Entry<String, Object> e : base.entrySet()) {
                    if (!call.containsKey(e.getKey()) && (timeout == null || !Wire.TIMEOUT.equals(e.getKey()))) {
                        out.writeUTF(e.getKey());
                        out.writeObject(e.getValue());
                    }
                }
                if (!call.isEmpty()) { // an empty map's iterator is still an object
                    for (Map.Entry<String, Object> e : call.entrySet()) {
                        if (timeout == null || !Wire.TIMEOUT.equals(e.getKey())) {
                            out.writeUTF(e.getKey());
                            out.writeObject(e.getValue());
                        }
                    }
                }
                if (timeout != null) {
                    out.writeUTF(Wire.TIMEOUT);
                    out.writeUTF(timeout);
                }
                out.writeMapEnd();
            }
            int length = finish(buf, start);
            if (length > payloadLimit) {
                throw new RpcException(RpcStatus.LIMIT_EXCEEDED, "payload: " + length + " bytes (expected: <= "
                        + payloadLimit + ")");
            }
            ok = true;
            return buf;
        } catch (RuntimeException | StackOverflowError e) {
            // A value nested deeper than the writer's stack allows is the caller's error, not the thread's end.
            throw e instanceof RpcException rpc ? rpc : new RpcException(RpcStatus.SERIALIZATION,
                    "hessian2: cannot write the request of " + invocation.methodName() + ": " + describe(e), e);
        } finally {
            if (!ok) {
                buf.release();
            }
        }
    }

    /** Encodes a heartbeat request or its answer. */
    ByteBuf encodeHeartbeat(ByteBufAllocator alloc, long id, boolean request, byte serializationId) {
        byte flags = (byte) (Wire.FLAG_EVENT | (serializationId & Wire.SERIALIZATION_MASK)
                | (request ? Wire.FLAG_REQUEST | Wire.FLAG_TWO_WAY : 0));
        return encodeEvent(alloc, id, flags, request ? 0 : WireStatus.OK.code, null);
    }

    /** Encodes a one-way event request carrying a short string ({@code "R"}, {@code "W"}). */
    ByteBuf encodeOneWayEvent(ByteBufAllocator alloc, long id, String data) {
        byte flags = (byte) (Wire.FLAG_REQUEST | Wire.FLAG_EVENT | Hessian2Serialization.ID);
        return encodeEvent(alloc, id, flags, (byte) 0, data);
    }

    private ByteBuf encodeEvent(ByteBufAllocator alloc, long id, byte flags, byte status, @Nullable String data) {
        ByteBuf buf = alloc.ioBuffer(Wire.HEADER_LENGTH + 8);
        int start = buf.writerIndex();
        writeHeader(buf, flags, status, id);
        try (ObjectOutput out = hessian.output(buf)) {
            out.writeObject(data);
        }
        finish(buf, start);
        return buf;
    }

    /**
     * Encodes a call's answer. A result that cannot be written, or whose body is over the limit,
     * is answered with status 50 and a message saying why, never dropped.
     */
    ByteBuf encodeResponse(ByteBufAllocator alloc, long id, byte serializationId, Result result,
            boolean withAttachments, int payloadLimit, String methodName) {
        ByteBuf buf = alloc.ioBuffer(256);
        int start = buf.writerIndex();
        try {
            writeHeader(buf, (byte) (serializationId & Wire.SERIALIZATION_MASK), WireStatus.OK.code, id);
            try (ObjectOutput out = hessian.output(buf)) {
                Throwable exception = result.exception();
                Object value = result.value();
                if (exception != null) {
                    out.writeInt(withAttachments ? Wire.RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS
                            : Wire.RESPONSE_WITH_EXCEPTION);
                    out.writeObject(exception);
                } else if (value == null) {
                    out.writeInt(withAttachments ? Wire.RESPONSE_NULL_VALUE_WITH_ATTACHMENTS : Wire.RESPONSE_NULL_VALUE);
                } else {
                    out.writeInt(withAttachments ? Wire.RESPONSE_VALUE_WITH_ATTACHMENTS : Wire.RESPONSE_VALUE);
                    out.writeObject(value);
                }
                if (withAttachments) {
                    out.writeMapBegin();
                    for (Map.Entry<String, Object> e : result.attachments().entrySet()) {
                        if (!Wire.DUBBO.equals(e.getKey())) {
                            out.writeUTF(e.getKey());
                            out.writeObject(e.getValue());
                        }
                    }
                    out.writeUTF(Wire.DUBBO);
                    out.writeUTF(Wire.DUBBO_VERSION);
                    out.writeMapEnd();
                }
            }
            int length = finish(buf, start);
            if (length <= payloadLimit) {
                return buf;
            }
            buf.release();
            return encodeError(alloc, id, serializationId, WireStatus.BAD_RESPONSE,
                    "payload: " + length + " bytes (expected: <= " + payloadLimit + ")");
        } catch (RuntimeException | StackOverflowError e) {
            // Whatever was written is dropped: the answer is an error frame, never OK with half a body.
            buf.release();
            return encodeError(alloc, id, serializationId, WireStatus.BAD_RESPONSE,
                    "hessian2: cannot write the result of " + methodName + ": " + describe(e));
        }
    }

    /** Encodes an error answer: a status other than OK and a message. */
    ByteBuf encodeError(ByteBufAllocator alloc, long id, byte serializationId, WireStatus status, String message) {
        ByteBuf buf = alloc.ioBuffer(64 + message.length());
        int start = buf.writerIndex();
        writeHeader(buf, (byte) (serializationId & Wire.SERIALIZATION_MASK), status.code, id);
        try (ObjectOutput out = hessian.output(buf)) {
            out.writeUTF(message);
        }
        finish(buf, start);
        return buf;
    }

    private static void writeHeader(ByteBuf buf, byte flags, byte status, long id) {
        buf.writeShort(Wire.MAGIC);
        buf.writeByte(flags);
        buf.writeByte(status);
        buf.writeLong(id);
        buf.writeInt(0); // length, set by finish()
    }

    private static int finish(ByteBuf buf, int start) {
        int length = buf.writerIndex() - start - Wire.HEADER_LENGTH;
        buf.setInt(start + 12, length);
        return length;
    }

    // ---- decoding ----

    /** Reads a request body: an event's data, or a call resolved against the exported services. */
    DecodedRequest decodeRequest(long id, boolean twoWay, boolean event, byte serializationId, ByteBuf body,
            @Nullable ServiceLookup services) {
        DecodedRequest request = new DecodedRequest(id, twoWay, event, serializationId);
        if (serializationId != Hessian2Serialization.ID) {
            request.failure = new RpcException(RpcStatus.BAD_REQUEST, "serialization id: " + serializationId
                    + " (expected: " + Hessian2Serialization.ID + ", hessian2)");
            return request;
        }
        try (ObjectInput in = hessian.input(body)) {
            if (event) {
                request.eventData = body.isReadable() ? in.readObject() : null;
                return request;
            }
            if (services == null) {
                request.failure = new RpcException(RpcStatus.BAD_REQUEST, "call to a client (expected: events only)");
                return request;
            }
            request.dubboVersion = nonNull(in.readUTF());
            request.path = nonNull(in.readUTF());
            request.version = nonNull(in.readUTF());
            request.methodName = nonNull(in.readUTF());
            String descriptor = nonNull(in.readUTF());
            ServiceDescriptor service = services.descriptor(request.path);
            if (service == null) {
                request.failure = new RpcException(RpcStatus.SERVICE_NOT_FOUND, "service: " + request.path
                        + " is not exported here (expected: an exported service)");
                return request;
            }
            MethodDescriptor md = resolve(service, request.methodName, descriptor);
            if (md == null) {
                request.failure = new RpcException(RpcStatus.METHOD_NOT_FOUND, "method: " + request.methodName
                        + "(" + descriptor + ") of " + request.path + " (expected one of: "
                        + String.join(", ", service.methodNames()) + ")");
                return request;
            }
            request.method = md;
            Object[] args = new Object[md.parameterCount()];
            for (int i = 0; i < args.length; i++) {
                args[i] = in.readObject(md.parameterTypes().get(i));
            }
            request.arguments = args;
            request.attachments = readAttachments(in);
        } catch (RpcException e) {
            request.failure = e.status() == RpcStatus.FORBIDDEN || e.status() == RpcStatus.SERIALIZATION ? e
                    : new RpcException(RpcStatus.BAD_REQUEST, String.valueOf(e.getMessage()), e);
        }
        return request;
    }

    private static @Nullable MethodDescriptor resolve(ServiceDescriptor service, String name, String descriptor) {
        MethodDescriptor md = service.find(name, descriptor);
        if (md == null && name.startsWith("$")) {
            md = GENERIC.find(name, descriptor);
            if (md == null) {
                md = ECHO.find(name, descriptor);
            }
        }
        return md;
    }

    /**
     * Reads a response body for a call expecting {@code expected}'s result type; the
     * response's status says how to read it.
     */
    DecodedResponse decodeResponse(long id, boolean event, byte status, byte serializationId, ByteBuf body,
            @Nullable MethodDescriptor expected) {
        DecodedResponse response = new DecodedResponse(id, event);
        if (serializationId != Hessian2Serialization.ID) {
            response.failure = new RpcException(RpcStatus.SERIALIZATION, "serialization id: " + serializationId
                    + " (expected: " + Hessian2Serialization.ID + ", hessian2)");
            return response;
        }
        try (ObjectInput in = hessian.input(body)) {
            if (event) {
                return response;
            }
            WireStatus wireStatus = WireStatus.of(status);
            if (wireStatus != WireStatus.OK) {
                String message = body.isReadable() ? in.readUTF() : null;
                RpcStatus rpcStatus = wireStatus == WireStatus.SERVICE_ERROR && io.tern.core.Tokens.isRefusal(message)
                        ? RpcStatus.FORBIDDEN : wireStatus.rpcStatus;
                // the wire status's name only where it says more than the failure's own status does
                response.failure = new RpcException(rpcStatus, "provider answered status " + (status & 0xff)
                        + (wireStatus.name().equals(rpcStatus.name()) ? "" : " (" + wireStatus + ")") + ": "
                        + (message == null ? "no message" : message));
                return response;
            }
            int type = in.readInt();
            Result result = switch (type) {
                case Wire.RESPONSE_NULL_VALUE, Wire.RESPONSE_NULL_VALUE_WITH_ATTACHMENTS -> Result.value(null);
                case Wire.RESPONSE_VALUE, Wire.RESPONSE_VALUE_WITH_ATTACHMENTS -> Result.value(expected == null
                        ? in.readObject() : in.readObject(expected.resultType()));
                case Wire.RESPONSE_WITH_EXCEPTION, Wire.RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS -> {
                    Object thrown = in.readObject(Throwable.class);
                    yield thrown instanceof Throwable t ? Result.exception(t) : Result.exception(new RpcException(
                            RpcStatus.SERIALIZATION, "exception: a " + typeName(thrown) + " (expected: a Throwable)"));
                }
                default -> throw new RpcException(RpcStatus.SERIALIZATION, "response type: " + type
                        + " (expected: 0-5)");
            };
            if (type >= Wire.RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS) {
                result = result.adoptAttachments(readAttachments(in));
            }
            response.result = result;
        } catch (RpcException e) {
            response.failure = new RpcException(e.status() == RpcStatus.FORBIDDEN ? RpcStatus.FORBIDDEN
                    : RpcStatus.SERIALIZATION, "bad response: " + e.getMessage(), e);
        }
        return response;
    }

    private static Map<String, Object> readAttachments(ObjectInput in) {
        Object map = in.readObject(Map.class);
        if (map == null) {
            return Map.of();
        }
        if (!(map instanceof Map<?, ?> m)) {
            throw new RpcException(RpcStatus.BAD_REQUEST, "attachments: a " + typeName(map) + " (expected: a map)");
        }
        boolean clean = m instanceof HashMap<?, ?>;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            clean &= e.getKey() instanceof String && e.getValue() != null;
        }
        if (clean) {
            @SuppressWarnings("unchecked") // every key checked to be a String just above
            Map<String, Object> strings = (Map<String, Object>) m;
            return strings; // the map Hessian just made, used as it is
        }
        Map<String, Object> attachments = new HashMap<>(m.size() * 2);
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (e.getKey() instanceof String key && e.getValue() != null) {
                attachments.put(key, e.getValue());
            }
        }
        return attachments;
    }

    private static String nonNull(@Nullable String value) {
        return value == null ? "" : value;
    }

    static String typeName(@Nullable Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
