package io.tern.core;

import static java.util.Objects.requireNonNull;

import io.tern.EchoService;
import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.ServiceKey;
import io.tern.core.internal.CallerExecutor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * Client-side proxies: an object implementing the service interface whose calls go through an
 * {@link Invoker}. Synchronous methods wait for the result; methods returning
 * {@link CompletableFuture} or {@link java.util.concurrent.CompletionStage} return at once.
 * {@code toString}, {@code equals} and {@code hashCode} are answered locally. Every proxy also
 * implements {@link EchoService}.
 *
 * <p>A proxy does not own its invoker: whoever referred the invoker closes it, after which the
 * proxy's calls fail with {@link RpcStatus#DESTROYED}.
 */
public final class Proxies {

    private Proxies() {
    }

    public static <T> T create(Invoker<T> invoker) {
        requireNonNull(invoker, "invoker");
        ClassLoader loader = invoker.type().getClassLoader();
        return create(invoker, loader != null ? loader : Proxies.class.getClassLoader());
    }

    public static <T> T create(Invoker<T> invoker, ClassLoader loader) {
        requireNonNull(invoker, "invoker");
        requireNonNull(loader, "loader");
        Class<T> type = invoker.type();
        Class<?>[] interfaces = type == EchoService.class ? new Class<?>[] {type}
                : new Class<?>[] {type, EchoService.class};
        return type.cast(Proxy.newProxyInstance(loader, interfaces, new Handler<>(invoker)));
    }

    /** The invoker behind a proxy this class made, or {@code null} for any other object. */
    public static @Nullable Invoker<?> invoker(Object proxy) {
        requireNonNull(proxy, "proxy");
        if (!Proxy.isProxyClass(proxy.getClass())) {
            return null;
        }
        return Proxy.getInvocationHandler(proxy) instanceof Handler<?> handler ? handler.invoker : null;
    }

    private static final class Handler<T> implements InvocationHandler {
        private final Invoker<T> invoker;
        private final ServiceKey serviceKey;
        private final ServiceDescriptor descriptor;
        private final ServiceDescriptor echo = ServiceDescriptor.of(EchoService.class);

        Handler(Invoker<T> invoker) {
            this.invoker = invoker;
            this.serviceKey = invoker.url().serviceKey();
            this.descriptor = ServiceDescriptor.of(invoker.type());
        }

        @Override
        public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args)
                throws Throwable {
            MethodDescriptor md = descriptor.find(method);
            if (md == null) {
                if (method.getDeclaringClass() == Object.class) {
                    return objectMethod(proxy, method, args);
                }
                md = echo.find(method);
                if (md == null) {
                    throw new IllegalStateException("method: " + method + " (expected: a method of "
                            + invoker.type().getName() + ")");
                }
            }
            Invocation invocation = Invocation.of(serviceKey, md, args);
            Map<String, Object> outgoing = RpcContext.takeOutgoing();
            if (outgoing != null) {
                invocation.setAttachments(outgoing);
            }
            if (md.isAsync()) {
                return toValueFuture(invoker.invoke(invocation));
            }
            CallerExecutor caller = CallerExecutor.current();
            invocation.setCallerExecutor(caller); // the answer is read on this thread, which waits anyway
            Result result;
            caller.enter(); // before sending: an answer quicker than this thread still finds it waiting
            try {
                result = await(caller, invoker.invoke(invocation));
            } finally {
                caller.leave();
            }
            RpcContext.setLastResponse(result.attachments());
            Throwable exception = result.exception();
            if (exception == null) {
                Object value = result.value();
                if (value == null && method.getReturnType().isPrimitive() && method.getReturnType() != void.class) {
                    throw new RpcException(RpcStatus.SERVICE_ERROR, md + " returned null (expected: a "
                            + method.getReturnType().getName() + ")");
                }
                return value;
            }
            if (exception instanceof RuntimeException || exception instanceof Error
                    || exception instanceof Exception e && md.declares(e.getClass())) {
                throw exception;
            }
            throw new RpcException(RpcStatus.SERVICE_ERROR, md + " threw undeclared "
                    + exception.getClass().getName(), exception);
        }

        private static Result await(CallerExecutor caller, CompletableFuture<Result> future) {
            try {
                return caller.await(future);
            } catch (InterruptedException | CancellationException | ExecutionException e) {
                throw Result.waitFailed(e);
            }
        }

        private static CompletableFuture<@Nullable Object> toValueFuture(CompletableFuture<Result> future) {
            CompletableFuture<@Nullable Object> values = new CompletableFuture<>() {
                @Override
                public boolean cancel(boolean mayInterruptIfRunning) {
                    future.cancel(mayInterruptIfRunning); // lets the transport forget the call
                    return super.cancel(mayInterruptIfRunning);
                }
            };
            future.whenComplete((result, failure) -> {
                if (failure != null) {
                    values.completeExceptionally(Result.asRpcException(failure));
                } else if (result.hasException()) {
                    values.completeExceptionally(result.exception());
                } else {
                    values.complete(result.value());
                }
            });
            return values;
        }

        private Object objectMethod(Object proxy, Method method, @Nullable Object @Nullable [] args) {
            switch (method.getName()) {
                case "toString":
                    return "Proxy[" + invoker.type().getName() + " -> " + invoker.url() + "]";
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return args != null && args.length == 1 && proxy == args[0];
                default:
                    throw new UnsupportedOperationException("method: " + method + " (expected: toString, equals or hashCode)");
            }
        }
    }
}
