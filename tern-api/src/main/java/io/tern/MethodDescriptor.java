package io.tern;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One remotely callable method of a service interface, described once: its name, parameter
 * types and their JVM descriptor ({@code Ljava/lang/String;I}), its result type, whether it
 * answers asynchronously (returns {@link CompletableFuture} or {@link CompletionStage}), and
 * whether it streams ({@link Kind}). Obtained from {@link ServiceDescriptor}; never built per
 * call.
 */
public final class MethodDescriptor {

    /** How a method's messages flow; told from its signature. */
    public enum Kind {
        /** One request, one answer: any signature that is not one of the streaming ones. */
        UNARY,
        /** {@code void m(Req request, StreamObserver<Resp> responses)}: one request, a stream of answers. */
        SERVER_STREAMING,
        /**
         * {@code StreamObserver<Req> m(StreamObserver<Resp> responses)}: a stream each way; client
         * streaming has the same signature (the method answers once, then completes).
         */
        BIDI_STREAMING
    }

    private final Method method;
    private final String name;
    private final Class<?>[] parameterTypes;
    private final List<Class<?>> parameterTypeList;
    private final String parameterDescriptor;
    private final boolean async;
    private final Class<?> resultType;
    private final Type genericResultType;
    private final int index;
    private final Kind kind;
    private final Class<?> requestType;
    private final Class<?> responseType;

    MethodDescriptor(Method method, int index) {
        this.method = method;
        this.index = index;
        this.name = method.getName();
        this.parameterTypes = method.getParameterTypes();
        this.parameterTypeList = List.of(parameterTypes);
        this.parameterDescriptor = descriptorOf(parameterTypes);
        Class<?> returnType = method.getReturnType();
        this.async = returnType == CompletableFuture.class || returnType == CompletionStage.class;
        if (async) {
            Type generic = method.getGenericReturnType();
            Type argument = generic instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            this.genericResultType = argument;
            this.resultType = rawType(argument);
        } else {
            this.resultType = returnType;
            this.genericResultType = method.getGenericReturnType();
        }
        Type[] generic = method.getGenericParameterTypes();
        if (parameterTypes.length == 2 && parameterTypes[1] == StreamObserver.class && returnType == void.class) {
            this.kind = Kind.SERVER_STREAMING;
            this.requestType = parameterTypes[0];
            this.responseType = elementType(generic[1]);
        } else if (parameterTypes.length == 1 && parameterTypes[0] == StreamObserver.class
                && returnType == StreamObserver.class) {
            this.kind = Kind.BIDI_STREAMING;
            this.requestType = elementType(method.getGenericReturnType());
            this.responseType = elementType(generic[0]);
        } else {
            this.kind = Kind.UNARY;
            this.requestType = parameterTypes.length == 1 ? parameterTypes[0] : Object[].class;
            this.responseType = resultType;
        }
    }

    /** {@code T} of a {@code StreamObserver<T>}; Object when the type names none. */
    private static Class<?> elementType(Type observer) {
        return observer instanceof ParameterizedType p ? rawType(p.getActualTypeArguments()[0]) : Object.class;
    }

    private static Class<?> rawType(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return rawType(p.getRawType());
        }
        return Object.class;
    }

    /** The JVM descriptor of parameter types, without parentheses: {@code Ljava/lang/String;I}. */
    public static String descriptorOf(Class<?>... types) {
        StringBuilder sb = new StringBuilder(types.length * 16);
        for (Class<?> type : types) {
            appendDescriptor(sb, requireNonNull(type, "type"));
        }
        return sb.toString();
    }

    /** The JVM descriptor of one type: {@code I}, {@code Ljava/lang/String;}, {@code [J}. */
    public static String descriptorOf(Class<?> type) {
        StringBuilder sb = new StringBuilder(24);
        appendDescriptor(sb, type);
        return sb.toString();
    }

    private static void appendDescriptor(StringBuilder sb, Class<?> type) {
        Class<?> c = type;
        while (c.isArray()) {
            sb.append('[');
            c = c.getComponentType();
        }
        if (c.isPrimitive()) {
            sb.append(primitiveCode(c));
        } else {
            sb.append('L').append(c.getName().replace('.', '/')).append(';');
        }
    }

    private static char primitiveCode(Class<?> c) {
        if (c == int.class) {
            return 'I';
        } else if (c == long.class) {
            return 'J';
        } else if (c == boolean.class) {
            return 'Z';
        } else if (c == byte.class) {
            return 'B';
        } else if (c == char.class) {
            return 'C';
        } else if (c == short.class) {
            return 'S';
        } else if (c == float.class) {
            return 'F';
        } else if (c == double.class) {
            return 'D';
        } else {
            return 'V';
        }
    }

    /** The interface method. */
    public Method method() {
        return method;
    }

    public String name() {
        return name;
    }

    /** The parameter types; the array is shared, do not modify it. */
    Class<?>[] parameterTypeArray() {
        return parameterTypes;
    }

    public List<Class<?>> parameterTypes() {
        return parameterTypeList;
    }

    public int parameterCount() {
        return parameterTypes.length;
    }

    /** The JVM descriptor of the parameter types, as the dubbo protocol sends it. */
    public String parameterDescriptor() {
        return parameterDescriptor;
    }

    /** Whether the method returns {@link CompletableFuture} or {@link CompletionStage}. */
    public boolean isAsync() {
        return async;
    }

    /** The type of the value the call produces: the return type, or {@code T} of an async {@code CompletableFuture<T>}. */
    public Class<?> resultType() {
        return resultType;
    }

    public Type genericResultType() {
        return genericResultType;
    }

    /** Whether the method is unary or streams, told from its signature. */
    public Kind kind() {
        return kind;
    }

    /**
     * The type of each request message: a streaming method's request (server streaming) or the
     * element type of the observer it returns (bidirectional); a unary method's one parameter,
     * or {@code Object[]} when it has none or several.
     */
    public Class<?> requestType() {
        return requestType;
    }

    /**
     * The type of each answer message: the element type of a streaming method's response
     * observer; a unary method's {@link #resultType()}.
     */
    public Class<?> responseType() {
        return responseType;
    }

    /** The position of this method in {@link ServiceDescriptor#methods()}. */
    public int index() {
        return index;
    }

    /** Whether the method declares that it may throw this exception type. */
    public boolean declares(Class<? extends Throwable> exceptionType) {
        for (Class<?> declared : method.getExceptionTypes()) {
            if (declared.isAssignableFrom(exceptionType)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return method.getDeclaringClass().getName() + "." + name + "(" + parameterDescriptor + ")";
    }
}
