package io.tern;

import org.jspecify.annotations.Nullable;

/**
 * A provider's exception as generic calls carry it: its class name and message, so that a
 * consumer without the provider's classes still learns what went wrong. Providers answer
 * {@link GenericService#$invoke} failures with it, as Apache Dubbo does with its own; on the wire
 * it is Dubbo's {@code com.alibaba.dubbo.rpc.service.GenericException}, so each side reads the
 * other's.
 */
public final class GenericException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    // Not final: deserialization sets them after construction.
    private String exceptionClass;
    private String exceptionMessage;

    public GenericException(@Nullable String exceptionClass, @Nullable String exceptionMessage) {
        this.exceptionClass = exceptionClass == null ? "" : exceptionClass;
        this.exceptionMessage = exceptionMessage == null ? "" : exceptionMessage;
    }

    /** The generic form of {@code thrown}; not its cause, whose class the consumer may not have. */
    public static GenericException of(Throwable thrown) {
        GenericException e = new GenericException(thrown.getClass().getName(), thrown.getMessage());
        e.setStackTrace(thrown.getStackTrace());
        return e;
    }

    /** The provider's exception class name. */
    public String exceptionClass() {
        return exceptionClass == null ? "" : exceptionClass;
    }

    /** The provider's exception message. */
    public String exceptionMessage() {
        return exceptionMessage == null ? "" : exceptionMessage;
    }

    @Override
    public String getMessage() {
        return exceptionClass() + ": " + exceptionMessage();
    }
}
