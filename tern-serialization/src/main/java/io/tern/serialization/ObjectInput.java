package io.tern.serialization;

import io.tern.ClassPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Reads values in one serialization format from a stream. Not thread-safe; one per message.
 * Every failure is an {@link io.tern.RpcException}: {@link io.tern.RpcStatus#FORBIDDEN} for a
 * class the {@link ClassPolicy} refuses, {@link io.tern.RpcStatus#SERIALIZATION} for malformed
 * input. Messages name types, never the values read. Closing it when the message is read lets
 * the serialization reuse it for the next one.
 */
public interface ObjectInput extends AutoCloseable {

    @Nullable String readUTF();

    int readInt();

    /** Reads a value of the type the stream names. */
    @Nullable Object readObject();

    /** Reads a value expected to be of this type (a primitive type reads its boxed value). */
    @Nullable Object readObject(Class<?> type);

    /** Done with this message: forgets the stream and what was read, and may be reused. */
    @Override
    void close();
}
