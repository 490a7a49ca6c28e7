package io.tern.example;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The example service's implementation. */
public final class GreeterImpl implements Greeter {

    @Override
    public String greet(String name) {
        return "Hello, " + name;
    }

    @Override
    public CompletableFuture<String> greetAsync(String name) {
        return CompletableFuture.supplyAsync(() -> greet(name));
    }

    @Override
    public List<Greeting> greetAll(List<String> names) throws GreetingException {
        if (names.isEmpty()) {
            throw new GreetingException("names: [] (expected: at least one name)");
        }
        LocalDate today = LocalDate.now();
        return names.stream().map(n -> new Greeting(n, greet(n), today)).toList();
    }
}
