package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.EchoService;
import io.tern.Exporter;
import io.tern.GenericService;
import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceDescriptor;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.TestServices.Person;
import io.tern.dubbo.EchoServices.Greeter;
import io.tern.dubbo.EchoServices.GreeterException;
import io.tern.dubbo.EchoServices.GreeterImpl;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DubboProtocolTest {

    private DubboProtocol provider;
    private DubboProtocol consumer;
    private GreeterImpl implementation;
    private Exporter<Greeter> exporter;
    private ServiceUrl url;

    @BeforeEach
    void setUp() {
        provider = DubboProtocol.create();
        consumer = DubboProtocol.create();
        implementation = new GreeterImpl();
        ServiceUrl exportUrl = ServiceUrl.parse("dubbo://127.0.0.1:0/" + Greeter.class.getName() + "?version=1.0");
        exporter = provider.export(Invokers.of(Greeter.class, implementation, exportUrl));
        url = exporter.url();
    }

    @AfterEach
    void tearDown() {
        consumer.close();
        provider.close();
        assertThat(consumer.stats().clientCount()).isZero();
        assertThat(provider.stats().serverCount()).isZero();
    }

    private Greeter refer(String parameters) {
        return Proxies.create(consumer.refer(Greeter.class, ServiceUrl.parse(url.toFullString() + parameters)));
    }

    @Test
    void callsTravelBothWays() {
        Greeter greeter = refer("");

        assertThat(url.port()).isPositive();
        assertThat(greeter.greet("dubbo")).isEqualTo("Hello, dubbo");
        assertThat(greeter.greetAsync("async").join()).isEqualTo("Hello, async");
        Person ada = new Person("Ada 张", 36, LocalDate.of(1815, 12, 10));
        assertThat(greeter.older(ada)).isEqualTo(new Person("Ada 张", 37, LocalDate.of(1815, 12, 10)));
        assertThat(greeter.people(100)).hasSize(100).element(99).extracting(Person::age).isEqualTo(99);
        assertThat(((EchoService) greeter).$echo("ping")).isEqualTo("ping");
    }

    @Test
    void exceptionsArriveAsThemselves() {
        Greeter greeter = refer("");

        assertThatThrownBy(() -> greeter.fail("declared")).isExactlyInstanceOf(GreeterException.class)
                .hasMessage("declared");
        assertThatThrownBy(() -> greeter.failUnchecked("unchecked")).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("unchecked");
    }

    @Test
    void everyStandardExceptionArrivesAsItself() {
        Greeter greeter = refer("");
        List<String> exceptions = io.tern.ClassPolicy.standardClassNames().stream()
                .filter(name -> isExceptionOrError(name))
                .sorted()
                .toList();
        assertThat(exceptions).contains("java.lang.RuntimeException", "java.lang.ClassCastException",
                "java.lang.ClassNotFoundException", "io.tern.RpcException");

        for (String name : exceptions) {
            assertThatThrownBy(() -> greeter.raise(name, "raised " + name)).as(name).satisfies(thrown -> {
                assertThat(thrown.getClass().getName()).isEqualTo(name);
                assertThat(thrown.getMessage()).contains("raised " + name);
            });
        }
    }

    private static boolean isExceptionOrError(String className) {
        try {
            Class<?> type = Class.forName(className);
            return Exception.class.isAssignableFrom(type) || Error.class.isAssignableFrom(type);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(className, e);
        }
    }

    @Test
    void genericCallsReachTheProvider() {
        Invoker<GenericService> invoker = consumer.refer(GenericService.class, url);
        GenericService generic = Proxies.create(invoker);

        Object result = generic.$invoke("older", new String[] {Person.class.getName()},
                new Object[] {Map.of("name", "Ada", "age", 36, "born", LocalDate.of(1815, 12, 10))});
        assertThat(result).isInstanceOfSatisfying(Map.class, map -> assertThat(map.get("age")).isEqualTo(37));
    }

    @Test
    void timeoutsFailTheCallAndLeaveNothingPending() {
        Greeter greeter = refer("&timeout=100");

        assertThatThrownBy(() -> greeter.sleep(2_000))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.TIMEOUT);
                    assertThat(e.getMessage()).contains("no answer in 100 ms");
                });
        assertThat(consumer.stats().pendingCalls()).isZero();
        assertThat(greeter.greet("after")).isEqualTo("Hello, after");
    }

    @Test
    void aCancelledCallLeavesNothingPending() {
        Greeter greeter = refer("&timeout=60000");
        CompletableFuture<String> call = greeter.greetAsync("never mind");
        Invoker<Greeter> invoker = consumer.refer(Greeter.class, url.toBuilder().timeout(Duration.ofMinutes(1)).build());
        CompletableFuture<Result> sleeping = invoker.invoke(Invocation.of(url.serviceKey(),
                ServiceDescriptor.of(Greeter.class).find("sleep", "J"), new Object[] {2_000L}));
        // Sent once the first connection is up; the sleep stays pending for two seconds.
        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.stats().pendingCalls() > 0);

        sleeping.cancel(true);
        call.cancel(true);

        await().atMost(Duration.ofSeconds(10)).until(() -> consumer.stats().pendingCalls() == 0);
        assertThat(sleeping).isCancelled();
        invoker.close();
    }

    @Test
    void oneWayCallsReturnOnceSent() {
        Greeter greeter = refer("&notify.return=false");

        greeter.notify("fire and forget");
        await().atMost(Duration.ofSeconds(10)).until(() -> implementation.notified.contains("fire and forget"));
        assertThat(consumer.stats().pendingCalls()).isZero();
    }

    @Test
    void argumentsOverThePayloadLimitFailCleanlyAndTheConnectionStaysUsable() {
        Greeter greeter = refer("&payload=100000");

        assertThat(greeter.size(new byte[1 << 20 >> 4])).isEqualTo(65536);
        assertThatThrownBy(() -> greeter.size(new byte[200_000]))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.LIMIT_EXCEEDED);
                    assertThat(e.getMessage()).matches("payload: 200\\d{3} bytes \\(expected: <= 100000\\)");
                });
        assertThat(greeter.greet("still here")).isEqualTo("Hello, still here");
    }

    @Test
    void unknownServiceIsNamed() {
        ServiceUrl wrongVersion = url.toBuilder().version("9.9").build();
        Greeter greeter = Proxies.create(consumer.refer(Greeter.class, wrongVersion));

        assertThatThrownBy(() -> greeter.greet("x"))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.SERVICE_NOT_FOUND);
                    assertThat(e.getMessage()).contains("service: " + Greeter.class.getName() + ":9.9 is not exported");
                });
    }

    @Test
    void unexportingTheLastServiceClosesThePort() {
        Greeter greeter = refer("");
        assertThat(greeter.greet("x")).isEqualTo("Hello, x");

        exporter.close();

        assertThat(provider.stats().serverCount()).isZero();
        assertThat(provider.stats().exportedCount()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(() -> greeter.greet("gone"))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.NETWORK)));
    }

    @Test
    void referencesShareOneClientThatTheLastCloses() {
        Invoker<Greeter> first = consumer.refer(Greeter.class, url);
        Invoker<Greeter> second = consumer.refer(Greeter.class, url);
        assertThat(consumer.stats().clientCount()).isEqualTo(1);
        assertThat(Proxies.create(first).greet("1")).isEqualTo("Hello, 1");

        first.close();
        assertThat(consumer.stats().clientCount()).isEqualTo(1);
        assertThat(Proxies.create(second).greet("2")).isEqualTo("Hello, 2");
        second.close();
        assertThat(consumer.stats().clientCount()).isZero();
        assertThat(consumer.stats().referredCount()).isZero();
        assertThat(List.of(first.isDestroyed(), second.isDestroyed())).containsOnly(true);
    }
}
