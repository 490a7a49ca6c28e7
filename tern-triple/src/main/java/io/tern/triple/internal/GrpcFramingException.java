package io.tern.triple.internal;

import io.tern.triple.GrpcStatus;

/** A gRPC message that cannot be read: the status to answer with, and a message naming what was wrong. */
public final class GrpcFramingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final GrpcStatus status;

    public GrpcFramingException(GrpcStatus status, String message) {
        super(message);
        this.status = status;
    }

    public GrpcStatus status() {
        return status;
    }
}
