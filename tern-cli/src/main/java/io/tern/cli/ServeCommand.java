package io.tern.cli;

import io.tern.bootstrap.RegisterMode;
import io.tern.bootstrap.ServiceOptions;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernServer;
import io.tern.bootstrap.TernServerBuilder;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.transport.tls.ServerTls;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code tern serve}: the example provider, until interrupted. */
@Command(name = "serve",
        description = {"Serves the example io.tern.example.UserService until interrupted; Ctrl-C shuts down"
                + " gracefully (unregister, read-only event, drain).",
            "On the same port it also answers Triple: gRPC over HTTP/2 (UserService, and the protobuf"
                + " tern.example.Greeter of greeter.proto) and JSON over HTTP/1.1 (curl), and registers a tri:// URL"
                + " next to each dubbo:// one; --no-tri serves dubbo alone.",
            "With --tls-cert and --tls-key both protocols take TLS only (--tls-trust: and require client"
                + " certificates); the files are reloaded when they change. --token refuses calls without it.",
            "Prints 'listening on dubbo://HOST:PORT' once it accepts calls."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--port", defaultValue = "20880", description = "the port; 0 for any free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "the address to bind (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--registry", paramLabel = "URL",
            description = "a registry to register with (zookeeper://host:port, embedded://); none: direct calls only")
    String registry;

    @Option(names = "--register-mode", defaultValue = "all", paramLabel = "MODE",
            description = "with a ZooKeeper registry: 'interface' (a node per service), 'instance' (the application's"
                    + " instance, as Dubbo 3 consumers find it) or 'all' (default ${DEFAULT-VALUE})")
    String registerMode;

    @Option(names = "--application", defaultValue = "tern-serve", description = "the application name (default ${DEFAULT-VALUE})")
    String application;

    @Option(names = "--ops-port", paramLabel = "PORT",
            description = "serve the operations endpoint (ls, online, offline, live, ready, startup, metrics, lifecycle)"
                    + " on 127.0.0.1:PORT; 0 for any free one; off unless given")
    Integer opsPort;

    @Option(names = "--tri", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also answer Triple (gRPC, HTTP/1.1 JSON) on the port (default: on; --no-tri for dubbo alone)")
    boolean tri;

    @CommandLine.Mixin
    TlsOptions tls = new TlsOptions();

    @Option(names = "--tls-mode", defaultValue = "required", paramLabel = "MODE",
            description = "with TLS: 'required' closes plaintext connections, 'permissive' serves them too and counts"
                    + " them, for a migration (default ${DEFAULT-VALUE})")
    String tlsMode;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "token authentication: 'true' for a random token, registered with the provider URL, or"
                    + " the token itself; calls without it are refused")
    String token;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            throw new UsageException("--port " + port + " (expected: 0-65535)");
        }
        ServerTls.Mode mode;
        try {
            mode = ServerTls.Mode.parse(tlsMode);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--tls-mode " + tlsMode + " (expected: required or permissive)", e);
        }
        RegisterMode registering;
        try {
            registering = RegisterMode.parse(registerMode);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--register-mode " + registerMode + " (expected: interface, instance or all)", e);
        }
        ServerTls serverTls = tls.server(mode);
        java.util.function.Consumer<ServiceOptions> protection = o -> {
            if (token != null) {
                o.token(token);
            }
        };
        TernServerBuilder builder = Tern.server().application(application).host(host).port(port).triple(tri)
                .service(UserService.class, new UserServiceImpl(), protection);
        if (tri) {
            builder.service(tern.example.Greeter.class, new tern.example.GreeterImpl(),
                    protection.andThen(ServiceOptions::tripleOnly));
        }
        if (serverTls != null) {
            builder.tls(serverTls);
        }
        if (registry != null) {
            builder.registry(registry).registerMode(registering);
        }
        if (opsPort != null) {
            if (opsPort < 0 || opsPort > 65_535) {
                throw new UsageException("--ops-port " + opsPort + " (expected: 0-65535)");
            }
            builder.ops(opsPort);
        }
        TernServer server = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close(); // graceful: unregister, read-only event, drain
            stopped.countDown();
        }, "tern-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        PrintWriter out = spec.commandLine().getOut();
        String secured = serverTls == null ? "" : serverTls.mutual() ? " (TLS, client certificates required)"
                : serverTls.mode() == ServerTls.Mode.PERMISSIVE ? " (TLS, plaintext accepted)" : " (TLS)";
        out.println("listening on dubbo://" + host + ":" + server.port() + secured);
        if (tri) {
            // over TLS curl would offer HTTP/2 and be taken for a gRPC client: JSON is HTTP/1.1
            out.println("and on tri://" + host + ":" + server.port() + " (gRPC; JSON over HTTP/1.1: curl "
                    + (serverTls == null ? "" : "--http1.1 ") + "-d '[\"hi\"]' -H 'content-type: application/json' "
                    + (serverTls == null ? "http" : "https") + "://" + host + ":" + server.port() + "/"
                    + UserService.class.getName() + "/echo)");
        }
        if (registry != null && registry.startsWith("embedded:")) {
            server.registryUrl().ifPresent(url -> out.println("registered in the embedded ZooKeeper at zookeeper://"
                    + url.address() + " (other processes: --registry zookeeper://" + url.address() + ")"));
        }
        if (token != null) {
            out.println("token authentication on: consumers found through the registry get the token from it;"
                    + " direct calls pass ?token=... in the URL");
        }
        if (server.ops() != null) {
            out.println("operations on " + server.ops().uri());
        }
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            // Stopped from inside the process (tests): the same graceful close.
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
        }
        return 0;
    }
}
