package io.tern.serialization;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** Writes values in one serialization format to a stream. Not thread-safe; one per message. */
public interface ObjectOutput {

    void writeUTF(@Nullable String value) throws IOException;

    void writeInt(int value) throws IOException;

    void writeObject(@Nullable Object value) throws IOException;

    /** Writes what is buffered to the underlying stream. */
    void flush() throws IOException;
}
