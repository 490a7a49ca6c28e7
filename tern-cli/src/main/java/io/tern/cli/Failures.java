package io.tern.cli;

import io.tern.GenericException;
import io.tern.RpcException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/** One line for a failure: the RPC status when there is one, else the exception and its message. */
final class Failures {

    private Failures() {
    }

    /** How many wrappers deep a cause is looked for: a peer's cause chain can loop. */
    private static final int MAX_DEPTH = 32;

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        for (int i = 0; i < MAX_DEPTH && (t instanceof CompletionException || t instanceof ExecutionException
                || t instanceof java.lang.reflect.UndeclaredThrowableException) && t.getCause() != null; i++) {
            t = t.getCause();
        }
        return t;
    }

    static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof RpcException rpc) {
            return rpc.status() + ": " + oneLine(rpc.getMessage());
        }
        if (t instanceof GenericException generic) {
            return generic.exceptionClass() + ": " + oneLine(generic.exceptionMessage());
        }
        return t.getClass().getName() + ": " + oneLine(t.getMessage());
    }

    /** The status name or exception class a failure counts under in summaries. */
    static String kind(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof GenericException generic) {
            return generic.exceptionClass();
        }
        return t instanceof RpcException rpc ? rpc.status().name() : t.getClass().getName();
    }

    static String oneLine(@Nullable String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
