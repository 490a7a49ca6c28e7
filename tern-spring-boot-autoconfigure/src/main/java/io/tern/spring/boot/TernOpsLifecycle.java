package io.tern.spring.boot;

import io.tern.ops.OpsServer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The operations endpoint ({@code tern.ops.port}) on 127.0.0.1, over the whole application: its
 * services and its references. Starts before the server and stops after it, so an operator sees
 * the server come and go.
 */
public final class TernOpsLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TernOpsLifecycle.class);

    private final TernApplicationState state;
    private final int port;
    private volatile @Nullable OpsServer ops;

    public TernOpsLifecycle(TernApplicationState state, int port) {
        this.state = state;
        this.port = port;
    }

    @Override
    public synchronized void start() {
        if (ops == null) {
            OpsServer started = OpsServer.start(state, port);
            ops = started;
            log.info("tern: operations on {}", started.uri());
        }
    }

    @Override
    public synchronized void stop() {
        OpsServer running = ops;
        ops = null;
        if (running != null) {
            running.close();
        }
    }

    @Override
    public boolean isRunning() {
        return ops != null;
    }

    @Override
    public int getPhase() {
        return TernServerLifecycle.PHASE - 1;
    }

    /** The endpoint while it runs, else {@code null}. */
    public @Nullable OpsServer ops() {
        return ops;
    }
}
