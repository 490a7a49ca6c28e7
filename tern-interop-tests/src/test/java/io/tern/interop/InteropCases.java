package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.ClassPolicy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What must hold whichever side is Apache Dubbo: each case calls through the consumer of the
 * concrete test class to its provider.
 */
abstract class InteropCases {

    /** The service at version 1.0.0, no group. */
    abstract InteropService service();

    /** The service in group "blue" at version 2.0.0, implemented separately. */
    abstract InteropService blueService();

    /** A generic call through the consumer side's own generic service. */
    abstract Object genericInvoke(String method, String[] types, Object[] args);

    /** The provider's exception class and message, from what a failed generic call threw. */
    abstract List<String> genericFailure(Throwable thrown);

    @Test
    void aGenericCallsFailureNamesTheProvidersExceptionClassAndMessage() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> genericInvoke("failChecked", new String[] {"java.lang.String"}, new Object[] {"declined"}));
        assertThat(genericFailure(thrown)).containsExactly(InteropException.class.getName(), "declined");
    }

    abstract void setAttachment(String key, String value);

    abstract Object responseAttachment(String key);

    /** The implementation behind {@link #service()}, on the provider side. */
    abstract InteropServiceImpl providerImplementation();

    /** The service with a 200 ms timeout. */
    abstract InteropService impatientService();

    /** The service with {@code notify} as a one-way call. */
    abstract InteropService oneWayService();

    /** Asserts what the consumer side throws for a timed-out call. */
    abstract void assertTimeout(Throwable thrown);

    /** Asserts the consumer side's pending calls are gone; a no-op where they cannot be seen. */
    abstract void assertNothingPending();

    /** Asserts what an argument over the payload limit throws for the caller. */
    abstract void assertPayloadRefused(Throwable thrown);

    /** The size of argument the limit refuses, in bytes. */
    abstract int overLimitBytes();

    /**
     * Grows when the connection between the two sides is replaced: connections opened by a Tern
     * consumer, or connections open on a Tern provider.
     */
    abstract long connectionsMetric();

    /** The shortened heartbeat interval both sides use. */
    abstract Duration heartbeat();

    @Test
    void anIdleConnectionSurvivesSeveralHeartbeatIntervals() {
        assertThat(service().echo("warm")).isEqualTo("warm");
        long connections = connectionsMetric();
        assertThat(connections).isPositive();

        // Ten heartbeat intervals with no calls; a peer closes connections silent for three.
        await().during(heartbeat().multipliedBy(10)).atMost(heartbeat().multipliedBy(20))
                .until(() -> connectionsMetric() == connections);
        assertThat(service().echo("still connected")).isEqualTo("still connected");
    }

    @Test
    void primitivesAndBoxedValues() {
        InteropService s = service();
        assertThat(s.addInts(40, 2)).isEqualTo(42);
        assertThat(s.addLongs(Long.MAX_VALUE - 1, 1)).isEqualTo(Long.MAX_VALUE);
        assertThat(s.scale(2.5, 2.0f)).isEqualTo(5.0);
        assertThat(s.not(false)).isTrue();
        assertThat(s.nextByte((byte) 126)).isEqualTo((byte) 127);
        assertThat(s.nextShort((short) -2)).isEqualTo((short) -1);
        assertThat(s.upper('q')).isEqualTo('Q');
        assertThat(s.boxed(21)).isEqualTo(42);
        assertThat(s.boxed(null)).isNull();
    }

    @Test
    void stringsIncludingNonAsciiAndNull() {
        InteropService s = service();
        String text = "Grüße, 世界! 🙂 ÆØÅ";
        assertThat(s.echo(text)).isEqualTo(text);
        assertThat(s.echo("")).isEmpty();
        assertThat(s.nullable(null)).isEqualTo("was null");
        assertThat(s.nullable("x")).isNull();
    }

    @Test
    void arraysAndCollections() {
        InteropService s = service();
        assertThat(s.reverse(new int[] {1, 2, 3})).containsExactly(3, 2, 1);
        assertThat(s.upperAll(new String[] {"a", "é"})).containsExactly("A", "É");
        assertThat(s.sortedList(List.of("b", "c", "a"))).containsExactly("a", "b", "c");
        assertThat(s.lengths(Set.of("one", "three"))).isEqualTo(Map.of("one", 3, "three", 5));
    }

    @Test
    void enumsDecimalsAndDates() {
        InteropService s = service();
        assertThat(s.next(InteropService.Color.BLUE)).isEqualTo(InteropService.Color.RED);
        assertThat(s.total(new BigDecimal("19.99"), 3)).isEqualByComparingTo("59.97");
        assertThat(s.tomorrow(LocalDate.of(2024, 2, 28))).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(s.plusHours(LocalDateTime.of(2026, 11, 27, 23, 30), 2))
                .isEqualTo(LocalDateTime.of(2026, 11, 28, 1, 30));
    }

    @Test
    void nestedDtoAndAHundredOfThem() {
        InteropService s = service();
        Order order = Order.sample(7);
        assertThat(s.roundTrip(order)).isEqualTo(order);
        List<Order> orders = s.orders(100);
        assertThat(orders).hasSize(100);
        assertThat(orders.get(99)).isEqualTo(Order.sample(99));
    }

    @Test
    void declaredCheckedExceptionArrivesAsItself() {
        assertThatThrownBy(() -> service().failChecked("out of stock"))
                .isExactlyInstanceOf(InteropException.class)
                .hasMessage("out of stock");
    }

    @Test
    void runtimeExceptionArrivesAsItself() {
        assertThatThrownBy(() -> service().failUnchecked("bad quantity"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad quantity");
    }

    /** The JDK exceptions every class policy allows, each of which a service may throw. */
    static List<String> jdkExceptions() {
        return ClassPolicy.standardClassNames().stream()
                .filter(name -> name.startsWith("java."))
                .filter(name -> {
                    try {
                        Class<?> type = Class.forName(name);
                        return Exception.class.isAssignableFrom(type) || Error.class.isAssignableFrom(type);
                    } catch (ClassNotFoundException e) {
                        throw new AssertionError(name, e);
                    }
                })
                .sorted()
                .toList();
    }

    @ParameterizedTest
    @MethodSource("jdkExceptions")
    void everyJdkExceptionTheClassPolicyAllowsArrivesAsItself(String exceptionClass) {
        assertThatThrownBy(() -> service().raise(exceptionClass, "raised " + exceptionClass))
                .satisfies(thrown -> {
                    assertThat(thrown.getClass().getName()).as("%s", thrown).isEqualTo(exceptionClass);
                    assertThat(thrown.getMessage()).contains("raised " + exceptionClass);
                });
    }

    @Test
    void attachmentsTravelBothWays() {
        setAttachment("trace", "t-42");
        assertThat(service().attachment("trace")).isEqualTo("t-42");
        assertThat(responseAttachment("echo")).isEqualTo("pong");
    }

    @Test
    void groupAndVersionRouteToTheirImplementation() {
        assertThat(service().identify()).isEqualTo("default-1.0.0");
        assertThat(blueService().identify()).isEqualTo("blue-2.0.0");
    }

    @Test
    void genericInvocation() {
        Object sum = genericInvoke("addInts", new String[] {"int", "int"}, new Object[] {2, 3});
        assertThat(sum).isEqualTo(5);
        Object order = genericInvoke("orders", new String[] {"int"}, new Object[] {2});
        assertThat(order).isInstanceOf(List.class);
        List<?> list = (List<?>) order;
        assertThat(list).hasSize(2);
        assertThat(list.get(1)).isInstanceOfSatisfying(Map.class,
                map -> assertThat(map.get("customer")).isEqualTo("Zoë Ångström 张伟 1"));
    }

    @Test
    void echo() {
        assertThat(echoCall("ping")).isEqualTo("ping");
    }

    abstract Object echoCall(Object message);

    @Test
    void oneWayCall() {
        String message = "one-way " + System.nanoTime();
        oneWayService().notify(message);
        await().atMost(Duration.ofSeconds(10)).until(() -> providerImplementation().notified.contains(message));
    }

    @Test
    void timeoutLeavesNothingPending() {
        assertThatThrownBy(() -> impatientService().sleep(1_500)).satisfies(this::assertTimeout);
        assertNothingPending();
        assertThat(service().echo("after a timeout")).isEqualTo("after a timeout");
    }

    @Test
    void oneMebibyteArgument() {
        assertThat(service().size(new byte[1 << 20])).isEqualTo(1 << 20);
    }

    @Test
    void argumentOverThePayloadLimitFailsCleanly() {
        assertThatThrownBy(() -> service().size(new byte[overLimitBytes()])).satisfies(this::assertPayloadRefused);
        assertThat(service().echo("still connected")).isEqualTo("still connected");
    }
}
