package io.tern;

import static java.util.Objects.requireNonNull;

/**
 * A provider's exception as generic calls carry it: its class name and message, so that a
 * consumer without the provider's classes still learns what went wrong. Providers answer
 * {@link GenericService#$invoke} failures with it, as Apache Dubbo does with its own.
 */
public final class GenericException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String exceptionClass;
    private final String exceptionMessage;

    public GenericException(String exceptionClass, String exceptionMessage) {
        super(exceptionClass + ": " + exceptionMessage);
        this.exceptionClass = requireNonNull(exceptionClass, "exceptionClass");
        this.exceptionMessage = requireNonNull(exceptionMessage, "exceptionMessage");
    }

    /**
     * The generic form of {@code thrown}. It does not keep {@code thrown} as its cause: the
     * consumer may not have that class, which is the point.
     */
    public static GenericException of(Throwable thrown) {
        GenericException e = new GenericException(thrown.getClass().getName(),
                thrown.getMessage() == null ? "" : thrown.getMessage());
        e.setStackTrace(thrown.getStackTrace());
        return e;
    }

    /** The provider's exception class name. */
    public String exceptionClass() {
        return exceptionClass;
    }

    /** The provider's exception message. */
    public String exceptionMessage() {
        return exceptionMessage;
    }
}
