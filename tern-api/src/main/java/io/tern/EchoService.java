package io.tern;

import org.jspecify.annotations.Nullable;

/**
 * Every Tern provider answers {@code $echo} with its argument, which makes a cheap liveness
 * check. Cast any Tern proxy to this type to call it.
 */
public interface EchoService {

    @Nullable Object $echo(@Nullable Object message);
}
