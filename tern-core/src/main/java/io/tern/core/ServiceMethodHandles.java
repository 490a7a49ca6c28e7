package io.tern.core;

import io.tern.MethodDescriptor;
import io.tern.ServiceDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;

/**
 * One {@link MethodHandle} per method of a service interface, indexed like
 * {@link ServiceDescriptor#methods()}, each of type {@code (Object, Object[])Object}: the target,
 * then the arguments. Computed once per interface.
 */
final class ServiceMethodHandles {

    private static final MethodType SPREAD = MethodType.methodType(Object.class, Object.class, Object[].class);

    private static final ClassValue<MethodHandle[]> CACHE = new ClassValue<>() {
        @Override
        protected MethodHandle[] computeValue(Class<?> type) {
            List<MethodDescriptor> methods = ServiceDescriptor.of(type).methods();
            MethodHandle[] handles = new MethodHandle[methods.size()];
            for (MethodDescriptor md : methods) {
                handles[md.index()] = spread(md);
            }
            return handles;
        }
    };

    private ServiceMethodHandles() {
    }

    /** The handles of a service interface; the array is shared, do not modify it. */
    static MethodHandle[] of(Class<?> serviceInterface) {
        return CACHE.get(serviceInterface);
    }

    private static MethodHandle spread(MethodDescriptor md) {
        Method method = md.method();
        // Public interfaces need no access override; others in unnamed modules get it.
        method.trySetAccessible();
        try {
            return MethodHandles.lookup().unreflect(method)
                    .asSpreader(Object[].class, md.parameterCount())
                    .asType(SPREAD);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("method " + md + ": not accessible (expected: a public interface)", e);
        }
    }
}
