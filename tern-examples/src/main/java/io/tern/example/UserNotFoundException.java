package io.tern.example;

/** A declared business failure: the user asked for does not exist. */
public final class UserNotFoundException extends Exception {

    private static final long serialVersionUID = 1L;

    public UserNotFoundException(String message) {
        super(message);
    }
}
