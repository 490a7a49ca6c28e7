package io.tern;

/**
 * A way of reaching services — in this JVM, or over a network protocol. A protocol owns the
 * exporters and invokers it creates until they are closed; closing the protocol closes those
 * still open.
 */
public interface Protocol extends AsyncCloseable {

    /** The protocol's name, as it appears in URLs ({@code injvm}, {@code dubbo}). */
    String name();

    /**
     * Makes an invoker callable under its URL's service key. The returned exporter owns the
     * invoker from now on.
     *
     * @throws IllegalStateException if the service key is already exported here, or the protocol is closed
     */
    <T> Exporter<T> export(Invoker<T> invoker);

    /**
     * Returns an invoker that calls the service the URL names. The caller owns it and closes it.
     *
     * @throws IllegalStateException if the protocol is closed
     */
    <T> Invoker<T> refer(Class<T> type, ServiceUrl url);
}
