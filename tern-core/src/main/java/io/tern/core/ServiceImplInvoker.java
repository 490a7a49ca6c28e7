package io.tern.core;

import io.tern.ClassPolicy;
import io.tern.GenericService;
import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.ServiceUrl;
import io.tern.core.lifecycle.LifecycleTracker;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The provider-side end of every call: runs the service implementation through cached method
 * handles. Answers {@code $echo} and generic {@code $invoke} calls for any service. Does not own
 * the implementation object.
 */
final class ServiceImplInvoker<T> extends AbstractInvoker<T> {

    private static final String ECHO_DESCRIPTOR = "Ljava/lang/Object;";

    private final T implementation;
    private final ServiceDescriptor descriptor;
    private final MethodHandle[] handles;
    /** The classes a generic call made in this process may name: the interface's own. */
    private final ClassPolicy localPolicy;

    ServiceImplInvoker(Class<T> type, T implementation, ServiceUrl url, LifecycleTracker tracker) {
        super(type, url, tracker);
        this.implementation = implementation;
        this.descriptor = ServiceDescriptor.of(type);
        this.handles = ServiceMethodHandles.of(type);
        this.localPolicy = ClassPolicy.strict().allowInterface(type);
    }

    @Override
    protected CompletableFuture<Result> doInvoke(Invocation invocation) {
        MethodDescriptor md = resolve(invocation);
        if (md == null) {
            return special(invocation);
        }
        return call(md, invocation.arguments(), invocation.attachments());
    }

    /** The service method a call names; by identity when the caller used the same interface. */
    private @Nullable MethodDescriptor resolve(Invocation invocation) {
        MethodDescriptor md = invocation.method();
        if (md != null) {
            int index = md.index();
            if (index < handles.length && descriptor.methods().get(index) == md) {
                return md;
            }
        }
        return descriptor.find(invocation.methodName(), invocation.parameterDescriptor());
    }

    CompletableFuture<Result> call(MethodDescriptor md, @Nullable Object[] arguments, Map<String, Object> attachments) {
        Object value;
        RpcContext context = RpcContext.current();
        Map<String, Object> outerRequest = context.request();
        Map<String, Object> outerResponse = context.response();
        context.enterCall(attachments);
        Map<String, Object> answered;
        try {
            value = handles[md.index()].invokeExact((Object) implementation, arguments);
        } catch (Throwable t) {
            answered = context.exitCall(outerRequest, outerResponse);
            Result failed = Result.exception(t);
            return CompletableFuture.completedFuture(answered == null ? failed : failed.withAttachments(answered));
        }
        answered = context.exitCall(outerRequest, outerResponse);
        if (!md.isAsync()) {
            Result result = Result.value(value);
            return CompletableFuture.completedFuture(answered == null ? result : result.withAttachments(answered));
        }
        if (value == null) {
            return CompletableFuture.completedFuture(Result.exception(new NullPointerException(
                    md + " returned null instead of a CompletionStage")));
        }
        CompletableFuture<Result> result = new CompletableFuture<>();
        ((CompletionStage<?>) value).whenComplete((v, failure) -> result.complete(failure == null
                ? Result.value(v)
                : Result.exception(failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                        ? c.getCause() : failure)));
        return result;
    }

    private CompletableFuture<Result> special(Invocation invocation) {
        String name = invocation.methodName();
        @Nullable Object[] args = invocation.arguments();
        if (GenericService.ECHO.equals(name) && ECHO_DESCRIPTOR.equals(invocation.parameterDescriptor())) {
            return CompletableFuture.completedFuture(Result.value(args[0]));
        }
        if ((GenericService.INVOKE.equals(name) || GenericService.INVOKE_ASYNC.equals(name)) && args.length == 3) {
            ClassPolicy policy = invocation.classPolicy();
            return GenericCalls.invoke(this, descriptor, args, invocation.attachments(),
                    policy != null ? policy : localPolicy);
        }
        return CompletableFuture.failedFuture(new RpcException(RpcStatus.METHOD_NOT_FOUND,
                "method: " + name + "(" + String.join(", ", invocation.parameterTypeNames()) + ") of "
                        + url().serviceKey() + " (expected one of: " + signatures(descriptor) + ")"));
    }

    static String signatures(ServiceDescriptor descriptor) {
        return descriptor.methods().stream()
                .map(m -> m.name() + "(" + m.parameterTypes().stream().map(Class::getSimpleName)
                        .collect(Collectors.joining(", ")) + ")")
                .collect(Collectors.joining(", "));
    }

}
