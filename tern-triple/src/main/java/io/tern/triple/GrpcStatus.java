package io.tern.triple;

import io.tern.RpcStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** gRPC's status codes, their mapping to and from Tern's {@link RpcStatus}, and {@code grpc-message}'s encoding. */
public enum GrpcStatus {
    OK,
    CANCELLED,
    UNKNOWN,
    INVALID_ARGUMENT,
    DEADLINE_EXCEEDED,
    NOT_FOUND,
    ALREADY_EXISTS,
    PERMISSION_DENIED,
    RESOURCE_EXHAUSTED,
    FAILED_PRECONDITION,
    ABORTED,
    OUT_OF_RANGE,
    UNIMPLEMENTED,
    INTERNAL,
    UNAVAILABLE,
    DATA_LOSS,
    UNAUTHENTICATED;

    private static final GrpcStatus[] BY_CODE = values();
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** The status's number on the wire ({@code grpc-status}). */
    public int code() {
        return ordinal();
    }

    /** The status of a {@code grpc-status} value; UNKNOWN for a number gRPC does not define, as gRPC reads it. */
    public static GrpcStatus ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }

    /**
     * The status of an HTTP answer that carries no {@code grpc-status}, as gRPC maps them: 400
     * INTERNAL, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 UNIMPLEMENTED, 429, 502, 503 and 504
     * UNAVAILABLE, anything else UNKNOWN.
     */
    public static GrpcStatus ofHttp(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> INTERNAL;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> UNIMPLEMENTED;
            case 429, 502, 503, 504 -> UNAVAILABLE;
            default -> UNKNOWN;
        };
    }

    /** The status a Tern failure goes out with. */
    public static GrpcStatus of(RpcStatus status) {
        return switch (status) {
            case TIMEOUT -> DEADLINE_EXCEEDED;
            case NETWORK, NO_PROVIDER, DESTROYED -> UNAVAILABLE;
            case SERIALIZATION, INTERNAL -> INTERNAL;
            case SERVICE_NOT_FOUND, METHOD_NOT_FOUND -> UNIMPLEMENTED;
            case SERVICE_ERROR -> UNKNOWN;
            case SERVER_BUSY, LIMIT_EXCEEDED -> RESOURCE_EXHAUSTED;
            case FORBIDDEN -> PERMISSION_DENIED;
            case BAD_REQUEST -> INVALID_ARGUMENT;
            case CANCELLED -> CANCELLED;
        };
    }

    /** The Tern failure a gRPC status arrives as. */
    public RpcStatus toRpcStatus() {
        return switch (this) {
            case DEADLINE_EXCEEDED -> RpcStatus.TIMEOUT;
            case UNAVAILABLE -> RpcStatus.NETWORK;
            case CANCELLED -> RpcStatus.CANCELLED;
            case UNIMPLEMENTED, NOT_FOUND -> RpcStatus.SERVICE_NOT_FOUND;
            case RESOURCE_EXHAUSTED -> RpcStatus.SERVER_BUSY;
            case PERMISSION_DENIED, UNAUTHENTICATED -> RpcStatus.FORBIDDEN;
            case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> RpcStatus.BAD_REQUEST;
            case INTERNAL, DATA_LOSS -> RpcStatus.INTERNAL;
            case UNKNOWN, ALREADY_EXISTS, ABORTED, OK -> RpcStatus.SERVICE_ERROR;
        };
    }

    /**
     * A {@code grpc-message} value: the UTF-8 bytes of {@code message}, printable ASCII other than
     * {@code %} as itself and every other byte as {@code %XX}.
     */
    public static String encodeMessage(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = null;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = b >= 0x20 && b <= 0x7e && b != '%';
            if (out == null) {
                if (plain) {
                    continue;
                }
                out = new StringBuilder(bytes.length + 16);
                for (int j = 0; j < i; j++) {
                    out.append((char) bytes[j]);
                }
            }
            if (plain) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        return out == null ? message : out.toString();
    }

    /** The text of a {@code grpc-message} value; a {@code %} not followed by two hex digits stays as it is. */
    public static String decodeMessage(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        int i = 0;
        while (i < value.length()) {
            int high = escaped(value, i);
            if (high >= 0) {
                run.write(high);
                i += 3;
                continue;
            }
            if (run.size() > 0) {
                out.append(run.toString(StandardCharsets.UTF_8));
                run.reset();
            }
            out.append(value.charAt(i++));
        }
        if (run.size() > 0) {
            out.append(run.toString(StandardCharsets.UTF_8));
        }
        return out.toString();
    }

    /** The byte a {@code %XX} at {@code i} stands for, or -1 when there is none. */
    private static int escaped(String value, int i) {
        if (value.charAt(i) != '%' || i + 2 >= value.length()) {
            return -1;
        }
        int high = Character.digit(value.charAt(i + 1), 16);
        int low = Character.digit(value.charAt(i + 2), 16);
        return high < 0 || low < 0 ? -1 : high << 4 | low;
    }
}
