package io.tern.spring.boot.actuate;

import io.tern.spring.boot.TernApplicationState;
import io.tern.spring.boot.TernHealth;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The {@code tern} health contributor on Spring Boot 3.5. */
public final class TernBoot3HealthIndicator implements HealthIndicator {

    private final TernApplicationState state;

    public TernBoot3HealthIndicator(TernApplicationState state) {
        this.state = state;
    }

    @Override
    public Health health() {
        TernHealth health = TernHealth.of(state);
        return (health.up() ? Health.up() : Health.down()).withDetails(health.details()).build();
    }
}
