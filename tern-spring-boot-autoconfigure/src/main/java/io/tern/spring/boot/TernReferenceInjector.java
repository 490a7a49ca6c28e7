package io.tern.spring.boot;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.PropertyValues;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanDefinitionHolder;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.DependencyDescriptor;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.beans.factory.support.AutowireCandidateResolver;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Injects {@link TernReference} declarations: into fields and setters after a bean is made, and
 * into constructor and {@code @Bean} method parameters as Spring resolves them (through the bean
 * factory's candidate resolver, which it wraps). Each bean that receives a reference is recorded
 * as depending on {@link TernReferences}, so it is destroyed before the references close.
 */
public final class TernReferenceInjector implements BeanFactoryPostProcessor, InstantiationAwareBeanPostProcessor,
        BeanFactoryAware, PriorityOrdered {

    private record Injection(@Nullable Field field, @Nullable Method setter, Class<?> type, TernReference annotation) {
    }

    private final Map<Class<?>, List<Injection>> injections = new ConcurrentHashMap<>();
    private @Nullable ConfigurableListableBeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        if (beanFactory instanceof ConfigurableListableBeanFactory configurable) {
            this.beanFactory = configurable;
        }
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory factory) {
        this.beanFactory = factory;
        if (factory instanceof DefaultListableBeanFactory listable
                && !(listable.getAutowireCandidateResolver() instanceof ParameterResolver)) {
            listable.setAutowireCandidateResolver(new ParameterResolver(listable.getAutowireCandidateResolver(), this));
        }
    }

    @Override
    public PropertyValues postProcessProperties(PropertyValues values, Object bean, String beanName) {
        List<Injection> found = injections.computeIfAbsent(bean.getClass(), TernReferenceInjector::find);
        if (found.isEmpty()) {
            return values;
        }
        for (Injection injection : found) {
            try {
                Object proxy = references(beanName).proxy(injection.type(), injection.annotation());
                if (injection.field() != null) {
                    ReflectionUtils.makeAccessible(injection.field());
                    injection.field().set(bean, proxy);
                } else if (injection.setter() != null) {
                    ReflectionUtils.makeAccessible(injection.setter());
                    injection.setter().invoke(bean, proxy);
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new BeanCreationException(beanName, "@TernReference " + (injection.field() != null
                        ? injection.field() : injection.setter()) + ": " + e.getMessage(), e);
            }
        }
        return values;
    }

    private static List<Injection> find(Class<?> type) {
        List<Injection> found = new ArrayList<>();
        ReflectionUtils.doWithFields(type, field -> {
            TernReference annotation = AnnotatedElementUtils.findMergedAnnotation(field, TernReference.class);
            if (annotation != null) {
                if (Modifier.isStatic(field.getModifiers()) || Modifier.isFinal(field.getModifiers())) {
                    throw new IllegalStateException("@TernReference on " + field
                            + " (expected: an instance field that is not final)");
                }
                found.add(new Injection(field, null, field.getType(), annotation));
            }
        });
        ReflectionUtils.doWithMethods(type, method -> {
            TernReference annotation = AnnotatedElementUtils.findMergedAnnotation(method, TernReference.class);
            if (annotation != null && method.equals(ClassUtils.getMostSpecificMethod(method, type))) {
                if (method.getParameterCount() != 1 || Modifier.isStatic(method.getModifiers())) {
                    throw new IllegalStateException("@TernReference on " + method
                            + " (expected: an instance method taking the reference, a setter)");
                }
                found.add(new Injection(null, method, method.getParameterTypes()[0], annotation));
            }
        });
        return found.isEmpty() ? List.of() : List.copyOf(found);
    }

    /** The references bean; {@code beanName}, when given, is recorded as depending on it. */
    TernReferences references(@Nullable String beanName) {
        ConfigurableListableBeanFactory factory = beanFactory;
        if (factory == null) {
            throw new IllegalStateException("tern: no bean factory to take references from");
        }
        TernReferences references = factory.getBean(TernReferences.BEAN_NAME, TernReferences.class);
        if (beanName != null) {
            factory.registerDependentBean(TernReferences.BEAN_NAME, beanName);
        }
        return references;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 1;
    }

    /**
     * Suggests the reference for a constructor or method parameter that carries
     * {@link TernReference}; everything else goes to the resolver it wraps.
     */
    static final class ParameterResolver implements AutowireCandidateResolver {
        private final AutowireCandidateResolver delegate;
        private final TernReferenceInjector injector;

        ParameterResolver(AutowireCandidateResolver delegate, TernReferenceInjector injector) {
            this.delegate = delegate;
            this.injector = injector;
        }

        @Override
        public @Nullable Object getSuggestedValue(DependencyDescriptor descriptor) {
            TernReference annotation = descriptor.getAnnotation(TernReference.class);
            if (annotation == null) {
                return delegate.getSuggestedValue(descriptor);
            }
            return injector.references(null).proxy(descriptor.getDependencyType(), annotation);
        }

        @Override
        public boolean isAutowireCandidate(BeanDefinitionHolder holder, DependencyDescriptor descriptor) {
            return delegate.isAutowireCandidate(holder, descriptor);
        }

        @Override
        public boolean isRequired(DependencyDescriptor descriptor) {
            return delegate.isRequired(descriptor);
        }

        @Override
        public boolean hasQualifier(DependencyDescriptor descriptor) {
            return delegate.hasQualifier(descriptor);
        }

        @Override
        public @Nullable String getSuggestedName(DependencyDescriptor descriptor) {
            return delegate.getSuggestedName(descriptor);
        }

        @Override
        public @Nullable Object getLazyResolutionProxyIfNecessary(DependencyDescriptor descriptor,
                @Nullable String beanName) {
            return delegate.getLazyResolutionProxyIfNecessary(descriptor, beanName);
        }

        @Override
        public @Nullable Class<?> getLazyResolutionProxyClass(DependencyDescriptor descriptor,
                @Nullable String beanName) {
            return delegate.getLazyResolutionProxyClass(descriptor, beanName);
        }

        @Override
        public AutowireCandidateResolver cloneIfNecessary() {
            return new ParameterResolver(delegate.cloneIfNecessary(), injector);
        }
    }
}
