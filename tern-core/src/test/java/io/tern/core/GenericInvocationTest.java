package io.tern.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ClassPolicy;
import io.tern.GenericService;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.TestServices.Greeter;
import io.tern.core.TestServices.GreeterException;
import io.tern.core.TestServices.GreeterImpl;
import io.tern.core.injvm.InjvmProtocol;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Generic calls to a provider that knows the interface, from a consumer that does not. */
class GenericInvocationTest {

    private final ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/" + Greeter.class.getName());
    private InjvmProtocol protocol;
    private GenericService generic;

    @BeforeEach
    void setUp() {
        // a subtype reaches a service only when the policy allows it: here by configuration
        protocol = InjvmProtocol.builder().classPolicy(ClassPolicy.strict().allowClass(TestServices.Employee.class))
                .build();
        protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
        Invoker<GenericService> invoker = protocol.refer(GenericService.class, url);
        generic = Proxies.create(invoker);
    }

    @AfterEach
    void tearDown() {
        protocol.close();
    }

    @Test
    void exceptionsComeBackAsGenericExceptionsNamingTheProvidersClass() {
        assertThatThrownBy(() -> generic.$invoke("fail", null, new Object[] {"declared"}))
                .isInstanceOfSatisfying(io.tern.GenericException.class, e -> {
                    assertThat(e.exceptionClass()).isEqualTo(GreeterException.class.getName());
                    assertThat(e.exceptionMessage()).isEqualTo("declared");
                });
    }

    private static Map<String, Object> person(String name, int age, String born) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("name", name);
        map.put("age", age);
        map.put("born", born);
        return map;
    }

    @Test
    void valuesTravelAsThemselves() {
        assertThat(generic.$invoke("greet", new String[] {"java.lang.String"}, new Object[] {"generic"}))
                .isEqualTo("Hello, generic");
        assertThat(generic.$invoke("length", null, new Object[] {"abc"})).isEqualTo(3);
    }

    @Test
    void pojosTravelAsMapsBothWays() {
        Object result = generic.$invoke("older",
                new String[] {TestServices.Person.class.getName(), "int"},
                new Object[] {person("Ada", 36, "1815-12-10"), 1L});

        assertThat(result).isInstanceOfSatisfying(Map.class, map -> {
            assertThat(map.get("class")).isEqualTo(TestServices.Person.class.getName());
            assertThat(map.get("name")).isEqualTo("Ada");
            assertThat(map.get("age")).isEqualTo(37);
            assertThat(map.get("born")).isEqualTo(java.time.LocalDate.of(1815, 12, 10));
        });
    }

    @Test
    void classEntryChoosesASubtypeOfTheDeclaredType() {
        Map<String, Object> employee = person("Grace", 40, "1906-12-09");
        employee.put("class", TestServices.Employee.class.getName());
        employee.put("company", "Navy");

        assertThat(generic.$invoke("describe", new String[] {TestServices.Person.class.getName()},
                new Object[] {employee})).isEqualTo("Employee Grace 40 at Navy");
    }

    @Test
    void classEntryNamingAnUnrelatedClassIsRefused() {
        Map<String, Object> unrelated = person("x", 1, "2000-01-01");
        unrelated.put("class", "java.util.UUID");

        assertThatThrownBy(() -> generic.$invoke("describe", new String[] {TestServices.Person.class.getName()},
                new Object[] {unrelated}))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.BAD_REQUEST);
                    assertThat(e.getMessage()).isEqualTo("argument 1 of describe: class: 'java.util.UUID'"
                            + " (expected: " + TestServices.Person.class.getName() + " or a subtype)");
                });
    }

    @Test
    void classEntryNamingAClassThePolicyRefusesIsRefusedBeforeItLoads() {
        for (String name : List.of("java.lang.ProcessBuilder", "javax.naming.InitialContext",
                "io.tern.core.TestServices$Unlisted")) {
            Map<String, Object> hostile = person("x", 1, "2000-01-01");
            hostile.put("class", name);
            assertThatThrownBy(() -> generic.$invoke("describe", new String[] {TestServices.Person.class.getName()},
                    new Object[] {hostile}))
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
                        assertThat(e.getMessage()).isEqualTo(ClassPolicy.refusal(name).getMessage());
                    });
        }
    }

    @Test
    void aSubtypeThePolicyDoesNotAllowIsRefusedOnAProtocolWithTheDefaultPolicy() {
        try (InjvmProtocol strict = InjvmProtocol.create()) {
            strict.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
            GenericService service = Proxies.create(strict.refer(GenericService.class, url));
            Map<String, Object> employee = person("Grace", 40, "1906-12-09");
            employee.put("class", TestServices.Employee.class.getName());
            assertThatThrownBy(() -> service.$invoke("describe", new String[] {TestServices.Person.class.getName()},
                    new Object[] {employee}))
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.getMessage())
                            .isEqualTo(ClassPolicy.refusal(TestServices.Employee.class.getName()).getMessage()));
        }
    }

    @Test
    void numbersThatDoNotFitTheParameterAreRefusedNotTruncated() {
        String[] types = {TestServices.Person.class.getName(), "int"};
        for (Object years : List.<Object>of(new java.math.BigDecimal("1e999999"), java.math.BigInteger.TEN.pow(999),
                3_000_000_000L, 1.5, Double.POSITIVE_INFINITY, new java.math.BigDecimal("2.5"))) {
            assertThatThrownBy(() -> generic.$invoke("older", types, new Object[] {person("Ada", 36, "1815-12-10"),
                    years}))
                    .as("%s", years)
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(RpcStatus.BAD_REQUEST);
                        assertThat(e.getMessage()).startsWith("argument 2 of older: ").endsWith("(expected: an int)");
                    });
        }
        Object older = generic.$invoke("older", types, new Object[] {person("Ada", 36, "1815-12-10"),
                new java.math.BigDecimal("2.000")});
        assertThat(((Map<?, ?>) older).get("age")).as("a whole number written with a fraction").isEqualTo(38);
    }

    @Test
    void collectionsEnumsAndArraysAreConverted() {
        Object family = generic.$invoke("family", new String[] {"java.lang.String"}, new Object[] {"Lovelace"});
        assertThat((List<?>) family).hasSize(2).allSatisfy(p -> assertThat(p).isInstanceOf(Map.class));
        assertThat(((Map<?, ?>) ((List<?>) family).get(1)).get("company")).isEqualTo("House of Lords");

        assertThat(generic.$invoke("color", null, new Object[] {"GREEN"})).isEqualTo("GREEN");
        assertThat(generic.$invoke("counts", null, new Object[] {new String[] {"a", "b"}}))
                .isEqualTo(Map.of("words", 2));
        Object people = generic.$invoke("people", null,
                new Object[] {List.of(person("A", 1, "2000-01-01"), person("B", 2, "2000-01-02"))});
        assertThat(people).isInstanceOfSatisfying(Object[].class, array -> assertThat(array).hasSize(2));
    }

    @Test
    void overloadsAreChosenByTypeNames() {
        assertThat(generic.$invoke("describe",
                new String[] {TestServices.Person.class.getName(), "java.lang.String"},
                new Object[] {person("Ada", 36, "1815-12-10"), "Dear "})).isEqualTo("Dear Person Ada 36");
        // Without type names, the argument count alone picks the one-argument overload.
        assertThat(generic.$invoke("describe", null, new Object[] {person("Ada", 1, "2000-01-01")}))
                .isEqualTo("Person Ada 1");
    }

    @Test
    void unknownMethodsAreNamedWithWhatExists() {
        assertThatThrownBy(() -> generic.$invoke("nope", new String[] {"int"}, new Object[] {1}))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.METHOD_NOT_FOUND);
                    assertThat(e.getMessage()).startsWith("method: nope(int) with 1 arguments of "
                            + Greeter.class.getName() + " (expected one of: await(CountDownLatch, CountDownLatch), ");
                });
    }

    @Test
    void badArgumentsNameTheArgumentAndTheExpectedType() {
        assertThatThrownBy(() -> generic.$invoke("length", null, new Object[] {List.of(1)}))
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.BAD_REQUEST);
                    assertThat(e.getMessage()).startsWith("argument 1 of length: a java.util.")
                            .endsWith("(expected: java.lang.String)");
                });
        assertThatThrownBy(() -> generic.$invoke("older", null, new Object[] {person("A", 1, "2000-01-01"), null}))
                .isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.getMessage()).isEqualTo("argument 2 of older: null (expected: a non-null int)"));
    }

    @Test
    void asyncGenericCallsComplete() {
        assertThat(generic.$invokeAsync("greetAsync", null, new Object[] {"async"}).join())
                .isEqualTo("Hello, async");
    }
}
