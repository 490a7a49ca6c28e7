package io.tern.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.registry.Registries;
import io.tern.registry.Registry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Tern in a Spring Boot application: {@link TernService} beans exported once the context is
 * refreshed, {@link TernReference} declarations injected, one registry shared by both sides, the
 * operations endpoint when {@code tern.ops.port} is set, and the application's
 * {@link MeterRegistry} and {@link ObservationRegistry} when it has them.
 */
@AutoConfiguration
@EnableConfigurationProperties(TernProperties.class)
public final class TernAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public TernSettings ternSettings(TernProperties properties, Environment environment) {
        return TernSettings.resolve(properties, environment);
    }

    /** The global tracker, or one of {@code tern.lifecycle.level}'s level. */
    @Bean
    @ConditionalOnMissingBean
    public LifecycleTracker ternLifecycleTracker(TernSettings settings) {
        TrackerLevel level = settings.trackerLevel();
        return level == null ? LifecycleTracker.global() : LifecycleTracker.create(level, 16, 2);
    }

    /** The registry both sides use, closed after both. */
    @Bean
    @ConditionalOnMissingBean
    @Conditional(RegistryConfigured.class)
    public Registry ternRegistry(TernSettings settings, LifecycleTracker tracker) {
        ServiceUrl url = settings.registry();
        if (url == null) {
            throw new IllegalStateException("tern.registry.address: none (expected: zookeeper://, embedded:// or injvm://)");
        }
        return Registries.connect(url, tracker);
    }

    @Bean(TernReferences.BEAN_NAME)
    @ConditionalOnMissingBean
    public TernReferences ternReferences(TernSettings settings, LifecycleTracker tracker,
            ObjectProvider<Registry> registry, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<ObservationRegistry> observations) {
        return new TernReferences(settings, tracker, registry, meters, observations);
    }

    @Bean
    public static TernReferenceInjector ternReferenceInjector() {
        return new TernReferenceInjector();
    }

    @Bean
    @ConditionalOnMissingBean
    public TernServerLifecycle ternServerLifecycle(ApplicationContext context, TernSettings settings,
            LifecycleTracker tracker, ObjectProvider<Registry> registry, ObjectProvider<MeterRegistry> meters,
            ObjectProvider<ObservationRegistry> observations) {
        return new TernServerLifecycle(context, settings, tracker, registry, meters, observations);
    }

    @Bean
    @ConditionalOnMissingBean
    public TernApplicationState ternApplicationState(TernServerLifecycle server, TernReferences references,
            ObjectProvider<Registry> registry, LifecycleTracker tracker, ObjectProvider<MeterRegistry> meters) {
        return new TernApplicationState(server, references, registry, tracker, meters);
    }

    @Bean
    @ConditionalOnMissingBean
    @Conditional(OpsConfigured.class)
    public TernOpsLifecycle ternOpsLifecycle(TernApplicationState state, TernSettings settings) {
        Integer port = settings.opsPort();
        return new TernOpsLifecycle(state, port == null ? 0 : port);
    }

    /** A registry address under {@code tern.registry.address} or, for migration, {@code dubbo.registry.address}. */
    static final class RegistryConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return TernSettings.hasRegistry(context.getEnvironment());
        }
    }

    static final class OpsConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return context.getEnvironment().containsProperty("tern.ops.port");
        }
    }
}
