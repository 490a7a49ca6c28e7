package io.tern.core;

import io.tern.ClassPolicy;
import io.tern.GenericException;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Provider-side generic calls: {@code $invoke(method, parameterTypes, args)} finds the method by
 * name and parameter type names, turns generic arguments (maps for POJOs) into the declared
 * types, calls it, and answers the result in generic form: a value as maps, an exception the
 * method threw as a {@link GenericException}. The classes the arguments' {@code "class"} entries
 * name are checked against the class policy before anything loads them.
 */
final class GenericCalls {

    private GenericCalls() {
    }

    static CompletableFuture<Result> invoke(ServiceImplInvoker<?> invoker, ServiceDescriptor descriptor,
            @Nullable Object[] invokeArgs, java.util.Map<String, Object> attachments, ClassPolicy policy) {
        if (!(invokeArgs[0] instanceof String method)) {
            return badRequest("$invoke method name: a " + typeName(invokeArgs[0]) + " (expected: a String)");
        }
        String[] typeNames;
        if (invokeArgs[1] == null) {
            typeNames = null;
        } else if (invokeArgs[1] instanceof String[] names) {
            typeNames = names;
        } else if (invokeArgs[1] instanceof Object[] objects) {
            typeNames = new String[objects.length];
            for (int i = 0; i < objects.length; i++) {
                if (!(objects[i] instanceof String s)) {
                    return badRequest("$invoke parameter type " + i + ": a " + typeName(objects[i])
                            + " (expected: a String)");
                }
                typeNames[i] = s;
            }
        } else {
            return badRequest("$invoke parameter types: a " + typeName(invokeArgs[1]) + " (expected: a String[])");
        }
        @Nullable Object[] args;
        if (invokeArgs[2] == null) {
            args = new Object[0];
        } else if (invokeArgs[2] instanceof Object[] objects) {
            args = objects;
        } else {
            return badRequest("$invoke arguments: a " + typeName(invokeArgs[2]) + " (expected: an Object[])");
        }
        MethodDescriptor md = find(descriptor, method, typeNames, args.length);
        if (md == null) {
            return CompletableFuture.failedFuture(new RpcException(RpcStatus.METHOD_NOT_FOUND,
                    "method: " + method + (typeNames == null ? "" : "(" + String.join(", ", typeNames) + ")")
                            + " with " + args.length + " arguments of " + invoker.url().serviceKey()
                            + " (expected one of: " + ServiceImplInvoker.signatures(descriptor) + ")"));
        }
        Type[] types = md.method().getGenericParameterTypes();
        Object[] realized = new Object[args.length];
        try {
            GenericArguments.check(args, policy);
            for (int i = 0; i < args.length; i++) {
                try {
                    realized[i] = Pojos.realize(args[i], types[i], policy);
                } catch (IllegalArgumentException e) {
                    return badRequest("argument " + (i + 1) + " of " + method + ": " + e.getMessage());
                }
            }
        } catch (RpcException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        return invoker.call(md, realized, attachments).thenApply(result -> {
            Throwable thrown = result.exception();
            return thrown != null ? Result.exception(GenericException.of(thrown)).withAttachments(result.attachments())
                    : Result.value(Pojos.generalize(result.value())).withAttachments(result.attachments());
        });
    }

    private static @Nullable MethodDescriptor find(ServiceDescriptor descriptor, String method,
            String @Nullable [] typeNames, int argCount) {
        List<MethodDescriptor> candidates = new ArrayList<>();
        for (MethodDescriptor md : descriptor.find(method)) {
            if (md.parameterCount() != argCount) {
                continue;
            }
            if (typeNames == null) {
                candidates.add(md);
            } else if (typeNames.length == argCount && namesMatch(md, typeNames)) {
                return md;
            }
        }
        return candidates.size() == 1 ? candidates.get(0) : null;
    }

    private static boolean namesMatch(MethodDescriptor md, String[] typeNames) {
        for (int i = 0; i < typeNames.length; i++) {
            Class<?> type = md.parameterTypes().get(i);
            String name = typeNames[i];
            if (!name.equals(type.getName()) && !name.equals(type.getCanonicalName())
                    && !name.equals(type.getSimpleName())) {
                return false;
            }
        }
        return true;
    }

    private static String typeName(@Nullable Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    private static CompletableFuture<Result> badRequest(String message) {
        return CompletableFuture.failedFuture(new RpcException(RpcStatus.BAD_REQUEST, message));
    }
}
