package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.Exporter;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.RpcContext;
import io.tern.dubbo.DubboProtocol;
import io.tern.dubbo.ServerOptions;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.dubbo.config.MethodConfig;
import org.apache.dubbo.config.ReferenceConfig;
import org.apache.dubbo.rpc.service.EchoService;
import org.apache.dubbo.rpc.service.GenericService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** An Apache Dubbo 3.3.5 consumer calling a Tern provider over a direct URL. */
class DubboConsumerToTernProviderTest extends InteropCases {

    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final int PAYLOAD_LIMIT = 2 << 20;
    private static DubboProtocol tern;
    private static DubboPeer dubbo;
    private static InteropServiceImpl implementation;
    private static InteropService service;
    private static InteropService blue;
    private static InteropService impatient;
    private static GenericService generic;

    @BeforeAll
    static void start() {
        tern = DubboProtocol.builder()
                .serverOptions(ServerOptions.DEFAULT.withHeartbeat(HEARTBEAT).withPayloadLimit(PAYLOAD_LIMIT))
                .build();
        implementation = ternImplementation("default-1.0.0");
        Exporter<InteropService> main = tern.export(Invokers.of(InteropService.class, implementation,
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + InteropService.class.getName() + "?version=1.0.0")));
        int port = main.url().port();
        tern.export(Invokers.of(InteropService.class, ternImplementation("blue-2.0.0"), ServiceUrl.parse(
                "dubbo://127.0.0.1:" + port + "/" + InteropService.class.getName() + "?group=blue&version=2.0.0")));

        dubbo = DubboPeer.consumer("interop-consumer", List.of());
        String url = "dubbo://127.0.0.1:" + port;
        service = reference(url, "1.0.0", null, 10_000, null);
        impatient = reference(url, "1.0.0", null, 200, null);
        blue = reference(url, "2.0.0", "blue", 10_000, null);
        ReferenceConfig<GenericService> genericReference = new ReferenceConfig<>();
        genericReference.setScopeModel(dubbo.module());
        genericReference.setInterface(InteropService.class.getName());
        genericReference.setGeneric("true");
        genericReference.setUrl(url);
        genericReference.setVersion("1.0.0");
        genericReference.setRetries(0);
        genericReference.setTimeout(10_000);
        generic = genericReference.get();
    }

    private static InteropService reference(String url, String version, String group, int timeout,
            List<MethodConfig> methods) {
        ReferenceConfig<InteropService> reference = new ReferenceConfig<>();
        reference.setScopeModel(dubbo.module());
        reference.setInterface(InteropService.class);
        reference.setUrl(url);
        reference.setVersion(version);
        if (group != null) {
            reference.setGroup(group);
        }
        reference.setRetries(0);
        reference.setTimeout(timeout);
        reference.setParameters(Map.of("heartbeat", Long.toString(HEARTBEAT.toMillis())));
        MethodConfig notify = new MethodConfig();
        notify.setName("notify");
        notify.setReturn(false);
        reference.setMethods(methods != null ? methods : List.of(notify));
        return reference.get();
    }

    @AfterAll
    static void stop() {
        dubbo.close();
        tern.close();
        assertThat(tern.stats().serverCount()).isZero();
    }

    private static InteropServiceImpl ternImplementation(String identity) {
        return new InteropServiceImpl(identity, key -> RpcContext.requestAttachments().get(key),
                RpcContext::setResponseAttachment);
    }

    @Override
    InteropService service() {
        return service;
    }

    @Override
    InteropService blueService() {
        return blue;
    }

    @Override
    Object genericInvoke(String method, String[] types, Object[] args) {
        return generic.$invoke(method, types, args);
    }

    @Override
    List<String> genericFailure(Throwable thrown) {
        assertThat(thrown).isInstanceOf(org.apache.dubbo.rpc.service.GenericException.class);
        org.apache.dubbo.rpc.service.GenericException e = (org.apache.dubbo.rpc.service.GenericException) thrown;
        return List.of(e.getExceptionClass(), e.getExceptionMessage());
    }

    @Override
    void setAttachment(String key, String value) {
        org.apache.dubbo.rpc.RpcContext.getClientAttachment().setAttachment(key, value);
    }

    @Override
    Object responseAttachment(String key) {
        return org.apache.dubbo.rpc.RpcContext.getClientResponseContext().getObjectAttachment(key);
    }

    @Override
    InteropServiceImpl providerImplementation() {
        return implementation;
    }

    @Override
    InteropService impatientService() {
        return impatient;
    }

    @Override
    InteropService oneWayService() {
        return service;
    }

    @Override
    void assertTimeout(Throwable thrown) {
        assertThat(thrown).isInstanceOfSatisfying(org.apache.dubbo.rpc.RpcException.class,
                e -> assertThat(e.isTimeout()).isTrue());
    }

    @Override
    void assertNothingPending() {
        await().atMost(Duration.ofSeconds(10)).until(() -> dubboPendingFutures() == 0);
    }

    private static int dubboPendingFutures() throws ReflectiveOperationException {
        Class<?> futures = Class.forName("org.apache.dubbo.remoting.exchange.support.DefaultFuture");
        Field field = futures.getDeclaredField("FUTURES");
        field.setAccessible(true);
        return ((Map<?, ?>) field.get(null)).size();
    }

    @Override
    void assertPayloadRefused(Throwable thrown) {
        assertThat(thrown).isInstanceOf(org.apache.dubbo.rpc.RpcException.class)
                .hasMessageContaining("bytes (expected: <= " + PAYLOAD_LIMIT + ")");
    }

    @Override
    int overLimitBytes() {
        return 3 << 20;
    }

    @Override
    Object echoCall(Object message) {
        return ((EchoService) service).$echo(message);
    }

    @Override
    long connectionsMetric() {
        return tern.stats().acceptedConnections();
    }

    @Override
    Duration heartbeat() {
        return HEARTBEAT;
    }
}
