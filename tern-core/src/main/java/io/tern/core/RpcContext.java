package io.tern.core;

import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Attachments beside a call's arguments, per thread, as Dubbo's {@code RpcContext} offers them.
 *
 * <p>On the consumer side, {@link #setAttachment} adds an attachment to the next call this thread
 * makes through a proxy, and {@link #responseAttachments()} holds what the provider sent back
 * with the last synchronous call. On the provider side, while a service method runs,
 * {@link #requestAttachments()} holds what the consumer sent and {@link #setResponseAttachment}
 * adds to what goes back.
 */
public final class RpcContext {

    private static final ThreadLocal<RpcContext> CURRENT = ThreadLocal.withInitial(RpcContext::new);

    private @Nullable Map<String, Object> outgoing;
    private Map<String, Object> lastResponse = Map.of();
    private Map<String, Object> request = Map.of();
    private @Nullable Map<String, Object> response;

    private RpcContext() {
    }

    /** Adds an attachment to the next call this thread makes. */
    public static void setAttachment(String key, Object value) {
        RpcContext context = CURRENT.get();
        if (context.outgoing == null) {
            context.outgoing = new HashMap<>();
        }
        context.outgoing.put(key, value);
    }

    /** What the provider sent back with this thread's last synchronous call. */
    public static Map<String, Object> responseAttachments() {
        return CURRENT.get().lastResponse;
    }

    /** In a service method: the attachments the consumer sent. */
    public static Map<String, Object> requestAttachments() {
        return CURRENT.get().request;
    }

    /** In a service method: adds an attachment to the answer. */
    public static void setResponseAttachment(String key, Object value) {
        RpcContext context = CURRENT.get();
        if (context.response == null) {
            context.response = new HashMap<>();
        }
        context.response.put(key, value);
    }

    /** The attachments to send with a call starting now, cleared; {@code null} when none. */
    static @Nullable Map<String, Object> takeOutgoing() {
        RpcContext context = CURRENT.get();
        Map<String, Object> outgoing = context.outgoing;
        context.outgoing = null;
        return outgoing;
    }

    static void setLastResponse(Map<String, Object> attachments) {
        CURRENT.get().lastResponse = attachments;
    }

    /** The calling thread's context, for a service method call to enter and leave. */
    static RpcContext current() {
        return CURRENT.get();
    }

    /** The attachments of the service method call running on this thread, if any. */
    Map<String, Object> request() {
        return request;
    }

    /** What the running service method has attached to its answer so far, or {@code null}. */
    @Nullable Map<String, Object> response() {
        return response;
    }

    /**
     * Enters a service method call. A call may run inside another on the same thread (an injvm
     * call from a service method): the caller saves {@link #request()} and {@link #response()}
     * first and gives them back to {@link #exitCall}.
     */
    void enterCall(Map<String, Object> requestAttachments) {
        request = requestAttachments;
        response = null;
    }

    /**
     * Leaves a service method call, restoring the enclosing call's state; returns what the call
     * attached to its answer, or {@code null}.
     */
    @Nullable Map<String, Object> exitCall(Map<String, Object> outerRequest, @Nullable Map<String, Object> outerResponse) {
        Map<String, Object> answered = response;
        request = outerRequest;
        response = outerResponse;
        return answered;
    }
}
