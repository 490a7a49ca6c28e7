package io.tern.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.EchoService;
import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.TestServices.Greeter;
import io.tern.core.TestServices.GreeterException;
import io.tern.core.TestServices.GreeterImpl;
import io.tern.core.injvm.InjvmProtocol;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxiesTest {

    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
    private final ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/" + Greeter.class.getName() + "?version=1.0");
    private InjvmProtocol protocol;
    private Exporter<Greeter> exporter;
    private Invoker<Greeter> invoker;
    private Greeter greeter;

    @BeforeEach
    void setUp() {
        protocol = InjvmProtocol.builder().tracker(tracker).build();
        exporter = protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url, tracker));
        invoker = protocol.refer(Greeter.class, url);
        greeter = Proxies.create(invoker);
    }

    @AfterEach
    void tearDown() {
        protocol.close();
        assertThat(protocol.stats().exportedCount()).isZero();
        assertThat(protocol.stats().referredCount()).isZero();
    }

    @Test
    void synchronousCallsReturnValuesAndPrimitives() {
        assertThat(greeter.greet("Tern")).isEqualTo("Hello, Tern");
        assertThat(greeter.length("four")).isEqualTo(4);
    }

    @Test
    void asyncMethodsReturnAtOnceAndCompleteWithTheValue() {
        CompletableFuture<String> future = greeter.greetAsync("later");
        assertThat(future.join()).isEqualTo("Hello, later");
    }

    @Test
    void declaredCheckedExceptionsArriveAsThemselves() {
        assertThatThrownBy(() -> greeter.fail("no"))
                .isExactlyInstanceOf(GreeterException.class)
                .hasMessage("no");
    }

    @Test
    void runtimeExceptionsArriveAsThemselves() {
        assertThatThrownBy(() -> greeter.failUnchecked("bad state"))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("bad state");
    }

    @Test
    void undeclaredCheckedExceptionsAreWrappedAsServiceErrors() {
        assertThatThrownBy(() -> greeter.failUndeclared("io"))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.SERVICE_ERROR);
                    assertThat(e.getCause()).isInstanceOf(java.io.IOException.class).hasMessage("io");
                });
    }

    @Test
    void objectMethodsAreAnsweredLocally() {
        Greeter other = Proxies.create(invoker);
        assertThat(greeter.toString()).isEqualTo("Proxy[" + Greeter.class.getName() + " -> " + url + "]");
        assertThat(greeter).isEqualTo(greeter).isNotEqualTo(other);
        assertThat(greeter.hashCode()).isEqualTo(System.identityHashCode(greeter));
    }

    @Test
    void everyProxyAnswersEcho() {
        assertThat(((EchoService) greeter).$echo("ping")).isEqualTo("ping");
    }

    @Test
    void callsOnADestroyedInvokerFailFastNamingTheService() {
        invoker.close();

        assertThatThrownBy(() -> greeter.greet("late"))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.DESTROYED);
                    assertThat(e.getMessage()).matches("invoker destroyed: " + Greeter.class.getName().replace("$", "\\$")
                            + ":1\\.0 \\(since \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\)");
                });
        assertThat(invoker.url()).isEqualTo(url);
    }

    @Test
    void asyncCallsOnADestroyedInvokerFailTheFuture() {
        invoker.close();

        CompletableFuture<String> future = greeter.greetAsync("late");
        assertThatThrownBy(future::get)
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.status()).isEqualTo(RpcStatus.DESTROYED));
    }

    @Test
    void unexportedServiceIsNotFound() {
        exporter.close();

        assertThatThrownBy(() -> greeter.greet("anyone"))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.SERVICE_NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("service: " + Greeter.class.getName()
                            + ":1.0 is not exported in this JVM (expected: an exported service)");
                });
        assertThat(invoker.isAvailable()).isFalse();
    }
}
