package io.tern.spring.boot.actuate;

import io.tern.spring.boot.TernApplicationState;
import io.tern.spring.boot.TernHealth;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The {@code tern} health contributor on Spring Boot 4. */
public final class TernHealthIndicator implements HealthIndicator {

    private final TernApplicationState state;

    public TernHealthIndicator(TernApplicationState state) {
        this.state = state;
    }

    @Override
    public Health health() {
        TernHealth health = TernHealth.of(state);
        return (health.up() ? Health.up() : Health.down()).withDetails(health.details()).build();
    }
}
