package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ClassPolicy;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.Proxies;
import io.tern.core.RpcContext;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.triple.TripleProtocol;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.apache.dubbo.config.ServiceConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Tern Triple consumer calling an Apache Dubbo 3.3.5 Triple provider over a direct URL. */
@Timeout(120)
class TripleTernConsumerToDubboProviderTest {

    private static final LifecycleTracker TRACKER = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
    private static DubboPeer dubbo;
    private static int port;
    private static TripleProtocol tern;
    private static Invoker<InteropService> invoker;
    private static InteropService service;

    @BeforeAll
    static void start() {
        port = DubboPeer.freePort();
        ServiceConfig<InteropService> main = new ServiceConfig<>();
        main.setInterface(InteropService.class);
        main.setRef(new InteropServiceImpl("dubbo-tri-1.0.0", key -> org.apache.dubbo.rpc.RpcContext
                .getServerAttachment().getObjectAttachment(key), (key, value) -> org.apache.dubbo.rpc.RpcContext
                .getServerResponseContext().setObjectAttachment(key, value)));
        main.setVersion("1.0.0");
        ServiceConfig<InteropService> blue = new ServiceConfig<>();
        blue.setInterface(InteropService.class);
        blue.setRef(new InteropServiceImpl("dubbo-tri-blue", key -> null, (key, value) -> { }));
        blue.setVersion("2.0.0");
        blue.setGroup("blue");
        ServiceConfig<DubboStreams> streams = new ServiceConfig<>();
        streams.setInterface(DubboStreams.class);
        streams.setRef(new DubboStreams.Impl());
        dubbo = DubboPeer.provider("dubbo-tri-provider", "tri", port, List.of(main, blue, streams), 60_000);
        tern = TripleProtocol.create(TRACKER, ClassPolicy.strict());
        invoker = tern.refer(InteropService.class, url("version=1.0.0"));
        service = Proxies.create(invoker);
    }

    @AfterAll
    static void stop() {
        invoker.close();
        tern.close();
        dubbo.close();
        invoker = null; // let go of what was closed: the tracker reports anything else still reachable
        service = null;
        assertThat(TRACKER.counts(ResourceKind.CLIENT).live()).isZero();
        assertThat(TRACKER.counts(ResourceKind.INVOKER).live()).isZero();
    }

    private static ServiceUrl url(String query) {
        return ServiceUrl.parse("tri://127.0.0.1:" + port + "/" + InteropService.class.getName() + "?timeout=10000&"
                + query);
    }

    @Test
    void aServerStreamOfAThousandAndABidirectionalEchoComeFromDubbo() {
        Invoker<TernStreams> streamsInvoker = tern.refer(TernStreams.class, ServiceUrl.parse("tri://127.0.0.1:" + port
                + "/" + TernStreams.NAME + "?timeout=10000"));
        TernStreams streams = Proxies.create(streamsInvoker);

        TernStreams.Recorder<Integer> numbers = new TernStreams.Recorder<>();
        streams.count(1_000, numbers);
        assertThat(numbers.awaitEnd()).isNull();
        assertThat(numbers.values).hasSize(1_000).startsWith(1, 2).endsWith(1_000);

        TernStreams.Recorder<String> replies = new TernStreams.Recorder<>();
        io.tern.StreamObserver<String> requests = streams.echo(replies);
        for (int i = 0; i < 50; i++) {
            requests.onNext("m" + i);
        }
        requests.onCompleted();
        assertThat(replies.awaitEnd()).isNull();
        assertThat(replies.values).hasSize(50).startsWith("echo: m0").endsWith("echo: m49");

        assertThat(streams.name()).isEqualTo("dubbo");
        streamsInvoker.close();
    }

    @Test
    void valuesOfEveryKindComeBackFromDubbo() {
        assertThat(service.identify()).isEqualTo("dubbo-tri-1.0.0");
        assertThat(service.addInts(2, 40)).isEqualTo(42);
        assertThat(service.echo("Zoë Ångström 张伟 😀")).isEqualTo("Zoë Ångström 张伟 😀");
        assertThat(service.nullable(null)).isEqualTo("was null");
        assertThat(service.nullable("x")).isNull();
        assertThat(service.reverse(new int[] {1, 2, 3})).containsExactly(3, 2, 1);
        assertThat(service.total(new BigDecimal("9.99"), 3)).isEqualByComparingTo("29.97");
        assertThat(service.tomorrow(LocalDate.of(2026, 12, 31))).isEqualTo(LocalDate.of(2027, 1, 1));
        List<Order> orders = service.orders(100);
        assertThat(orders).hasSize(100);
        assertThat(service.roundTrip(orders.get(3))).isEqualTo(orders.get(3));
    }

    @Test
    void groupAndVersionRoute() {
        Invoker<InteropService> blue = tern.refer(InteropService.class, url("version=2.0.0&group=blue"));
        assertThat(Proxies.create(blue).identify()).isEqualTo("dubbo-tri-blue");
        blue.close();
    }

    @Test
    void dubbosExceptionsArriveAsThemselves() {
        assertThatThrownBy(() -> service.failChecked("no stock")).isInstanceOf(InteropException.class)
                .hasMessage("no stock");
        assertThatThrownBy(() -> service.failUnchecked("bad")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad");
    }

    @Test
    void attachmentsTravelBothWays() {
        RpcContext.setAttachment("trace", "t-7");
        assertThat(service.attachment("trace")).isEqualTo("t-7");
        assertThat(RpcContext.responseAttachments()).containsEntry("echo", "pong");
    }

    /**
     * Apache Dubbo's Triple server, asked for a version it does not export, serves version 1.0.0
     * instead, then the bare interface. Tern's server tries the same keys in the same order, but
     * the bare interface only matches a service exported with neither group nor version.
     */
    @Test
    void dubboServesVersionOneForAVersionItDoesNotHave() {
        Invoker<InteropService> missing = tern.refer(InteropService.class, url("version=9.9.9"));
        assertThat(Proxies.create(missing).identify()).isEqualTo("dubbo-tri-1.0.0");
        missing.close();
        Invoker<InteropService> otherGroup = tern.refer(InteropService.class, url("version=2.0.0&group=green"));
        // ... and for a group it does not have either: the bare interface, whichever service took it last
        assertThat(Proxies.create(otherGroup).identify()).isIn("dubbo-tri-1.0.0", "dubbo-tri-blue");
        otherGroup.close();
    }
}
