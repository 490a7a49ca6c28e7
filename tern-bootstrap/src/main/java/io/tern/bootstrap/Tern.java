package io.tern.bootstrap;

/**
 * Where applications start:
 *
 * <pre>{@code
 * try (TernServer server = Tern.server().application("greeter").registry("zookeeper://127.0.0.1:2181")
 *         .service(Greeter.class, new GreeterImpl(), s -> s.version("1.0.0")).start();
 *      TernClient client = Tern.client().application("web").registry("zookeeper://127.0.0.1:2181").build()) {
 *     Greeter greeter = client.reference(Greeter.class, r -> r.version("1.0.0")).get();
 * }
 * }</pre>
 */
public final class Tern {

    private Tern() {
    }

    public static TernServerBuilder server() {
        return new TernServerBuilder();
    }

    public static TernClientBuilder client() {
        return new TernClientBuilder();
    }
}
