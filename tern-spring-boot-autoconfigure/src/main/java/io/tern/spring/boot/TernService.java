package io.tern.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exports a Spring bean as a Tern service: put it on the implementation class, or on the
 * {@code @Bean} method that makes the bean. The service
 * interface is the bean's only interface unless {@link #interfaceClass} names one. The service
 * is exported, and registered, once the application context is refreshed, and unregistered and
 * drained first when it closes.
 */
@Documented
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface TernService {

    /** The interface to export; by default the implementation's only interface. */
    Class<?> interfaceClass() default void.class;

    String version() default "";

    String group() default "";

    /** Milliseconds a provider-side timeout advertises to consumers; 0 leaves the default. */
    long timeout() default 0;

    /** The provider's load-balancing weight advertised to consumers; 0 leaves the default. */
    int weight() default 0;

    /**
     * Token authentication, as Dubbo's {@code token}: {@code "true"} for a random token registered
     * with the provider's URL, or the token itself; empty for none.
     */
    String token() default "";

    /** More URL parameters, each {@code key=value} in Dubbo's names ({@code retries=0}, {@code loadbalance=...}). */
    String[] parameters() default {};

    /**
     * The protocols it is exported over: {@code "dubbo"}, {@code "tri"} (Triple: gRPC clients,
     * Dubbo's Triple consumers, JSON over HTTP/1.1) or {@code "dubbo,tri"}; empty takes
     * {@code tern.protocol.name}, except that a service whose methods take protobuf messages goes
     * over Triple, the one protocol that carries them.
     */
    String protocol() default "";
}
