package io.tern.core;

import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Token authentication, as Dubbo does it: a provider exported with {@code token=true} registers
 * a random token in its URL ({@code token=VALUE} sets it), consumers send the token of the URL
 * they call in the {@code token} attachment, and the provider refuses a call whose token is
 * missing or wrong before the service runs, with {@link RpcStatus#FORBIDDEN} and a message that
 * names the service and method, never a token. Tokens are compared in constant time.
 */
public final class Tokens {

    /** The URL parameter and the attachment, in Dubbo's name. */
    public static final String KEY = "token";
    /** How a refusal's message starts, as Dubbo's does, so that both tell it from other failures. */
    public static final String REFUSED = "Invalid token! Forbid invoke remote service ";

    private Tokens() {
    }

    /**
     * The URL a service is exported under: {@code token=true} (or {@code default}) becomes a random token,
     * {@code token=false} or an empty token none.
     */
    public static ServiceUrl resolve(ServiceUrl url) {
        String token = url.parameter(KEY);
        if (token == null) {
            return url;
        }
        String resolved = resolve(token);
        if (resolved == null) {
            return url.toBuilder().removeParameter(KEY).build();
        }
        return resolved.equals(token) ? url : url.toBuilder().parameter(KEY, resolved).build();
    }

    /** The token a {@code token} setting stands for: random for {@code true}, none for {@code false} or empty. */
    public static @Nullable String resolve(String token) {
        if (token.isEmpty() || "false".equalsIgnoreCase(token)) {
            return null;
        }
        if ("true".equalsIgnoreCase(token) || "default".equalsIgnoreCase(token)) {
            return UUID.randomUUID().toString();
        }
        return token;
    }

    /** The token calls to this URL must carry, or {@code null} when it asks for none. */
    public static @Nullable String of(ServiceUrl url) {
        String token = url.parameter(KEY);
        return token == null || token.isEmpty() ? null : token;
    }

    /**
     * {@code invoker}, refusing calls without {@code token}; {@code invoker} itself when the token
     * is {@code null}. Closing the result closes {@code invoker}.
     */
    public static <T> Invoker<T> guard(Invoker<T> invoker, @Nullable String token) {
        return token == null ? invoker : new Guard<>(invoker, token);
    }

    /** Whether a failure is a provider's refusal of a call's token, by its message. */
    public static boolean isRefusal(@Nullable String message) {
        return message != null && message.contains(REFUSED);
    }

    private static final class Guard<T> extends ForwardingInvoker<T> {
        private final byte[] expected;

        Guard(Invoker<T> delegate, String token) {
            super(delegate);
            this.expected = token.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public CompletableFuture<Result> invoke(Invocation invocation) {
            Object given = invocation.attachment(KEY);
            byte[] bytes = given instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : null;
            if (bytes == null || !MessageDigest.isEqual(expected, bytes)) {
                return CompletableFuture.failedFuture(new RpcException(RpcStatus.FORBIDDEN, REFUSED
                        + invocation.serviceKey() + " method " + invocation.methodName() + "(): the call's token is "
                        + (bytes == null ? "missing" : "wrong")
                        + " (expected: the token of the provider's URL, in the call's token attachment)"));
            }
            return delegate().invoke(invocation);
        }
    }
}
