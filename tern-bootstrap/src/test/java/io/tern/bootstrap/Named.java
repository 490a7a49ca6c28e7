package io.tern.bootstrap;

/** A test service that says which provider answered, after a short pause that keeps calls in flight. */
public interface Named {

    String who(String caller);

    /** Answers with its name after {@code pauseMillis}. */
    static Named called(String name, long pauseMillis) {
        return caller -> {
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            return name;
        };
    }
}
