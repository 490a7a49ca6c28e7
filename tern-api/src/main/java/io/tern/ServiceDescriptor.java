package io.tern;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The callable methods of a service interface, computed once per interface and cached for the
 * life of the class. Lookups by name and descriptor (decoded requests) or by {@link Method}
 * (proxies) build no strings.
 */
public final class ServiceDescriptor {

    private static final ClassValue<ServiceDescriptor> CACHE = new ClassValue<>() {
        @Override
        protected ServiceDescriptor computeValue(Class<?> type) {
            return new ServiceDescriptor(type);
        }
    };

    private final Class<?> serviceInterface;
    private final List<MethodDescriptor> methods;
    private final Map<String, MethodDescriptor[]> byName;
    private final Map<Method, MethodDescriptor> byMethod;

    private ServiceDescriptor(Class<?> serviceInterface) {
        this.serviceInterface = serviceInterface;
        Method[] candidates = serviceInterface.getMethods();
        // A stable order (name, then descriptor) so indexes mean the same thing in every JVM.
        Arrays.sort(candidates, Comparator.comparing(Method::getName)
                .thenComparing(m -> MethodDescriptor.descriptorOf(m.getParameterTypes())));
        List<MethodDescriptor> list = new ArrayList<>();
        Map<String, List<MethodDescriptor>> names = new LinkedHashMap<>();
        Map<Method, MethodDescriptor> methodMap = new HashMap<>();
        for (Method m : candidates) {
            if (Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String descriptor = MethodDescriptor.descriptorOf(m.getParameterTypes());
            MethodDescriptor existing = find(names, m.getName(), descriptor);
            if (existing != null) {
                // The same signature inherited twice (e.g. from two super-interfaces): one method.
                methodMap.put(m, existing);
                continue;
            }
            MethodDescriptor md = new MethodDescriptor(m, list.size());
            list.add(md);
            names.computeIfAbsent(m.getName(), k -> new ArrayList<>(1)).add(md);
            methodMap.put(m, md);
        }
        this.methods = List.copyOf(list);
        Map<String, MethodDescriptor[]> arrays = new HashMap<>();
        names.forEach((name, overloads) -> arrays.put(name, overloads.toArray(new MethodDescriptor[0])));
        this.byName = Map.copyOf(arrays);
        this.byMethod = Map.copyOf(methodMap);
    }

    private static @Nullable MethodDescriptor find(Map<String, List<MethodDescriptor>> names, String name,
            String descriptor) {
        List<MethodDescriptor> overloads = names.get(name);
        if (overloads != null) {
            for (MethodDescriptor md : overloads) {
                if (md.parameterDescriptor().equals(descriptor)) {
                    return md;
                }
            }
        }
        return null;
    }

    /**
     * Returns the descriptor of a service interface.
     *
     * @throws IllegalArgumentException if {@code serviceInterface} is not an interface
     */
    public static ServiceDescriptor of(Class<?> serviceInterface) {
        requireNonNull(serviceInterface, "serviceInterface");
        if (!serviceInterface.isInterface()) {
            throw new IllegalArgumentException("serviceInterface: " + serviceInterface.getName()
                    + " (expected: an interface)");
        }
        return CACHE.get(serviceInterface);
    }

    public Class<?> serviceInterface() {
        return serviceInterface;
    }

    /** Every callable method, sorted by name and then descriptor. */
    public List<MethodDescriptor> methods() {
        return methods;
    }

    /** The method with this name and parameter descriptor, or {@code null}. */
    public @Nullable MethodDescriptor find(String name, String parameterDescriptor) {
        MethodDescriptor[] overloads = byName.get(name);
        if (overloads != null) {
            for (MethodDescriptor md : overloads) {
                if (md.parameterDescriptor().equals(parameterDescriptor)) {
                    return md;
                }
            }
        }
        return null;
    }

    /** The overloads with this name; empty when none. */
    public List<MethodDescriptor> find(String name) {
        MethodDescriptor[] overloads = byName.get(name);
        return overloads == null ? List.of() : List.of(overloads);
    }

    /** The descriptor of an interface method (as a proxy receives it), or {@code null}. */
    public @Nullable MethodDescriptor find(Method method) {
        return byMethod.get(method);
    }

    /** The distinct method names, sorted, as Dubbo registers them in {@code methods}. */
    public List<String> methodNames() {
        return byName.keySet().stream().sorted().toList();
    }

    @Override
    public String toString() {
        return "ServiceDescriptor[" + serviceInterface.getName() + ", " + methods.size() + " methods]";
    }
}
