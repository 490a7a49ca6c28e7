package io.tern.dubbo;

import io.netty.buffer.ByteBuf;
import io.tern.Result;
import io.tern.RpcException;
import org.jspecify.annotations.Nullable;

/**
 * A response frame as the decoder read it: a result, an error status, or a read failure; or, for
 * a call whose caller reads its own answer, the frame's body still to be read.
 */
final class DecodedResponse {

    final long id;
    final boolean event;
    @Nullable Result result;
    @Nullable RpcException failure;
    /** The body the caller is to read (a retained slice its reader releases), or {@code null}. */
    final @Nullable ByteBuf body;
    final byte status;
    final byte serializationId;

    DecodedResponse(long id, boolean event) {
        this.id = id;
        this.event = event;
        this.body = null;
        this.status = 0;
        this.serializationId = 0;
    }

    /** A response whose body is read later, by its caller. */
    DecodedResponse(long id, byte status, byte serializationId, ByteBuf body) {
        this.id = id;
        this.event = false;
        this.body = body;
        this.status = status;
        this.serializationId = serializationId;
    }
}
