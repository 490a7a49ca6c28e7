package io.tern.dubbo;

import io.tern.MethodDescriptor;
import io.tern.RpcException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request frame as the decoder read it: an event, a call, or a frame that could not be read
 * ({@link #failure}), which a two-way request answers with an error status.
 */
final class DecodedRequest {

    final long id;
    final boolean twoWay;
    final boolean event;
    final byte serializationId;

    @Nullable Object eventData;
    String dubboVersion = Wire.DUBBO_VERSION;
    String path = "";
    String version = "";
    String methodName = "";
    @Nullable MethodDescriptor method;
    @Nullable Object @Nullable [] arguments;
    Map<String, Object> attachments = Map.of();
    @Nullable RpcException failure;

    DecodedRequest(long id, boolean twoWay, boolean event, byte serializationId) {
        this.id = id;
        this.twoWay = twoWay;
        this.event = event;
        this.serializationId = serializationId;
    }

    boolean isHeartbeat() {
        return event && eventData == null;
    }
}
