package io.tern.example;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The example service. */
public interface Greeter {

    String greet(String name);

    CompletableFuture<String> greetAsync(String name);

    /** Greets everyone in the list; refuses an empty one with a checked exception. */
    List<Greeting> greetAll(List<String> names) throws GreetingException;
}
