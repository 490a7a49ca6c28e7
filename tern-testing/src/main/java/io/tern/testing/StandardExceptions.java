package io.tern.testing;

import static java.util.Objects.requireNonNull;

import io.tern.GenericException;
import io.tern.RpcException;
import io.tern.RpcStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.time.format.DateTimeParseException;

/**
 * Makes an exception of a named class with a given message, for services that throw what a test
 * asks for: each of the JDK exceptions a class policy allows by default has to reach a caller as
 * itself.
 */
public final class StandardExceptions {

    private StandardExceptions() {
    }

    /**
     * An instance of {@code className} whose message is {@code message}.
     *
     * @throws IllegalArgumentException when the class is not a concrete {@link Throwable} that
     *     can be made with a message
     */
    public static Throwable create(String className, String message) {
        requireNonNull(className, "className");
        requireNonNull(message, "message");
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("exception class: " + className + " not found", e);
        }
        if (!Throwable.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException("exception class: " + className
                    + " (expected: a concrete java.lang.Throwable)");
        }
        if (type == UncheckedIOException.class) {
            return new UncheckedIOException(message, new IOException(message));
        }
        if (type == DateTimeParseException.class) {
            return new DateTimeParseException(message, "", 0);
        }
        if (type == RpcException.class) {
            return new RpcException(RpcStatus.SERVICE_ERROR, message);
        }
        if (type == GenericException.class) {
            return new GenericException(IllegalStateException.class.getName(), message);
        }
        for (Class<?>[] parameters : new Class<?>[][] {{String.class}, {Object.class}, {String.class, Throwable.class}}) {
            try {
                Constructor<?> constructor = type.getConstructor(parameters);
                Object[] arguments = parameters.length == 1 ? new Object[] {message} : new Object[] {message, null};
                return (Throwable) constructor.newInstance(arguments);
            } catch (NoSuchMethodException e) {
                // try the next form
            } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
                throw new IllegalArgumentException("exception class: " + className + " cannot be made", e);
            }
        }
        throw new IllegalArgumentException("exception class: " + className
                + " (expected: a public constructor taking a message)");
    }

    /** Throws {@link #create}'s exception; for a service method declared {@code throws Exception}. */
    public static void raise(String className, String message) throws Exception {
        Throwable t = create(className, message);
        if (t instanceof Error error) {
            throw error;
        }
        throw (Exception) t;
    }
}
