package io.tern.dubbo;

import io.tern.Invocation;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.ServiceKey;
import io.tern.ServiceUrl;
import io.tern.core.AbstractInvoker;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.transport.Options;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A reference to a service at one provider address over the dubbo protocol. Holds one
 * reference to the {@link SharedClient} of that address and releases it when closed, after its
 * calls in flight have ended. Per-method settings ({@code <method>.timeout},
 * {@code <method>.return=false} for one-way calls) are read from its URL once.
 */
final class DubboInvoker<T> extends AbstractInvoker<T> {

    private final DubboProtocol protocol;
    private final SharedClient client;
    private final ServiceDescriptor descriptor;
    /** Each method's calls' shape, by its index in the descriptor. */
    private final RequestTemplate[] templates;
    /** The shape of a call whose method this interface does not describe (a generic call's). */
    private final RequestTemplate foreign;

    DubboInvoker(DubboProtocol protocol, Class<T> type, ServiceUrl url, SharedClient client, ClientOptions options,
            LifecycleTracker tracker) {
        super(type, url, tracker);
        this.protocol = protocol;
        this.client = client;
        this.descriptor = ServiceDescriptor.of(type);
        ServiceKey key = url.serviceKey();
        String path = url.path().isEmpty() ? key.interfaceName() : url.path();
        String wireVersion = key.wireVersion();
        Map<String, Object> attachments = new HashMap<>();
        attachments.put(Wire.PATH, path);
        attachments.put(Wire.INTERFACE, key.interfaceName());
        attachments.put(Wire.VERSION, wireVersion);
        if (!key.group().isEmpty()) {
            attachments.put(Wire.GROUP, key.group());
        }
        String token = io.tern.core.Tokens.of(url);
        if (token != null) {
            attachments.put(io.tern.core.Tokens.KEY, token);
        }
        String application = url.application();
        if (!application.isEmpty()) {
            attachments.put("remote.application", application);
        }
        // Never modified after this; a LinkedHashMap because its entries are iterated for every
        // call, and an immutable map's iterator makes an entry object per entry.
        Map<String, Object> base = new java.util.LinkedHashMap<>(attachments);
        long defaultTimeout = options.timeout().toMillis();
        String defaultTimeoutText = Long.toString(defaultTimeout);
        this.foreign = new RequestTemplate(path, wireVersion, base, null, defaultTimeoutText, defaultTimeout, false);
        List<MethodDescriptor> methods = descriptor.methods();
        this.templates = new RequestTemplate[methods.size()];
        for (MethodDescriptor md : methods) {
            long timeout = Options.millisParameter(url, md.name() + ".timeout", options.timeout()).toMillis();
            templates[md.index()] = new RequestTemplate(path, wireVersion, base, md,
                    timeout == defaultTimeout ? defaultTimeoutText : Long.toString(timeout), timeout,
                    !url.booleanParameter(md.name() + ".return", true));
        }
    }

    @Override
    protected CompletableFuture<Result> doInvoke(Invocation invocation) {
        MethodDescriptor md = invocation.method();
        // the method's index when it is one of this interface's own descriptors, else -1
        int own = md != null && md.index() < descriptor.methods().size() && descriptor.methods().get(md.index()) == md
                ? md.index() : -1;
        RequestTemplate template = own >= 0 ? templates[own] : foreign.withMethod(md);
        DubboConnection connection = client.connection();
        if (connection != null) {
            return connection.send(invocation, template);
        }
        if (client.options.lazy()) {
            return whenConnected(client.connectionAsync(), invocation, template);
        }
        SharedClient.Attempt attempt = client.attemptUnderWay();
        if (attempt != null) {
            return whenConnected(attempted(attempt, invocation, template.timeoutMillis()), invocation, template);
        }
        // The first attempt may have ended since the connection was read: what it made is visible now.
        connection = client.connection();
        if (connection != null) {
            return connection.send(invocation, template);
        }
        return CompletableFuture.failedFuture(client.unavailable());
    }

    /**
     * Sends once the connection is there. Cancelling the call before then sends nothing; after,
     * it cancels the call sent.
     */
    private CompletableFuture<Result> whenConnected(CompletableFuture<DubboConnection> ready, Invocation invocation,
            RequestTemplate template) {
        CompletableFuture<Result> call = new CompletableFuture<>();
        ready.whenComplete((connection, failure) -> {
            if (call.isDone()) {
                return;
            }
            if (failure != null) {
                call.completeExceptionally(failure instanceof java.util.concurrent.CompletionException c
                        && c.getCause() != null ? c.getCause() : failure);
                return;
            }
            CompletableFuture<Result> sent = connection.send(invocation, template);
            sent.whenComplete((result, error) -> {
                if (error != null) {
                    call.completeExceptionally(error);
                } else {
                    call.complete(result);
                }
            });
            call.whenComplete((result, error) -> {
                if (call.isCancelled()) {
                    sent.cancel(false);
                }
            });
        });
        return call;
    }

    /**
     * The connection an attempt under way makes (the client's first, or its first after a loss),
     * waited for at most the call's timeout (a provider that accepts nothing must not hold calls
     * longer than it would by not answering).
     */
    private CompletableFuture<DubboConnection> attempted(SharedClient.Attempt attempt, Invocation invocation,
            long timeoutMillis) {
        CompletableFuture<DubboConnection> ready = new CompletableFuture<>();
        io.netty.util.Timeout deadline = client.timer().newTimeout(t -> ready.completeExceptionally(new RpcException(
                RpcStatus.TIMEOUT, "call " + invocation.serviceKey().call(invocation.methodName())
                        + " timed out after " + timeoutMillis + " ms waiting for a connection to " + client.address
                        + " (" + attempt.state() + ")")), timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        attempt.ended().whenComplete((ignored, failure) -> {
            deadline.cancel();
            DubboConnection now = client.connection();
            if (now != null) {
                ready.complete(now);
            } else {
                ready.completeExceptionally(client.unavailable());
            }
        });
        return ready;
    }

    /** Connected, or lazy (its calls connect). */
    @Override
    public boolean isAvailable() {
        return !isDestroyed() && (client.isAvailable() || client.options.lazy());
    }

    @Override
    public boolean isConnecting() {
        return !isDestroyed() && client.attemptUnderWay() != null && !client.isAvailable();
    }

    @Override
    protected void onClose() {
        protocol.forget(this);
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        return client.release();
    }
}
