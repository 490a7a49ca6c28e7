package io.tern.spring.boot.actuate;

import io.tern.spring.boot.TernApplicationState;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/tern}: the operations endpoint's {@code /ls} and {@code /lifecycle} in one —
 * services, references with their providers, the registry, and the lifecycle tracker's counts and
 * leaks.
 */
@Endpoint(id = "tern")
public final class TernEndpoint {

    private final TernApplicationState state;

    public TernEndpoint(TernApplicationState state) {
        this.state = state;
    }

    @ReadOperation
    public Map<String, Object> report() {
        return state.report();
    }
}
