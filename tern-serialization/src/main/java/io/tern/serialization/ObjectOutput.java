package io.tern.serialization;

import org.jspecify.annotations.Nullable;

/**
 * Writes values in one serialization format. Not thread-safe; one per message. Every failure is
 * an {@link io.tern.RpcException} ({@link io.tern.RpcStatus#SERIALIZATION} for a value that cannot
 * be written, naming its class). Closing it when the message is written lets the serialization
 * reuse it for the next one.
 */
public interface ObjectOutput extends AutoCloseable {

    void writeUTF(@Nullable String value);

    void writeInt(int value);

    void writeObject(@Nullable Object value);

    /**
     * Starts a map written entry by entry ({@link #writeUTF} or {@link #writeObject} for each key
     * and value), so a merged map need not be built first. Ends with {@link #writeMapEnd}.
     */
    void writeMapBegin();

    void writeMapEnd();

    /** Done with this message: forgets the target and what was written, and may be reused. */
    @Override
    void close();
}
