package io.tern;

/**
 * A service made callable through a protocol. The exporter owns the invoker it exports:
 * closing it (unexporting) removes the service from the protocol and closes that invoker.
 *
 * @param <T> the service interface
 */
public interface Exporter<T> extends AsyncCloseable {

    /** The exported invoker. */
    Invoker<T> invoker();

    /** The URL under which the service is exported. */
    default ServiceUrl url() {
        return invoker().url();
    }

    /** Whether {@link #close()} has started. */
    boolean isUnexported();
}
