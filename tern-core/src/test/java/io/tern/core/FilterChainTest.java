package io.tern.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.Filter;
import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.TestServices.Greeter;
import io.tern.core.TestServices.GreeterImpl;
import io.tern.core.injvm.InjvmProtocol;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FilterChainTest {

    private final ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/" + Greeter.class.getName());

    private static Filter recording(List<String> log, String name, int order) {
        return new Filter() {
            @Override
            public CompletableFuture<Result> invoke(Invoker<?> next, Invocation invocation) {
                log.add(name);
                return next.invoke(invocation);
            }

            @Override
            public int order() {
                return order;
            }
        };
    }

    @Test
    void filtersRunByOrderThenRegistrationOnBothSides() {
        List<String> log = new CopyOnWriteArrayList<>();
        try (InjvmProtocol protocol = InjvmProtocol.builder()
                .consumerFilters(List.of(recording(log, "consumer-b", 10), recording(log, "consumer-a", -5),
                        recording(log, "consumer-c", 10)))
                .providerFilters(List.of(recording(log, "provider-a", 0)))
                .build()) {
            protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
            Greeter greeter = Proxies.create(protocol.refer(Greeter.class, url));

            assertThat(greeter.greet("filters")).isEqualTo("Hello, filters");
            assertThat(log).containsExactly("consumer-a", "consumer-b", "consumer-c", "provider-a");
        }
    }

    @Test
    void attachmentsSetByConsumerFiltersReachProviderFiltersAndResultsCarryThemBack() {
        List<Object> seen = new CopyOnWriteArrayList<>();
        Filter consumer = (next, invocation) -> {
            invocation.setAttachment("trace-id", "t-1");
            return next.invoke(invocation).thenApply(result -> {
                seen.add(result.attachments().get("served-by"));
                return result;
            });
        };
        Filter provider = (next, invocation) -> {
            seen.add(invocation.attachment("trace-id"));
            return next.invoke(invocation).thenApply(r -> r.withAttachments(java.util.Map.of("served-by", "p-1")));
        };
        try (InjvmProtocol protocol = InjvmProtocol.builder()
                .consumerFilters(List.of(consumer)).providerFilters(List.of(provider)).build()) {
            protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
            Greeter greeter = Proxies.create(protocol.refer(Greeter.class, url));

            greeter.greet("x");
            assertThat(seen).containsExactly("t-1", "p-1");
        }
    }

    @Test
    void aFilterBoundToAnInvokerServesOnlyItAndClosesWithIt() {
        List<String> log = new CopyOnWriteArrayList<>();
        final class Counting implements Filter, AutoCloseable {
            private final String name;

            Counting(String name) {
                this.name = name;
            }

            @Override
            public CompletableFuture<Result> invoke(Invoker<?> next, Invocation invocation) {
                log.add("call " + name);
                return next.invoke(invocation);
            }

            @Override
            public void close() {
                log.add("close " + name);
            }
        }
        Filter binding = new Filter() {
            @Override
            public CompletableFuture<Result> invoke(Invoker<?> next, Invocation invocation) {
                throw new AssertionError("the unbound filter never runs");
            }

            @Override
            public Filter bind(Invoker<?> invoker) {
                log.add("bind " + invoker.url().parameter("n"));
                return new Counting(invoker.url().parameter("n"));
            }
        };
        FilterChain chain = FilterChain.of(binding, recording(log, "shared", 1));
        Invoker<Greeter> first = chain.wrap(Invokers.of(Greeter.class, new GreeterImpl(),
                url.toBuilder().parameter("n", "1").build()));
        Invoker<Greeter> second = chain.wrap(Invokers.of(Greeter.class, new GreeterImpl(),
                url.toBuilder().parameter("n", "2").build()));
        assertThat(Proxies.create(first).greet("a")).isEqualTo("Hello, a");
        assertThat(Proxies.create(second).greet("b")).isEqualTo("Hello, b");

        first.close();
        first.close(); // once
        assertThat(log).containsExactly("bind 1", "bind 2", "call 1", "shared", "call 2", "shared", "close 1");
        second.close();
        assertThat(log).endsWith("close 2");
        assertThat(first.isDestroyed()).isTrue();
    }

    @Test
    void aFilterMayAnswerTheCallItself() {
        Filter deny = (next, invocation) -> CompletableFuture.failedFuture(
                new RpcException(RpcStatus.FORBIDDEN, "caller: anonymous (expected: a signed-in caller)"));
        try (InjvmProtocol protocol = InjvmProtocol.builder().providerFilters(List.of(deny)).build()) {
            protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
            Greeter greeter = Proxies.create(protocol.refer(Greeter.class, url));

            assertThatThrownBy(() -> greeter.greet("x"))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN));
        }
    }

    @Test
    void aThrowingFilterFailsTheCallInsteadOfThrowingThroughTheChain() {
        Filter broken = (next, invocation) -> {
            throw new IllegalStateException("broken filter");
        };
        Invoker<Greeter> invoker = FilterChain.of(broken).wrap(Invokers.of(Greeter.class, new GreeterImpl(), url));

        CompletableFuture<Result> future = invoker.invoke(io.tern.Invocation.of(url.serviceKey(),
                io.tern.ServiceDescriptor.of(Greeter.class).find("greet", "Ljava/lang/String;"), new Object[] {"x"}));
        assertThat(future).isCompletedExceptionally();
        assertThatThrownBy(() -> Result.await(future))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.INTERNAL);
                    assertThat(e.getMessage()).contains("broken filter");
                });
    }

    @Test
    void closingTheChainClosesTheInvokerItWraps() {
        Invoker<Greeter> inner = Invokers.of(Greeter.class, new GreeterImpl(), url);
        Invoker<Greeter> chain = FilterChain.of((next, invocation) -> next.invoke(invocation)).wrap(inner);

        chain.close();
        assertThat(inner.isDestroyed()).isTrue();
        assertThat(chain.isDestroyed()).isTrue();
        assertThat(chain.url()).isSameAs(url);
    }
}
