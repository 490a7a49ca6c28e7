package io.tern.example;

/** The checked exception {@link Greeter#greetAll} declares. */
public final class GreetingException extends Exception {

    private static final long serialVersionUID = 1L;

    public GreetingException(String message) {
        super(message);
    }
}
