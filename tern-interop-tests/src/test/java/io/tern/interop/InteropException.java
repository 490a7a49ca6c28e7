package io.tern.interop;

/** The checked exception {@link InteropService#failChecked} declares. */
public class InteropException extends Exception {

    private static final long serialVersionUID = 1L;

    public InteropException(String message) {
        super(message);
    }
}
