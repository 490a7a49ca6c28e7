package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.EchoServices.Greeter;
import io.tern.dubbo.EchoServices.GreeterImpl;
import io.tern.transport.ConnectionLimits;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Reconnects, lazy connections, dispatch options, and options read from URLs. */
class ConnectionAndDispatchTest {

    private static final String PATH = Greeter.class.getName();

    @Test
    void aConsumerReconnectsWhenTheProviderComesBackOnItsPort() {
        try (DubboProtocol provider = DubboProtocol.create(); DubboProtocol consumer = DubboProtocol.create()) {
            Exporter<Greeter> first = provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH)));
            ServiceUrl url = first.url();
            Invoker<Greeter> invoker = consumer.refer(Greeter.class, url);
            Greeter greeter = Proxies.create(invoker);
            assertThat(greeter.greet("before")).isEqualTo("Hello, before");

            first.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !invoker.isAvailable());
            assertThatThrownBy(() -> greeter.greet("while away"))
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(RpcStatus.NETWORK);
                        assertThat(e.getMessage()).startsWith("no connection to 127.0.0.1:" + url.port());
                    });

            provider.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
            await().atMost(Duration.ofSeconds(30)).until(invoker::isAvailable);
            assertThat(greeter.greet("after")).isEqualTo("Hello, after");
            assertThat(consumer.stats().connectionsOpened()).isEqualTo(2);
        }
    }

    @Test
    void aLazyReferenceConnectsAtItsFirstCall() {
        try (DubboProtocol provider = DubboProtocol.create(); DubboProtocol consumer = DubboProtocol.create()) {
            ServiceUrl url = provider.export(Invokers.of(Greeter.class, new GreeterImpl(),
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH))).url();
            Greeter greeter = Proxies.create(consumer.refer(Greeter.class,
                    url.toBuilder().parameter("lazy", true).build()));
            assertThat(consumer.stats().connectionsOpened()).isZero();
            assertThat(provider.stats().acceptedConnections()).isZero();

            assertThat(greeter.greet("lazy")).isEqualTo("Hello, lazy");
            assertThat(consumer.stats().connectionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void directDispatchRunsCallsOnTheIoThread() {
        EchoServices.ThreadRecordingGreeter recording = new EchoServices.ThreadRecordingGreeter();
        AtomicReference<String> thread = recording.thread;
        try (DubboProtocol provider = DubboProtocol.create(); DubboProtocol consumer = DubboProtocol.create()) {
            ServiceUrl url = provider.export(Invokers.of(Greeter.class, recording,
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH + "?dispatch=direct"))).url();
            assertThat(Proxies.create(consumer.refer(Greeter.class, url)).greet("io")).isEqualTo("Hello, io");
            assertThat(thread.get()).startsWith("tern-io-");
        }
    }

    @Test
    void poolDispatchRunsCallsOnTheServerPool() {
        EchoServices.ThreadRecordingGreeter recording = new EchoServices.ThreadRecordingGreeter();
        AtomicReference<String> thread = recording.thread;
        try (DubboProtocol provider = DubboProtocol.create(); DubboProtocol consumer = DubboProtocol.create()) {
            ServiceUrl url = provider.export(Invokers.of(Greeter.class, recording,
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH))).url();
            assertThat(Proxies.create(consumer.refer(Greeter.class, url)).greet("pool")).isEqualTo("Hello, pool");
            assertThat(thread.get()).startsWith("tern-server-");
        }
    }

    @Test
    void virtualThreadDispatchNeedsJava21() {
        try (DubboProtocol provider = DubboProtocol.create(); DubboProtocol consumer = DubboProtocol.create()) {
            ServiceUrl exportUrl = ServiceUrl.parse("dubbo://127.0.0.1:0/" + PATH + "?dispatch=virtual");
            if (Runtime.version().feature() >= 21) {
                ServiceUrl url = provider.export(Invokers.of(Greeter.class, new GreeterImpl(), exportUrl)).url();
                assertThat(Proxies.create(consumer.refer(Greeter.class, url)).greet("v")).isEqualTo("Hello, v");
            } else {
                assertThatThrownBy(() -> provider.export(Invokers.of(Greeter.class, new GreeterImpl(), exportUrl)))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("dispatch: virtual (expected: Java 21 or later; this is Java "
                                + Runtime.version().feature() + ")");
                assertThat(provider.stats().serverCount()).isZero();
            }
        }
    }

    @Test
    void optionsAreReadFromDubboParameterNamesAndValidated() {
        ServiceUrl url = ServiceUrl.parse("dubbo://127.0.0.1:0/x?threads=8&queues=16&payload=1024&heartbeat=500"
                + "&dispatcher=direct&shutdown.timeout=250&timeout=750&connections=2&lazy=true&connect.timeout=900"
                + "&accepts=100&accepts.per.address=10&inbound.budget=4096&frame.timeout=2000");
        ServerOptions server = ServerOptions.DEFAULT.withUrl(url);
        assertThat(server).isEqualTo(new ServerOptions(Dispatch.DIRECT, 8, 16, 1024, Duration.ofMillis(500),
                Duration.ofMillis(250), new ConnectionLimits(100, 10, 4096, Duration.ofSeconds(2))));
        ClientOptions client = ClientOptions.DEFAULT.withUrl(url);
        assertThat(client.timeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(client.connections()).isEqualTo(2);
        assertThat(client.lazy()).isTrue();
        assertThat(client.connectTimeout()).isEqualTo(Duration.ofMillis(900));

        assertThatThrownBy(() -> ServerOptions.DEFAULT.withUrl(ServiceUrl.parse("dubbo://h:1/x?threads=0")))
                .hasMessage("threads: 0 (expected: > 0)");
        assertThatThrownBy(() -> ServerOptions.DEFAULT.withUrl(ServiceUrl.parse("dubbo://h:1/x?dispatch=fast")))
                .hasMessage("dispatch: 'fast' (expected: direct, pool or virtual)");
        assertThatThrownBy(() -> ClientOptions.DEFAULT.withUrl(ServiceUrl.parse("dubbo://h:1/x?heartbeat=soon")))
                .hasMessage("heartbeat: 'soon' (expected: milliseconds, an integer >= 0)");
    }

    @Test
    void aProviderAddressIsRequiredToRefer() {
        try (DubboProtocol consumer = DubboProtocol.create()) {
            assertThatThrownBy(() -> consumer.refer(Greeter.class, ServiceUrl.parse("dubbo://127.0.0.1/" + PATH)))
                    .hasMessage("url: dubbo://127.0.0.1/" + PATH + " (expected: a provider address host:port)");
        }
    }
}
