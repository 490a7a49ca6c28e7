package io.tern.dubbo;

import io.tern.RpcStatus;

/** The status byte of a dubbo response, and how it maps to {@link RpcStatus}. */
enum WireStatus {
    OK(20, RpcStatus.INTERNAL),
    SERIALIZATION_ERROR(25, RpcStatus.SERIALIZATION),
    CLIENT_TIMEOUT(30, RpcStatus.TIMEOUT),
    SERVER_TIMEOUT(31, RpcStatus.TIMEOUT),
    CHANNEL_INACTIVE(35, RpcStatus.NETWORK),
    BAD_REQUEST(40, RpcStatus.BAD_REQUEST),
    BAD_RESPONSE(50, RpcStatus.SERIALIZATION),
    SERVICE_NOT_FOUND(60, RpcStatus.SERVICE_NOT_FOUND),
    SERVICE_ERROR(70, RpcStatus.SERVICE_ERROR),
    SERVER_ERROR(80, RpcStatus.INTERNAL),
    CLIENT_ERROR(90, RpcStatus.INTERNAL),
    SERVER_THREADPOOL_EXHAUSTED(100, RpcStatus.SERVER_BUSY);

    private static final WireStatus[] BY_CODE = new WireStatus[128];

    static {
        for (WireStatus s : values()) {
            BY_CODE[s.code] = s;
        }
    }

    final byte code;
    final RpcStatus rpcStatus;

    WireStatus(int code, RpcStatus rpcStatus) {
        this.code = (byte) code;
        this.rpcStatus = rpcStatus;
    }

    /** The status of a code, or {@link #SERVER_ERROR} for a code no peer should send. */
    static WireStatus of(byte code) {
        WireStatus s = code >= 0 ? BY_CODE[code] : null;
        return s == null ? SERVER_ERROR : s;
    }

    /** The status a provider answers a failed call with. */
    static WireStatus forFailure(RpcStatus status) {
        return switch (status) {
            case TIMEOUT -> SERVER_TIMEOUT;
            case SERVICE_NOT_FOUND -> SERVICE_NOT_FOUND;
            case METHOD_NOT_FOUND, BAD_REQUEST, FORBIDDEN -> BAD_REQUEST;
            case SERVER_BUSY -> SERVER_THREADPOOL_EXHAUSTED;
            case SERIALIZATION, LIMIT_EXCEEDED -> BAD_RESPONSE;
            case SERVICE_ERROR -> SERVICE_ERROR;
            default -> SERVER_ERROR;
        };
    }
}
