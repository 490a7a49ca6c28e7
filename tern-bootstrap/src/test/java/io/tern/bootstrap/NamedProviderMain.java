package io.tern.bootstrap;

/**
 * A provider in a process of its own, for tests that kill it: registers {@link Named} as
 * {@code args[2]} in group {@code args[1]} at the registry {@code args[0]}, then prints
 * {@code port N}.
 */
public final class NamedProviderMain {

    private NamedProviderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        TernServer server = Tern.server().application("killed").registry(args[0])
                .service(Named.class, Named.called(args[2], 2), s -> s.group(args[1])).start();
        System.out.println("port " + server.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
