package io.tern;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Calls any method of a service without its interface, as Dubbo's generic service does. POJOs
 * travel as maps of their fields (with an optional {@code "class"} entry naming the type) and
 * come back as maps; values, strings, collections and arrays travel as themselves.
 *
 * <p>Refer to a service with this interface to call it generically; every Tern provider
 * answers {@code $invoke} and {@code $echo}.
 */
public interface GenericService {

    /** The method name Dubbo gives generic calls. */
    String INVOKE = "$invoke";
    /** The method name of asynchronous generic calls. */
    String INVOKE_ASYNC = "$invokeAsync";
    /** The method name of the echo call, which answers its argument. */
    String ECHO = "$echo";

    /**
     * Calls {@code method}.
     *
     * @param parameterTypes the parameter types' names ({@code java.lang.String}, {@code int},
     *     {@code com.example.User[]}), or {@code null} when the method is not overloaded
     */
    @Nullable Object $invoke(String method, String @Nullable [] parameterTypes, @Nullable Object @Nullable [] args);

    /** {@link #$invoke} without waiting. */
    CompletableFuture<@Nullable Object> $invokeAsync(String method, String @Nullable [] parameterTypes,
            @Nullable Object @Nullable [] args);
}
