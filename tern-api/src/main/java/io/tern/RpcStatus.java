package io.tern;

/** Why a call failed. Each {@link RpcException} carries one. */
public enum RpcStatus {
    /** The call did not complete within its timeout. */
    TIMEOUT,
    /** The connection failed, closed, or could not be made. */
    NETWORK,
    /** A value could not be serialized or deserialized. */
    SERIALIZATION,
    /** No exported service matches the call's service key. */
    SERVICE_NOT_FOUND,
    /** The service exists but has no method matching the call's name and parameter types. */
    METHOD_NOT_FOUND,
    /** The service itself failed in a way that is not an exception it declared. */
    SERVICE_ERROR,
    /** The provider had no capacity left to run the call. */
    SERVER_BUSY,
    /** The invoker, exporter or protocol was destroyed before the call started. */
    DESTROYED,
    /** The call was refused by policy (an access check, a refused class). */
    FORBIDDEN,
    /** A configured limit (payload size, queue length) was exceeded. */
    LIMIT_EXCEEDED,
    /** The request was malformed. */
    BAD_REQUEST,
    /** No provider was available to take the call. */
    NO_PROVIDER,
    /** The call was cancelled: by its caller, or its stream was reset. */
    CANCELLED,
    /** A failure that fits no other status; the message says what happened. */
    INTERNAL
}
