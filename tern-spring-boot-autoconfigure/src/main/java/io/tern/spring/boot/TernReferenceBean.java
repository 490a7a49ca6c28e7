package io.tern.spring.boot;

import static java.util.Objects.requireNonNull;

import io.tern.bootstrap.Reference;
import io.tern.bootstrap.ReferenceOptions;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanNameAware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;

/**
 * A reference declared as a {@code @Bean}, so the service interface can be injected like any
 * bean and the reference configured in code:
 *
 * <pre>{@code
 * @Bean
 * TernReferenceBean<UserService> userService() {
 *     return TernReferenceBean.of(UserService.class, r -> r.version("1.0.0").retries(0));
 * }
 * }</pre>
 *
 * The reference is made when the bean is first wanted and closed when the bean is destroyed.
 *
 * @param <T> the service interface
 */
public final class TernReferenceBean<T> implements FactoryBean<T>, BeanFactoryAware, BeanNameAware, DisposableBean {

    private final Class<T> type;
    private final Consumer<ReferenceOptions> configure;
    private @Nullable BeanFactory beanFactory;
    private @Nullable String beanName;
    private volatile @Nullable Reference<T> reference;

    private TernReferenceBean(Class<T> type, Consumer<ReferenceOptions> configure) {
        this.type = type;
        this.configure = configure;
    }

    public static <T> TernReferenceBean<T> of(Class<T> type) {
        return of(type, options -> { });
    }

    /**
     * A reference to the service {@code type}, configured by {@code configure}.
     *
     * @throws IllegalArgumentException when {@code type} is not an interface
     */
    public static <T> TernReferenceBean<T> of(Class<T> type, Consumer<ReferenceOptions> configure) {
        requireNonNull(type, "type");
        requireNonNull(configure, "configure");
        if (!type.isInterface()) {
            throw new IllegalArgumentException("TernReferenceBean.of(" + type.getName()
                    + ") (expected: a service interface)");
        }
        return new TernReferenceBean<>(type, configure);
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void setBeanName(String name) {
        this.beanName = name;
    }

    @Override
    public synchronized T getObject() {
        Reference<T> made = reference;
        if (made == null) {
            BeanFactory factory = beanFactory;
            if (factory == null) {
                throw new IllegalStateException("TernReferenceBean<" + type.getName()
                        + ">: not a bean (expected: returned from a @Bean method)");
            }
            TernReferences references = factory.getBean(TernReferences.BEAN_NAME, TernReferences.class);
            if (factory instanceof ConfigurableBeanFactory configurable && beanName != null) {
                // destroyed, and its reference closed, before the client the reference came from
                configurable.registerDependentBean(TernReferences.BEAN_NAME, beanName);
            }
            made = references.reference(type, configure);
            reference = made;
        }
        return made.get();
    }

    /** The reference, once the bean has been wanted; else {@code null}. */
    public @Nullable Reference<T> reference() {
        return reference;
    }

    @Override
    public Class<T> getObjectType() {
        return type;
    }

    @Override
    public void destroy() {
        Reference<T> made = reference;
        if (made != null) {
            made.close();
        }
    }
}
