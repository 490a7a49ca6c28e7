package io.tern.core;

/**
 * What one protocol holds now, read live, in the same terms for every protocol: for operators,
 * metrics (tagged with {@link #protocol()}), and the lifecycle tests that check every container
 * returns to where it started.
 */
public interface ProtocolStats {

    /** The protocol's name, as in its URLs: {@code dubbo}, {@code tri}. */
    String protocol();

    /** Open ports. */
    int serverCount();

    /** Provider addresses with open clients. */
    int clientCount();

    /** Services exported and not yet unexported. */
    int exportedCount();

    /** Invokers referred and not yet closed. */
    int referredCount();

    /** Calls this protocol's clients sent and that wait for an answer, over all connections. */
    int pendingCalls();

    /** Connections this protocol's clients have made so far, reconnections included. */
    long connectionsOpened();

    /** Connections open now on this protocol's servers. */
    int acceptedConnections();

    /** Calls this protocol's servers have accepted and not yet answered. */
    int serverCallsInFlight();

    /** Service threads running a call now, over all ports. */
    int serverPoolActive();

    /** Calls waiting for a service thread, over all ports. */
    int serverPoolQueued();
}
