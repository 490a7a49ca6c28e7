package io.tern.dubbo;

import io.tern.MethodDescriptor;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What every call of one method through one reference sends alike, made once when the reference
 * is made: the frame's path and version, the attachments every call carries, the method whose
 * result the answer is read as, the timeout (as the {@code timeout} attachment writes it), and
 * whether the call is one-way. A call adds only its id, arguments and own attachments.
 *
 * @param attachments never modified, and iterated for every call
 * @param method the descriptor the answer is read with; {@code null} for any
 * @param timeoutText the {@code timeout} attachment's value; {@code null} sends none
 */
record RequestTemplate(String path, String version, Map<String, Object> attachments, @Nullable MethodDescriptor method,
        @Nullable String timeoutText, long timeoutMillis, boolean oneWay) {

    /** The same call shape, for a method described elsewhere (a generic call's). */
    RequestTemplate withMethod(@Nullable MethodDescriptor other) {
        return new RequestTemplate(path, version, attachments, other, timeoutText, timeoutMillis, oneWay);
    }
}
