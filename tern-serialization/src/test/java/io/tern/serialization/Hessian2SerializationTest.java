package io.tern.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alibaba.com.caucho.hessian.io.Hessian2Output;
import io.netty.buffer.Unpooled;
import io.tern.ClassPolicy;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.WireName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Hessian2SerializationTest {

    public interface Shop {
        Order place(Order order) throws OutOfStock;

        List<Map<String, Item>> catalog();
    }

    public static final class Order implements Serializable {
        private static final long serialVersionUID = 1L;
        String customer;
        List<Item> items = new ArrayList<>();
        LocalDateTime at;
        Status status;

        @Override
        public boolean equals(Object o) {
            return o instanceof Order other && Objects.equals(customer, other.customer)
                    && Objects.equals(items, other.items) && Objects.equals(at, other.at) && status == other.status;
        }

        @Override
        public int hashCode() {
            return Objects.hash(customer, items, at, status);
        }
    }

    public static final class Item implements Serializable {
        private static final long serialVersionUID = 1L;
        String name;
        BigDecimal price;
        LocalDate since;

        Item() {
        }

        Item(String name, BigDecimal price, LocalDate since) {
            this.name = name;
            this.price = price;
            this.since = since;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Item other && Objects.equals(name, other.name) && Objects.equals(price, other.price)
                    && Objects.equals(since, other.since);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, price, since);
        }
    }

    public enum Status { NEW, PAID }

    public static final class OutOfStock extends Exception {
        private static final long serialVersionUID = 1L;

        public OutOfStock(String message) {
            super(message);
        }
    }

    public static final class Unrelated implements Serializable {
        private static final long serialVersionUID = 1L;
        String secret = "s";
    }

    /** A record that travels under a peer's class name, reached from {@link Directory}'s signature. */
    @WireName("com.example.peer.Entry")
    public record Entry(String name, int rank) implements Serializable {
    }

    public interface Directory {
        Entry lookup(String name);
    }

    private final ClassPolicy policy = ClassPolicy.strict().allowInterface(Shop.class);
    private final Hessian2Serialization hessian = new Hessian2Serialization(policy);

    private byte[] write(Object... values) {
        return Bytes.tern(hessian, values);
    }

    private ObjectInput read(byte[] bytes) {
        return hessian.input(Unpooled.wrappedBuffer(bytes));
    }

    @Test
    void interfaceTypesAndTheirFieldsRoundTrip() throws IOException {
        Order order = new Order();
        order.customer = "Zoë 张";
        order.items.add(new Item("tea", new BigDecimal("3.50"), LocalDate.of(2024, 2, 29)));
        order.at = LocalDateTime.of(2026, 11, 27, 1, 2, 3);
        order.status = Status.PAID;

        Object back = read(write(order)).readObject(Order.class);

        assertThat(back).isEqualTo(order);
    }

    @Test
    void declaredExceptionsRoundTripWithTheirMessage() throws IOException {
        Object back = read(write(new OutOfStock("no tea"))).readObject(Throwable.class);

        assertThat(back).isInstanceOf(OutOfStock.class);
        assertThat(((Throwable) back).getMessage()).isEqualTo("no tea");
    }

    @Test
    void commonJdkExceptionsAndValuesAreStandard() throws IOException {
        ObjectInput in = read(write(new IllegalStateException("bad"), List.of(1, 2), Set.of("a"),
                Map.of("k", 1L), new int[] {1, 2}, new String[] {"x"}));

        assertThat(in.readObject()).isInstanceOf(IllegalStateException.class);
        assertThat(in.readObject()).isEqualTo(List.of(1, 2));
        assertThat(in.readObject()).isEqualTo(Set.of("a"));
        assertThat(in.readObject()).isEqualTo(Map.of("k", 1L));
        assertThat(in.readObject()).isEqualTo(new int[] {1, 2});
        assertThat(in.readObject()).isEqualTo(new String[] {"x"});
    }

    @Test
    void aRecordWrittenUnderItsWireNameIsReadBackUnderItOnlyWhereAServiceReachesIt() throws IOException {
        byte[] bytes = write(new Entry("tea", 3));
        assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("com.example.peer.Entry")
                .doesNotContain(Entry.class.getName());

        ClassPolicy reaching = ClassPolicy.strict().allowInterface(Directory.class);
        assertThat(reaching.wireClass("com.example.peer.Entry")).isEqualTo(Entry.class);
        assertThat(new Hessian2Serialization(reaching).input(Unpooled.wrappedBuffer(bytes)).readObject())
                .isEqualTo(new Entry("tea", 3));

        assertThat(policy.wireClass("com.example.peer.Entry")).isNull();
        assertThatThrownBy(() -> read(bytes).readObject())
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
                    assertThat(e.getMessage()).startsWith("class: com.example.peer.Entry is not allowed");
                });
    }

    @Test
    void reachabilityCoversFieldsGenericArgumentsAndExceptions() {
        assertThat(policy.isAllowed(Order.class.getName())).isTrue();
        assertThat(policy.isAllowed(Item.class.getName())).isTrue();
        assertThat(policy.isAllowed(Status.class.getName())).isTrue();
        assertThat(policy.isAllowed(OutOfStock.class.getName())).isTrue();
        assertThat(policy.isAllowed(Unrelated.class.getName())).isFalse();
        assertThat(policy.isAllowed("java.time.Instant")).isTrue();
    }

    @Test
    void aClassOutsideThePolicyIsRefusedNotTurnedIntoAMap() throws IOException {
        ClassPolicy wide = ClassPolicy.strict().allowClass(Unrelated.class);
        byte[] bytes = Bytes.tern(new Hessian2Serialization(wide), new Unrelated());

        assertThatThrownBy(() -> read(bytes).readObject())
                .isInstanceOfSatisfying(RpcException.class, e -> {
                    assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
                    assertThat(e.getMessage()).isEqualTo("class: " + Unrelated.class.getName() + " is not allowed"
                            + " (expected: a class reachable from the service interfaces, a standard value type,"
                            + " or one allowed by configuration)");
                });
    }

    @Test
    void aRefusedClassIsNeverLoadedNorInstantiated() throws IOException {
        String canary = "io.tern.serialization.Canary";
        byte[] asObject = rawObject(canary);
        byte[] asMap = rawTypedMap(canary);
        byte[] asArray = rawTypedList("[" + canary);

        for (byte[] bytes : List.of(asObject, asMap, asArray)) {
            assertThatThrownBy(() -> read(bytes).readObject())
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
                        assertThat(e.getMessage()).startsWith("class: " + canary + " is not allowed");
                    });
        }
        assertThat(CanaryRecord.initialized).as("static initializer ran").isFalse();
        assertThat(CanaryRecord.constructed).as("constructor ran").isFalse();
    }

    @Test
    void aHessianHandleCannotNameAClassThePolicyRefuses() throws IOException {
        String canary = "io.tern.serialization.Canary";
        for (String handle : List.of("com.alibaba.com.caucho.hessian.io.CalendarHandle",
                "com.alibaba.com.caucho.hessian.io.EnumSetHandler")) {
            assertThatThrownBy(() -> read(handleNaming(handle, canary, true)).readObject()).as(handle)
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
                        assertThat(e.getMessage()).startsWith("class: " + canary + " is not allowed");
                    });
            // hessian-lite also took a map with a "name" entry for a Class; Tern reads no such thing
            assertThatThrownBy(() -> read(handleNaming(handle, canary, false)).readObject()).as(handle)
                    .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.getMessage())
                            .isEqualTo("hessian2: a map where a java.lang.Class was expected"));
        }
        assertThat(CanaryRecord.initialized).as("static initializer ran").isFalse();
        assertThat(CanaryRecord.constructed).as("constructor ran").isFalse();
        assertThatThrownBy(() -> read(handleNaming("com.alibaba.com.caucho.hessian.io.CalendarHandle",
                "java.util.Timer", true)).readObject())
                .hasMessage("class: java.util.Timer is block-listed (expected: a class outside the known"
                        + " deserialization gadget families)");
        assertThatThrownBy(() -> read(handleNaming("com.alibaba.com.caucho.hessian.io.CalendarHandle",
                "java.lang.Integer", true)).readObject())
                .hasMessage("hessian2: a calendar of class java.lang.Integer (expected: java.util.GregorianCalendar)");
    }

    @Test
    void calendarsAndClassValuesOfAllowedClassesRoundTrip() throws IOException {
        java.util.GregorianCalendar calendar = new java.util.GregorianCalendar(2026, java.util.Calendar.DECEMBER, 1);
        assertThat(read(write(calendar)).readObject()).isEqualTo(calendar);
        ObjectInput in = read(write(Order.class, int[].class, String[].class));
        assertThat(List.of(in.readObject(), in.readObject(), in.readObject()))
                .containsExactly(Order.class, int[].class, String[].class);
        assertThatThrownBy(() -> read(write(Unrelated.class)).readObject())
                .hasMessageStartingWith("class: " + Unrelated.class.getName() + " is not allowed");
    }

    /**
     * A Hessian handle whose {@code Class} field names {@code className}: as a {@code java.lang.Class}
     * object, or as an untyped map with a "name" entry.
     */
    private static byte[] handleNaming(String handle, String className, boolean classObject) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2Output out = new Hessian2Output(bytes);
        boolean calendar = handle.endsWith("CalendarHandle");
        if (out.writeObjectBegin(handle) == -1) {
            out.writeClassFieldLength(2);
            out.writeString("type");
            out.writeString(calendar ? "date" : "objects");
            out.writeObjectBegin(handle);
        }
        if (classObject) {
            if (out.writeObjectBegin("java.lang.Class") == -1) {
                out.writeClassFieldLength(1);
                out.writeString("name");
                out.writeObjectBegin("java.lang.Class");
            }
        } else {
            out.writeMapBegin(null);
            out.writeString("name");
        }
        out.writeString(className);
        if (!classObject) {
            out.writeMapEnd();
        }
        if (calendar) {
            out.writeObject(new java.util.Date(0));
        } else {
            out.writeObject(new Object[0]);
        }
        out.flushBuffer();
        return bytes.toByteArray();
    }

    @Test
    void namesOfNoClassUnderAnAllowedPackageAreRefusedAndNotRemembered() throws IOException {
        for (int i = 0; i < ClassPolicy.MAX_REMEMBERED + 1_000; i++) {
            String invented = "java.time.Invented" + i;
            assertThatThrownBy(() -> read(rawObject(invented)).readObject())
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
                        assertThat(e.getMessage()).startsWith("class: " + invented + " is not allowed");
                    });
        }
        assertThat(policy.rememberedCount()).isLessThanOrEqualTo(ClassPolicy.MAX_REMEMBERED);
    }

    @Test
    void gadgetClassesAreRefusedAsBlockListed() throws IOException {
        for (String gadget : List.of("com.sun.rowset.JdbcRowSetImpl", "com.rometools.rome.feed.impl.ToStringBean",
                "org.springframework.aop.support.DefaultBeanFactoryPointcutAdvisor", "java.lang.ProcessBuilder",
                "org.apache.commons.collections.functors.InvokerTransformer", "javax.naming.InitialContext")) {
            assertThatThrownBy(() -> read(rawObject(gadget)).readObject())
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
                        assertThat(e.getMessage()).isEqualTo("class: " + gadget + " is block-listed (expected: a class"
                                + " outside the known deserialization gadget families)");
                    });
        }
    }

    @Test
    void blockListedClassesCannotBeAllowed() {
        assertThatThrownBy(() -> ClassPolicy.strict().allowClass(javax.naming.InitialContext.class))
                .hasMessageStartingWith("class: javax.naming.InitialContext is block-listed");
        assertThatThrownBy(() -> ClassPolicy.strict().allowPackage("com.sun."))
                .hasMessage("package prefix: 'com.sun.' is block-listed");
        assertThat(ClassPolicy.strict().allowPackage("com.example.").isAllowed("com.example.Dto")).isTrue();
    }

    @Test
    void blockListMatchesWholeClassNamesAndPackagesNotNamePrefixes() {
        assertThat(List.of("java.lang.RuntimeException", "java.lang.ClassCastException",
                "java.lang.ClassNotFoundException", "java.lang.ClassFormatError", "java.lang.ThreadDeath",
                "java.lang.Systematic", "com.sunny.Dto", "java.lang.reflectx.Dto"))
                .allSatisfy(name -> assertThat(ClassPolicy.isBlocked(name)).as(name).isFalse());
        assertThat(List.of("java.lang.Runtime", "java.lang.Class", "java.lang.ClassLoader", "java.lang.ProcessBuilder",
                "java.lang.ProcessBuilder$Redirect", "java.lang.Thread", "java.lang.System", "java.util.Timer",
                "java.lang.reflect.Method", "com.sun.rowset.JdbcRowSetImpl", "javax.naming.InitialContext"))
                .allSatisfy(name -> assertThat(ClassPolicy.isBlocked(name)).as(name).isTrue());
        assertThat(ClassPolicy.strict().isAllowed("java.lang.RuntimeException")).isTrue();
    }

    @Test
    void everyStandardExceptionRoundTripsAsItself() throws Exception {
        List<String> exceptions = ClassPolicy.standardClassNames().stream()
                .filter(name -> Throwable.class.isAssignableFrom(load(name)))
                .sorted()
                .toList();
        assertThat(exceptions).contains("java.lang.RuntimeException", "java.lang.ClassCastException",
                "java.lang.ClassNotFoundException", "java.io.IOException");
        for (String name : exceptions) {
            Throwable sent = io.tern.testing.StandardExceptions.create(name, "boom: " + name);
            Object received = read(write(sent)).readObject();
            assertThat(received).as(name).isInstanceOf(Throwable.class);
            assertThat(received.getClass().getName()).isEqualTo(name);
            assertThat(((Throwable) received).getMessage()).as(name).contains("boom: " + name);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(name, e);
        }
    }

    @Test
    void truncatedInputFailsAsASerializationError() throws IOException {
        byte[] whole = write(Map.of("key", "value"));
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 3);

        assertThatThrownBy(() -> read(truncated).readObject())
                .isInstanceOfSatisfying(RpcException.class,
                        e -> assertThat(e.status()).isEqualTo(RpcStatus.SERIALIZATION));
    }

    private static byte[] rawObject(String className) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2Output out = new Hessian2Output(bytes);
        int ref = out.writeObjectBegin(className);
        if (ref == -1) {
            out.writeClassFieldLength(1);
            out.writeString("x");
            out.writeObjectBegin(className);
        }
        out.writeInt(1);
        out.flushBuffer();
        return bytes.toByteArray();
    }

    private static byte[] rawTypedMap(String className) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2Output out = new Hessian2Output(bytes);
        out.writeMapBegin(className);
        out.writeString("x");
        out.writeInt(1);
        out.writeMapEnd();
        out.flushBuffer();
        return bytes.toByteArray();
    }

    private static byte[] rawTypedList(String type) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hessian2Output out = new Hessian2Output(bytes);
        out.writeListBegin(1, type);
        out.writeObject(new LinkedHashMap<>(Map.of("x", 1)));
        out.flushBuffer();
        return bytes.toByteArray();
    }
}
