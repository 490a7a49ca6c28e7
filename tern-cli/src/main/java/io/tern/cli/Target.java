package io.tern.cli;

import io.tern.GenericService;
import io.tern.ServiceUrl;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.bootstrap.TernClientBuilder;
import io.tern.registry.Registries;
import io.tern.registry.Registry;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A service to call generically, from what the user typed: a provider URL
 * ({@code dubbo://host:port/com.example.Service?version=..&group=..}) or a registry URL
 * ({@code zookeeper://host:port}) with the service named separately.
 */
final class Target implements AutoCloseable {

    final TernClient client;
    final GenericService service;
    final String serviceName;
    /** The registry the client uses, when this target connected it; closed after the client. */
    private final @Nullable Registry registry;

    private Target(TernClient client, GenericService service, String serviceName, @Nullable Registry registry) {
        this.client = client;
        this.service = service;
        this.serviceName = serviceName;
        this.registry = registry;
    }

    /** Where to call and how; see {@link CallCommand} for the meaning of each. */
    record Spec(String url, @Nullable String service, @Nullable String group, @Nullable String version,
            Duration timeout, int connections, io.tern.transport.tls.@Nullable ClientTls tls) {
    }

    static Target open(Spec spec) {
        ServiceUrl url;
        try {
            url = ServiceUrl.parse(spec.url());
        } catch (IllegalArgumentException e) {
            throw new UsageException("URL '" + spec.url() + "': " + withoutExpected(e.getMessage())
                    + " (expected: dubbo://host:port/com.example.Service, tri://host:port/com.example.Service"
                    + " or zookeeper://host:port)", e);
        }
        return switch (url.protocol()) {
            case "dubbo", "tri" -> direct(url, spec);
            case "zookeeper" -> discovered(url, spec);
            default -> throw new UsageException("URL '" + spec.url() + "': protocol '" + url.protocol()
                    + "' (expected: dubbo://host:port/com.example.Service, tri://host:port/com.example.Service"
                    + " or zookeeper://host:port)");
        };
    }

    /** A parse error's own detail, without its generic "(expected: ...)", which the caller replaces. */
    static String withoutExpected(@Nullable String message) {
        if (message == null) {
            return "(no message)";
        }
        int expected = message.lastIndexOf(" (expected:");
        return expected < 0 ? message : message.substring(0, expected);
    }

    private static Target direct(ServiceUrl url, Spec spec) {
        if (url.host().isEmpty() || url.port() <= 0) {
            throw new UsageException("URL '" + spec.url() + "' has no host and port"
                    + " (expected: dubbo://host:port/com.example.Service)");
        }
        String name = spec.service() != null ? spec.service() : url.path();
        if (name.isEmpty()) {
            throw new UsageException("URL '" + spec.url() + "' names no service"
                    + " (expected: dubbo://host:port/com.example.Service, or --service)");
        }
        String address = url.toBuilder().path(name).build().toString();
        TernClient client = builder(spec).build();
        return reference(client, name, spec, r -> r.url(address), null);
    }

    private static Target discovered(ServiceUrl url, Spec spec) {
        if (spec.service() == null) {
            throw new UsageException("registry URL '" + spec.url() + "' needs the service to call"
                    + " (expected: --service com.example.Service)");
        }
        Registry registry = Registries.connect(forCommandLine(url));
        TernClient client;
        boolean tripleOnly;
        try {
            tripleOnly = tripleOnly(registry, spec);
            client = builder(spec).registry(registry).build();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return reference(client, spec.service(), spec, r -> {
            if (tripleOnly) {
                r.protocol("tri");
            }
        }, registry);
    }

    /**
     * Whether the registry lists the service's providers over Triple alone ({@code tri://}, no
     * {@code dubbo://}), as a service exported for gRPC clients is: then it is called over Triple.
     */
    private static boolean tripleOnly(Registry registry, Spec spec) {
        io.tern.ServiceUrlBuilder consumer = ServiceUrl.builder("consumer").address("127.0.0.1", 0)
                .path(java.util.Objects.requireNonNull(spec.service(), "service"));
        if (spec.group() != null) {
            consumer.group(spec.group());
        }
        if (spec.version() != null) {
            consumer.version(spec.version());
        }
        java.util.List<ServiceUrl> providers = registry.lookup(consumer.build());
        return providers.stream().anyMatch(p -> p.protocol().equals("tri"))
                && providers.stream().noneMatch(p -> p.protocol().equals("dubbo"));
    }

    /**
     * A registry URL as the command line connects to it: no cache file (a command reads the
     * registry, it does not keep providers across runs) and a five-second connection timeout
     * unless the URL gives one.
     */
    static ServiceUrl forCommandLine(ServiceUrl registryUrl) {
        return registryUrl.toBuilder().parameter("file-cache", false).parameter("check", true)
                .parameter("timeout", registryUrl.intParameter("timeout", 5_000)).build();
    }

    private static TernClientBuilder builder(Spec spec) {
        TernClientBuilder builder = Tern.client().application("tern-cli");
        return spec.tls() == null ? builder : builder.tls(spec.tls());
    }

    private static Target reference(TernClient client, String name, Spec spec,
            java.util.function.Consumer<io.tern.bootstrap.ReferenceOptions> where, @Nullable Registry registry) {
        try {
            GenericService service = client.reference(GenericService.class, r -> {
                where.accept(r);
                r.service(name).timeout(spec.timeout()).parameter("connections", Integer.toString(spec.connections()));
                if (spec.group() != null) {
                    r.group(spec.group());
                }
                if (spec.version() != null) {
                    r.version(spec.version());
                }
            }).get();
            return new Target(client, service, name, registry);
        } catch (RuntimeException e) {
            client.close();
            if (registry != null) {
                registry.close();
            }
            throw e;
        }
    }

    /** Calls the method generically; {@code types} may be null for providers that find methods by name. */
    @Nullable Object invoke(String method, String @Nullable [] types, Object[] args) {
        return service.$invoke(method, types, args);
    }

    @Override
    public void close() {
        client.close();
        if (registry != null) {
            registry.close(); // after the client, which unsubscribes from it
        }
    }
}
