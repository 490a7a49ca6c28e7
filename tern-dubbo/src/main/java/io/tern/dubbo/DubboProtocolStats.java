package io.tern.dubbo;

import io.tern.core.ProtocolStats;

/**
 * What a {@link DubboProtocol} holds now, read live: for operators, metrics, and the lifecycle
 * tests that check every container returns to where it started.
 */
public interface DubboProtocolStats extends ProtocolStats {

    @Override
    default String protocol() {
        return "dubbo";
    }
}
