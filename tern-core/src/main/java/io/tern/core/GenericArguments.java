package io.tern.core;

import io.tern.ClassPolicy;
import io.tern.GenericService;
import io.tern.RpcException;
import io.tern.RpcStatus;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks the classes a generic call's arguments name before the service sees them: a map's
 * {@code "class"} entry chooses the class a POJO is made of, so each one must be a class the
 * policy allows, and is refused before anything loads it. Walks the decoded values once,
 * without recursion, visiting each shared value once (back-references can make cycles). A
 * protocol's server checks on its I/O thread, before it queues the call; the provider checks again
 * where it loads the classes.
 */
public final class GenericArguments {

    private GenericArguments() {
    }

    /** Whether a call is a generic one whose arguments travel as maps. */
    public static boolean isGenericCall(String methodName) {
        return GenericService.INVOKE.equals(methodName) || GenericService.INVOKE_ASYNC.equals(methodName);
    }

    /**
     * Checks every {@code "class"} entry among the arguments.
     *
     * @throws RpcException {@link RpcStatus#FORBIDDEN} naming the first refused class
     */
    public static void check(@Nullable Object @Nullable [] arguments, ClassPolicy policy) {
        if (arguments == null) {
            return;
        }
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object> pending = new ArrayDeque<>();
        push(pending, arguments);
        while (!pending.isEmpty()) {
            Object value = pending.pop();
            if (!seen.add(value)) {
                continue;
            }
            if (value instanceof Map<?, ?> map) {
                if (map.get(Pojos.CLASS_KEY) instanceof String name) {
                    policy.check(name);
                }
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    push(pending, e.getKey());
                    push(pending, e.getValue());
                }
            } else if (value instanceof Collection<?> collection) {
                for (Object item : collection) {
                    push(pending, item);
                }
            } else if (value instanceof Object[] array) {
                for (Object item : array) {
                    push(pending, item);
                }
            }
        }
    }

    private static void push(ArrayDeque<Object> pending, @Nullable Object value) {
        if (value instanceof Map || value instanceof Collection || value instanceof Object[]) {
            pending.push(value);
        }
    }
}
