package io.tern.serialization;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Writes values in one serialization format to a stream. Not thread-safe; one per message.
 * Closing it when the message is written lets the serialization reuse it for the next one.
 */
public interface ObjectOutput extends AutoCloseable {

    void writeUTF(@Nullable String value) throws IOException;

    void writeInt(int value) throws IOException;

    void writeObject(@Nullable Object value) throws IOException;

    /**
     * Starts a map written entry by entry ({@link #writeUTF} or {@link #writeObject} for each key
     * and value), so a merged map need not be built first. Ends with {@link #writeMapEnd}.
     */
    void writeMapBegin() throws IOException;

    void writeMapEnd() throws IOException;

    /** Writes what is buffered to the underlying stream. */
    void flush() throws IOException;

    /** Done with this message: forgets the stream and what was written, and may be reused. */
    @Override
    void close();
}
