package io.tern.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/** Exports the application's {@link TernService} beans through a Tern server. */
@AutoConfiguration
@EnableConfigurationProperties(TernProperties.class)
public class TernAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public TernServerLifecycle ternServerLifecycle(ApplicationContext context, TernProperties properties) {
        return new TernServerLifecycle(context, properties);
    }
}
