package io.tern.core;

import static java.util.Objects.requireNonNull;

import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.ServiceUrl;
import java.util.concurrent.CompletableFuture;

/**
 * An invoker that passes every call to another, for wrappers that change or add one thing:
 * subclasses override what they change. Whether closing it closes the delegate is up to the
 * subclass; by default it does.
 *
 * @param <T> the service interface
 */
public abstract class ForwardingInvoker<T> implements Invoker<T> {

    private final Invoker<T> delegate;

    protected ForwardingInvoker(Invoker<T> delegate) {
        this.delegate = requireNonNull(delegate, "delegate");
    }

    /** The invoker calls go to. */
    protected final Invoker<T> delegate() {
        return delegate;
    }

    @Override
    public Class<T> type() {
        return delegate.type();
    }

    @Override
    public ServiceUrl url() {
        return delegate.url();
    }

    @Override
    public CompletableFuture<Result> invoke(Invocation invocation) {
        return delegate.invoke(invocation);
    }

    @Override
    public boolean isAvailable() {
        return delegate.isAvailable();
    }

    @Override
    public boolean isConnecting() {
        return delegate.isConnecting();
    }

    @Override
    public boolean isDestroyed() {
        return delegate.isDestroyed();
    }

    @Override
    public CompletableFuture<Void> closeAsync() {
        return delegate.closeAsync();
    }
}
