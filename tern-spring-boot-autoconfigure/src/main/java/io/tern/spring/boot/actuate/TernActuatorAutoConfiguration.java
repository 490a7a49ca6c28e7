package io.tern.spring.boot.actuate;

import io.tern.spring.boot.TernApplicationState;
import io.tern.spring.boot.TernAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With the actuator present: {@code /actuator/tern} (when exposed), and the {@code tern} health
 * contributor of whichever Spring Boot line runs — Boot 4's health API or Boot 3.5's, each
 * guarded by its own classes.
 */
@AutoConfiguration(after = TernAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(TernApplicationState.class)
public final class TernActuatorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public TernEndpoint ternEndpoint(TernApplicationState state) {
        return new TernEndpoint(state);
    }

    /** Spring Boot 4: {@code org.springframework.boot.health.contributor}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    public static final class Boot4Health {
        @Bean
        @ConditionalOnMissingBean(name = "ternHealthIndicator")
        public TernHealthIndicator ternHealthIndicator(TernApplicationState state) {
            return new TernHealthIndicator(state);
        }
    }

    /** Spring Boot 3.5: {@code org.springframework.boot.actuate.health}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    public static final class Boot3Health {
        @Bean
        @ConditionalOnMissingBean(name = "ternHealthIndicator")
        public TernBoot3HealthIndicator ternHealthIndicator(TernApplicationState state) {
            return new TernBoot3HealthIndicator(state);
        }
    }
}
