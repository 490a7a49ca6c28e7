package io.tern.transport;

import io.tern.Result;
import io.tern.RpcException;
import org.jspecify.annotations.Nullable;

/** A response frame as the decoder read it: a result, an error status, or a read failure. */
final class DecodedResponse {

    final long id;
    final boolean event;
    @Nullable Result result;
    @Nullable RpcException failure;

    DecodedResponse(long id, boolean event) {
        this.id = id;
        this.event = event;
    }
}
