package io.tern.transport;

/**
 * What a {@link DubboProtocol} holds now, read live: for operators, metrics, and the lifecycle
 * tests that check every container returns to where it started.
 */
public interface DubboProtocolStats {

    /** Open ports. */
    int serverCount();

    /** Provider addresses with open shared clients. */
    int clientCount();

    /** Services exported and not yet unexported. */
    int exportedCount();

    /** Invokers referred and not yet closed. */
    int referredCount();

    /** Two-way calls waiting for an answer, over all connections. */
    int pendingCalls();

    /** Connections this protocol's clients have made so far, reconnections included. */
    long connectionsOpened();

    /** Connections open now on this protocol's servers. */
    int acceptedConnections();

    /** Calls this protocol's servers have accepted and not yet answered. */
    int serverCallsInFlight();

    /** Server pool workers running a call now, over all ports. */
    int serverPoolActive();

    /** Calls waiting for a server pool worker, over all ports. */
    int serverPoolQueued();
}
