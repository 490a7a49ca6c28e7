package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.RpcContext;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.triple.TripleProtocol;
import java.math.BigDecimal;
import java.net.Socket;
import java.time.LocalDate;
import java.util.List;
import org.apache.dubbo.config.ReferenceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An Apache Dubbo 3.3.5 Triple consumer calling a Tern Triple provider over a direct URL: plain
 * Java interfaces, wrapped and in Hessian2, unary.
 */
@Timeout(120)
class TripleDubboConsumerToTernProviderTest {

    private static final LifecycleTracker TRACKER = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
    private static TripleProtocol tern;
    private static int port;
    private static DubboPeer dubbo;
    private static InteropService service;
    private static InteropService blue;

    @BeforeAll
    static void start() {
        tern = TripleProtocol.create(TRACKER, ClassPolicy.strict());
        Exporter<InteropService> main = tern.export(Invokers.of(InteropService.class, implementation("tri-1.0.0"),
                ServiceUrl.parse("tri://127.0.0.1:0/" + InteropService.class.getName() + "?version=1.0.0")));
        port = main.url().port();
        tern.export(Invokers.of(InteropService.class, implementation("tri-blue-2.0.0"), ServiceUrl.parse(
                "tri://127.0.0.1:" + port + "/" + InteropService.class.getName() + "?group=blue&version=2.0.0")));
        tern.export(Invokers.of(TernStreams.class, new TernStreams.Impl(),
                ServiceUrl.parse("tri://127.0.0.1:" + port + "/" + TernStreams.NAME)));
        dubbo = DubboPeer.consumer("tri-consumer", List.of());
        service = reference("1.0.0", null);
        blue = reference("2.0.0", "blue");
    }

    @AfterAll
    static void stop() {
        dubbo.close();
        tern.close();
        assertThat(tern.serverCount()).isZero();
        assertThat(TRACKER.counts(ResourceKind.SERVER).live()).isZero();
        assertThat(TRACKER.counts(ResourceKind.EXPORTER).live()).isZero();
        assertThat(listening(port)).as("the port closed with the protocol").isFalse();
    }

    private static InteropServiceImpl implementation(String identity) {
        return new InteropServiceImpl(identity, key -> RpcContext.requestAttachments().get(key),
                RpcContext::setResponseAttachment);
    }

    private static InteropService reference(String version, String group) {
        ReferenceConfig<InteropService> reference = new ReferenceConfig<>();
        reference.setScopeModel(dubbo.module());
        reference.setInterface(InteropService.class);
        reference.setProtocol("tri");
        reference.setUrl("tri://127.0.0.1:" + port);
        reference.setVersion(version);
        if (group != null) {
            reference.setGroup(group);
        }
        reference.setRetries(0);
        reference.setTimeout(10_000);
        return reference.get();
    }

    @Test
    void valuesOfEveryKindTravelWrappedInHessian2() {
        assertThat(service.addInts(2, 40)).isEqualTo(42);
        assertThat(service.addLongs(Long.MAX_VALUE - 1, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(service.not(true)).isFalse();
        assertThat(service.echo("Zoë Ångström 张伟 😀")).isEqualTo("Zoë Ångström 张伟 😀");
        assertThat(service.nullable(null)).isEqualTo("was null");
        assertThat(service.nullable("x")).isNull();
        assertThat(service.reverse(new int[] {1, 2, 3})).containsExactly(3, 2, 1);
        assertThat(service.sortedList(List.of("b", "a"))).containsExactly("a", "b");
        assertThat(service.total(new BigDecimal("9.99"), 3)).isEqualByComparingTo("29.97");
        assertThat(service.tomorrow(LocalDate.of(2026, 12, 31))).isEqualTo(LocalDate.of(2027, 1, 1));
        List<Order> orders = service.orders(100);
        assertThat(orders).hasSize(100);
        assertThat(service.roundTrip(orders.get(7))).isEqualTo(orders.get(7));
    }

    @Test
    void aServerStreamOfAThousandAndABidirectionalEchoReachDubbosObservers() {
        ReferenceConfig<DubboStreams> reference = new ReferenceConfig<>();
        reference.setScopeModel(dubbo.module());
        reference.setInterface(DubboStreams.class);
        reference.setProtocol("tri");
        reference.setUrl("tri://127.0.0.1:" + port);
        reference.setRetries(0);
        reference.setTimeout(10_000);
        DubboStreams streams = reference.get();

        TernStreams.Recorder<Integer> numbers = new TernStreams.Recorder<>();
        streams.count(1_000, numbers);
        assertThat(numbers.awaitEnd()).isNull();
        assertThat(numbers.values).hasSize(1_000).startsWith(1, 2).endsWith(1_000);

        TernStreams.Recorder<String> replies = new TernStreams.Recorder<>();
        org.apache.dubbo.common.stream.StreamObserver<String> requests = streams.echo(replies);
        for (int i = 0; i < 50; i++) {
            requests.onNext("m" + i);
        }
        requests.onCompleted();
        assertThat(replies.awaitEnd()).isNull();
        assertThat(replies.values).hasSize(50).startsWith("echo: m0").endsWith("echo: m49");

        assertThat(streams.name()).isEqualTo("tern");
    }

    @Test
    void groupAndVersionRouteToTheirImplementation() {
        assertThat(service.identify()).isEqualTo("tri-1.0.0");
        assertThat(blue.identify()).isEqualTo("tri-blue-2.0.0");
    }

    @Test
    void aDeclaredExceptionArrivesAsItself() {
        assertThatThrownBy(() -> service.failChecked("no stock")).isInstanceOf(InteropException.class)
                .hasMessage("no stock");
        assertThatThrownBy(() -> service.failUnchecked("bad state")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad state");
    }

    @Test
    void anUnknownVersionIsServedByVersionOneAsDubboServesIt() {
        assertThat(reference("9.9.9", null).identify()).isEqualTo("tri-1.0.0");
    }

    @Test
    void aServiceNotExportedHereIsUnimplemented() {
        InteropService missing = reference("9.9.9", "green");
        assertThatThrownBy(missing::identify).isInstanceOf(org.apache.dubbo.rpc.RpcException.class)
                .hasMessageContaining("UNIMPLEMENTED").hasMessageContaining("service not found: "
                        + InteropService.class.getName());
    }

    @Test
    void attachmentsTravelBothWays() {
        org.apache.dubbo.rpc.RpcContext.getClientAttachment().setAttachment("trace", "t-42");
        assertThat(service.attachment("trace")).isEqualTo("t-42");
        assertThat(org.apache.dubbo.rpc.RpcContext.getClientResponseContext().getObjectAttachment("echo"))
                .isEqualTo("pong");
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return socket.isConnected();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
