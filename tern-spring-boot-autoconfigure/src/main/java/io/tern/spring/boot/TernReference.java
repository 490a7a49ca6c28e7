package io.tern.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a reference to a Tern service into a field, a setter, or a constructor or
 * {@code @Bean} method parameter. One reference is made for each distinct declaration (type and
 * attributes) and shared by every injection point that declares the same; all are closed with the
 * application context, after the beans they were injected into.
 */
@Documented
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface TernReference {

    String version() default "";

    String group() default "";

    /** A provider to call directly ({@code dubbo://host:port}); by default providers come from the registry. */
    String url() default "";

    /** Milliseconds a call may take; 0 takes {@code tern.consumer.timeout}, else the provider's advertised one. */
    long timeout() default 0;

    /** How many other providers a failed call is retried on; -1 leaves the default (2). */
    int retries() default -1;

    /** The load balancer by name ({@code random}, {@code roundrobin}, ...); empty leaves the default. */
    String loadbalance() default "";

    /** More URL parameters, each {@code key=value} in Dubbo's names. */
    String[] parameters() default {};

    /** The protocol it calls over, {@code "dubbo"} or {@code "tri"}; empty takes {@code tern.consumer.protocol}. */
    String protocol() default "";
}
