package io.tern.bootstrap;

import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.MethodDescriptor;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.ServiceUrl;
import io.tern.ServiceUrlBuilder;
import io.tern.registry.discovery.AppMetadata;
import io.tern.registry.discovery.InstanceMetadata;
import io.tern.registry.discovery.InstanceNode;
import io.tern.registry.discovery.MetadataInfoMessage;
import io.tern.registry.discovery.MetadataService;
import io.tern.registry.discovery.MetadataServiceV2;
import io.tern.registry.discovery.MetadataSource;
import io.tern.registry.discovery.ServiceInfo;
import io.tern.registry.discovery.v2.MetadataInfoV2;
import io.tern.registry.discovery.v2.MetadataRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Asks an instance for the metadata of the revision it advertises, as Apache Dubbo's consumers
 * do: a call of {@code getMetadataInfo} on its metadata service (group = the application), at the
 * protocol and port its metadata-service parameters give (else dubbo at the instance's port),
 * made for the one call and closed after it. An instance advertising {@code meta-v=2.0.0} over
 * Triple is asked through {@link MetadataServiceV2} (protobuf); any other through
 * {@link MetadataService} (version 1.0.0, Hessian2).
 */
final class InstanceMetadataSource implements MetadataSource {

    /** Makes the invoker of one call. */
    interface Referrer {
        <T> Invoker<T> refer(Class<T> type, ServiceUrl url);
    }

    /** How long an instance has to answer, as Dubbo's default for the metadata service. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final MethodDescriptor GET_METADATA_INFO = Objects.requireNonNull(
            ServiceDescriptor.of(MetadataService.class).find("getMetadataInfo", "Ljava/lang/String;"));
    private static final MethodDescriptor GET_METADATA_INFO_V2 = ServiceDescriptor.of(MetadataServiceV2.class)
            .find("getMetadataInfo").get(0);
    /** Parameters of the advertised ones that say where to call, not how. */
    private static final Set<String> WHERE = Set.of("port", "protocol");

    private final Referrer referrer;

    /** Calls through invokers {@code referrer} makes (and closes them after the call). */
    InstanceMetadataSource(Referrer referrer) {
        this.referrer = referrer;
    }

    @Override
    public CompletableFuture<AppMetadata> metadata(InstanceNode instance) {
        String revision = instance.revision();
        ServiceUrl url = metadataServiceUrl(instance);
        boolean v2 = url.path().equals(MetadataServiceV2.NAME);
        Invoker<?> invoker = v2 ? referrer.refer(MetadataServiceV2.class, url) : referrer.refer(MetadataService.class, url);
        CompletableFuture<Result> call;
        try {
            call = invoker.invoke(v2
                    ? Invocation.of(url.serviceKey(), GET_METADATA_INFO_V2,
                            new Object[] {MetadataRequest.newBuilder().setRevision(revision).build()})
                    : Invocation.of(url.serviceKey(), GET_METADATA_INFO, new Object[] {revision}));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.whenComplete((result, failure) -> invoker.closeAsync()).thenApply(result -> {
            Throwable failed = result.exception();
            if (failed != null) {
                throw new RpcException(RpcStatus.SERVICE_ERROR, url.address() + " answered " + failed, failed);
            }
            Object answer = result.value();
            return appMetadata(instance, answer instanceof MetadataInfoV2 message ? MetadataInfoMessage.fromV2(message)
                    : answer);
        });
    }

    /** Where the instance's metadata service answers, and how to call it. */
    static ServiceUrl metadataServiceUrl(InstanceNode instance) {
        Map<String, String> params = InstanceMetadata.metadataServiceParams(instance.metadata());
        String protocol = params.getOrDefault("protocol", "dubbo");
        int port = instance.port();
        String advertised = params.get("port");
        if (advertised != null) {
            try {
                port = Integer.parseInt(advertised);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(InstanceMetadata.METADATA_SERVICE_PARAMS + ": port '" + advertised
                        + "' of instance " + instance.id() + " (expected: a port number)");
            }
        }
        boolean v2 = "tri".equals(protocol)
                && MetadataServiceV2.VERSION.equals(instance.metadata().get(InstanceMetadata.METADATA_SERVICE_VERSION));
        String name = v2 ? MetadataServiceV2.NAME : MetadataService.NAME;
        ServiceUrlBuilder url = ServiceUrl.builder(protocol).address(instance.host(), port).path(name);
        params.forEach((key, value) -> {
            if (!WHERE.contains(key)) {
                url.parameter(key, value);
            }
        });
        return url.interfaceName(name).group(instance.app()).version(v2 ? MetadataServiceV2.VERSION
                : MetadataService.VERSION).timeout(TIMEOUT).retries(0).parameter("side", "consumer").build();
    }

    /** The answer read as the metadata of the instance's revision; refused when it is anything else. */
    static AppMetadata appMetadata(InstanceNode instance, @org.jspecify.annotations.Nullable Object answer) {
        String revision = instance.revision();
        if (!(answer instanceof MetadataInfoMessage message) || message.app().isEmpty() && message.services().isEmpty()) {
            throw new RpcException(RpcStatus.SERVICE_ERROR, "instance " + instance.id() + " of " + instance.app()
                    + " answered " + (answer instanceof MetadataInfoMessage || answer == null ? "nothing"
                            : "a " + answer.getClass().getName())
                    + " for revision " + revision + " (expected: its metadata; the revision is no longer kept?)");
        }
        if (!revision.equals(message.revision()) || !instance.app().equals(message.app())) {
            throw new RpcException(RpcStatus.SERVICE_ERROR, "instance " + instance.id() + " answered revision "
                    + message.revision() + " of " + message.app() + " (expected: revision " + revision + " of "
                    + instance.app() + ")");
        }
        Map<String, ServiceInfo> services = new TreeMap<>();
        if (message.services() != null) {
            message.services().forEach((key, service) -> {
                if (service != null) {
                    if (service.name() == null) {
                        throw new RpcException(RpcStatus.SERVICE_ERROR, "instance " + instance.id() + " of "
                                + instance.app() + " answered service " + key + " without a name (expected: each"
                                + " service's interface)");
                    }
                    ServiceInfo info = new ServiceInfo(service.name(), orEmpty(service.group()),
                            orEmpty(service.version()), orEmpty(service.protocol()), service.port(),
                            orEmpty(service.path()), service.params() == null ? Map.of() : service.params());
                    services.put(info.matchKey(), info);
                }
            });
        }
        return new AppMetadata(message.app(), new TreeMap<>(services));
    }

    private static String orEmpty(@org.jspecify.annotations.Nullable String value) {
        return value == null ? "" : value;
    }
}
