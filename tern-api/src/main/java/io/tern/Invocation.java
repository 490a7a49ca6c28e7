package io.tern;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * One call: the service it is addressed to, the method (name, parameter types and their JVM
 * descriptor), the arguments, and attachments (string-keyed values that travel with the call,
 * as Dubbo's attachments do).
 *
 * <p>Everything but the attachments is fixed when the invocation is made. Attachments may be
 * added by filters on the way; an invocation belongs to one call and is not shared between
 * threads while that call runs.
 */
public final class Invocation {

    private static final Object[] NO_ARGUMENTS = {};
    private static final Class<?>[] NO_TYPES = {};

    private final ServiceKey serviceKey;
    private final String methodName;
    private final Class<?>[] parameterTypes;
    private final String parameterDescriptor;
    private final Object[] arguments;
    private final @Nullable MethodDescriptor method;
    private @Nullable Map<String, Object> attachments;
    private @Nullable Executor callerExecutor;
    private @Nullable ClassPolicy classPolicy;

    private Invocation(ServiceKey serviceKey, String methodName, Class<?>[] parameterTypes, String parameterDescriptor,
            Object[] arguments, @Nullable MethodDescriptor method, @Nullable Map<String, Object> attachments) {
        this.serviceKey = serviceKey;
        this.methodName = methodName;
        this.parameterTypes = parameterTypes;
        this.parameterDescriptor = parameterDescriptor;
        this.arguments = arguments;
        this.method = method;
        this.attachments = attachments;
    }

    /**
     * An invocation of a described method; the fast path used by proxies. The arguments array
     * is taken as it is, not copied.
     */
    public static Invocation of(ServiceKey serviceKey, MethodDescriptor method, @Nullable Object @Nullable [] arguments) {
        requireNonNull(serviceKey, "serviceKey");
        requireNonNull(method, "method");
        Object[] args = arguments == null ? NO_ARGUMENTS : arguments;
        if (args.length != method.parameterCount()) {
            throw new IllegalArgumentException("arguments: " + args.length + " for " + method
                    + " (expected: " + method.parameterCount() + ")");
        }
        return new Invocation(serviceKey, method.name(), method.parameterTypeArray(), method.parameterDescriptor(),
                args, method, null);
    }

    /**
     * An invocation known only by name and types, such as a decoded request or a generic call.
     * The arrays are taken as they are, not copied.
     */
    public static Invocation of(ServiceKey serviceKey, String methodName, Class<?>[] parameterTypes,
            @Nullable Object @Nullable [] arguments) {
        requireNonNull(serviceKey, "serviceKey");
        requireNonNull(methodName, "methodName");
        requireNonNull(parameterTypes, "parameterTypes");
        Object[] args = arguments == null ? NO_ARGUMENTS : arguments;
        if (args.length != parameterTypes.length) {
            throw new IllegalArgumentException("arguments: " + args.length + " for " + methodName
                    + " (expected: " + parameterTypes.length + ")");
        }
        return new Invocation(serviceKey, methodName, parameterTypes.length == 0 ? NO_TYPES : parameterTypes,
                MethodDescriptor.descriptorOf(parameterTypes), args, null, null);
    }

    public ServiceKey serviceKey() {
        return serviceKey;
    }

    public String methodName() {
        return methodName;
    }

    /** The parameter types; the array is shared with the invocation, do not modify it. */
    public Class<?>[] parameterTypes() {
        return parameterTypes;
    }

    /** The JVM descriptor of the parameter types: {@code Ljava/lang/String;I}, {@code ""} for none. */
    public String parameterDescriptor() {
        return parameterDescriptor;
    }

    /** The arguments; the array is shared with the invocation. */
    public @Nullable Object[] arguments() {
        return arguments;
    }

    /** The described method when the caller knew it (proxies do), else {@code null}. */
    public @Nullable MethodDescriptor method() {
        return method;
    }

    public @Nullable Object attachment(String key) {
        Map<String, Object> map = attachments;
        return map == null ? null : map.get(key);
    }

    /** The attachment as a string, or {@code null} when absent or not a string. */
    public @Nullable String stringAttachment(String key) {
        return attachment(key) instanceof String s ? s : null;
    }

    public Invocation setAttachment(String key, Object value) {
        requireNonNull(key, "key");
        requireNonNull(value, "value");
        Map<String, Object> map = attachments;
        if (map == null) {
            map = new HashMap<>(8);
            attachments = map;
        }
        map.put(key, value);
        return this;
    }

    /**
     * Makes {@code values} this invocation's attachments, as they are: the map is taken, not
     * copied, so it must be mutable and held by no one else (a decoded request's own map). An
     * invocation that has attachments already gets {@code values} added to them instead.
     */
    public Invocation adoptAttachments(Map<String, Object> values) {
        requireNonNull(values, "values");
        if (attachments == null) {
            attachments = values;
            return this;
        }
        return setAttachments(values);
    }

    public Invocation setAttachments(Map<String, ?> values) {
        values.forEach(this::setAttachment);
        return this;
    }

    public @Nullable Object removeAttachment(String key) {
        Map<String, Object> map = attachments;
        return map == null ? null : map.remove(key);
    }

    /**
     * The executor of the thread waiting for this call's result, or {@code null} when no thread
     * waits for it (an asynchronous call). A transport may read the answer and complete the call
     * there rather than on its I/O thread. Such an executor runs every task it is given, on the
     * submitting thread once its own has stopped waiting.
     */
    public @Nullable Executor callerExecutor() {
        return callerExecutor;
    }

    /** Sets the executor of the thread that will wait for this call, or {@code null} for none. */
    public Invocation setCallerExecutor(@Nullable Executor executor) {
        this.callerExecutor = executor;
        return this;
    }

    /**
     * The class policy of the protocol that read this call from a peer, or {@code null} for a call
     * made in this process. A provider that turns the call's generic arguments into objects
     * ({@code $invoke}) consults it before loading a class the arguments name.
     */
    public @Nullable ClassPolicy classPolicy() {
        return classPolicy;
    }

    /** Sets the class policy the call's arguments were read under; a protocol's server sets it. */
    public Invocation setClassPolicy(@Nullable ClassPolicy policy) {
        this.classPolicy = policy;
        return this;
    }

    /** A read-only view of the attachments. */
    public Map<String, Object> attachments() {
        Map<String, Object> map = attachments;
        return map == null ? Map.of() : Collections.unmodifiableMap(map);
    }

    @Override
    public String toString() {
        return "Invocation[" + serviceKey + "#" + methodName + "(" + parameterDescriptor + ")"
                + ", attachments=" + attachments().keySet() + "]";
    }

    /** The argument types' names, for messages. */
    public List<String> parameterTypeNames() {
        return java.util.Arrays.stream(parameterTypes).map(Class::getName).toList();
    }
}
