package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.EchoService;
import io.tern.GenericService;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Proxies;
import io.tern.core.RpcContext;
import io.tern.dubbo.ClientOptions;
import io.tern.dubbo.DubboProtocol;
import java.time.Duration;
import java.util.List;
import org.apache.dubbo.config.ServiceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A Tern consumer calling an Apache Dubbo 3.3.5 provider over a direct URL. */
class TernConsumerToDubboProviderTest extends InteropCases {

    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static int port;
    private static DubboPeer dubbo;
    private static DubboProtocol tern;
    private static InteropServiceImpl implementation;
    private static InteropService service;

    @BeforeAll
    static void start() {
        port = DubboPeer.freePort();
        implementation = dubboImplementation("default-1.0.0");
        ServiceConfig<InteropService> main = new ServiceConfig<>();
        main.setInterface(InteropService.class);
        main.setRef(implementation);
        main.setVersion("1.0.0");
        ServiceConfig<InteropService> blue = new ServiceConfig<>();
        blue.setInterface(InteropService.class);
        blue.setRef(dubboImplementation("blue-2.0.0"));
        blue.setGroup("blue");
        blue.setVersion("2.0.0");
        dubbo = DubboPeer.provider("interop-provider", port, List.of(main, blue), (int) HEARTBEAT.toMillis());
        tern = DubboProtocol.builder()
                .clientOptions(ClientOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)).withHeartbeat(HEARTBEAT))
                .build();
        service = refer(InteropService.class, "");
    }

    @AfterAll
    static void stop() {
        tern.close();
        assertThat(tern.stats().clientCount()).isZero();
        dubbo.close();
    }

    private static InteropServiceImpl dubboImplementation(String identity) {
        return new InteropServiceImpl(identity,
                key -> org.apache.dubbo.rpc.RpcContext.getServerAttachment().getObjectAttachment(key),
                (key, value) -> org.apache.dubbo.rpc.RpcContext.getServerResponseContext().setAttachment(key, value));
    }

    private static <T> T refer(Class<T> type, String parameters) {
        ServiceUrl url = ServiceUrl.parse("dubbo://127.0.0.1:" + port + "/" + InteropService.class.getName()
                + "?version=1.0.0" + parameters);
        return Proxies.create(tern.refer(type, url));
    }

    @Override
    InteropService service() {
        return service;
    }

    @Override
    InteropService blueService() {
        return refer(InteropService.class, "&group=blue&version=2.0.0");
    }

    @Override
    Object genericInvoke(String method, String[] types, Object[] args) {
        return refer(GenericService.class, "").$invoke(method, types, args);
    }

    @Override
    List<String> genericFailure(Throwable thrown) {
        assertThat(thrown).isInstanceOf(io.tern.GenericException.class);
        io.tern.GenericException e = (io.tern.GenericException) thrown;
        return List.of(e.exceptionClass(), e.exceptionMessage());
    }

    @Override
    void setAttachment(String key, String value) {
        RpcContext.setAttachment(key, value);
    }

    @Override
    Object responseAttachment(String key) {
        return RpcContext.responseAttachments().get(key);
    }

    @Override
    InteropServiceImpl providerImplementation() {
        return implementation;
    }

    @Override
    InteropService impatientService() {
        return refer(InteropService.class, "&timeout=200");
    }

    @Override
    InteropService oneWayService() {
        return refer(InteropService.class, "&notify.return=false");
    }

    @Override
    void assertTimeout(Throwable thrown) {
        assertThat(thrown).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status()).isEqualTo(RpcStatus.TIMEOUT));
    }

    @Override
    void assertNothingPending() {
        assertThat(tern.stats().pendingCalls()).isZero();
    }

    @Override
    void assertPayloadRefused(Throwable thrown) {
        assertThat(thrown).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.status()).isEqualTo(RpcStatus.LIMIT_EXCEEDED);
            assertThat(e.getMessage()).endsWith(" bytes (expected: <= 8388608)");
        });
    }

    @Override
    int overLimitBytes() {
        return 9 << 20;
    }

    @Override
    Object echoCall(Object message) {
        return ((EchoService) service).$echo(message);
    }

    @Override
    long connectionsMetric() {
        return tern.stats().connectionsOpened();
    }

    @Override
    Duration heartbeat() {
        return HEARTBEAT;
    }
}
