package io.tern;

/**
 * One direction of a streaming call: any number of {@link #onNext} calls, then exactly one of
 * {@link #onCompleted} or {@link #onError}. A streaming method takes the observer its answers
 * go to and, when the caller streams too, returns the observer its requests go to:
 *
 * <pre>{@code
 * void watch(Query query, StreamObserver<Event> events);             // server streaming
 * StreamObserver<Message> chat(StreamObserver<Message> replies);     // bidirectional
 * }</pre>
 *
 * <p>Calls on one observer must not overlap. An observer Tern hands out applies flow control:
 * {@code onNext} waits while the peer is not reading (its HTTP/2 window is full), so a fast
 * writer cannot fill memory; called on an event loop thread it never waits. After the peer
 * cancels the call, {@code onNext} throws an {@link RpcException} with {@link
 * RpcStatus#CANCELLED}; calling {@code onError} on an observer Tern gave a caller cancels the
 * call.
 *
 * @param <T> the type of each message
 */
public interface StreamObserver<T> {

    /** Sends or receives one message. */
    void onNext(T value);

    /** Ends the stream with a failure; nothing follows. */
    void onError(Throwable error);

    /** Ends the stream normally; nothing follows. */
    void onCompleted();
}
