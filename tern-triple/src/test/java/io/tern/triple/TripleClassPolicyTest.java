package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.tern.ClassPolicy;
import io.tern.Exporter;
import io.tern.GenericService;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.RpcContext;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.dubbo.DubboProtocol;
import io.tern.testing.ClassLoads;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every path by which a peer's bytes can name a class on a Triple port goes through the one class
 * policy, with the policy's own words, before anything loads the class: the {@code "class"}
 * entries of a generic call's maps (Hessian inside gRPC), the argument types of the request
 * wrapper, JSON type ids in HTTP/1.1 bodies, {@code tri-header-convert}, attachments and protobuf
 * {@code Any}. Flight Recorder's class-load events show that the named gadget classes were never
 * loaded, and a well-behaved call is answered after each path.
 */
@Timeout(120)
class TripleClassPolicyTest {

    /** A declared type whose JSON names its concrete class, as a user's model may. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, property = "@class")
    public abstract static class Shape implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    public static final class Circle extends Shape {
        private static final long serialVersionUID = 1L;
        public double radius;
    }

    public interface Describer {
        String describe(Serializable value);

        String shape(Shape shape);

        String greet(String name);
    }

    static final class DescriberImpl implements Describer {
        final AtomicInteger described = new AtomicInteger();

        @Override
        public String describe(Serializable value) {
            described.incrementAndGet();
            return value.getClass().getName();
        }

        @Override
        public String shape(Shape shape) {
            described.incrementAndGet();
            return shape.getClass().getSimpleName();
        }

        @Override
        public String greet(String name) {
            Object attachment = RpcContext.requestAttachments().get("probeClass");
            return "Hello, " + name + (attachment == null ? "" : " " + attachment.getClass().getSimpleName());
        }
    }

    /** What the red team had a generic call load; none of these is loaded by anything else here. */
    private static final List<String> GADGETS = List.of("javax.naming.InitialContext",
            "com.sun.rowset.JdbcRowSetImpl", "javax.script.ScriptEngineManager",
            "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl", "java.lang.ProcessBuilder",
            "javax.management.remote.rmi.RMIConnector", "org.apache.commons.io.FileUtils",
            "org.springframework.beans.factory.config.PropertyPathFactoryBean");

    private static final DescriberImpl IMPL = new DescriberImpl();
    private static TripleProtocol provider;
    private static TripleProtocol consumer;
    private static ServiceUrl url;
    private static Invoker<GenericService> genericInvoker;
    private static GenericService generic;
    private static Invoker<Describer> invoker;
    private static Describer wellBehaved;
    private static ClassLoads loads;

    @BeforeAll
    static void start() {
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);
        ClassPolicy policy = ClassPolicy.strict().allowClass(Circle.class);
        provider = TripleProtocol.create(tracker, policy);
        Exporter<Describer> exporter = provider.export(Invokers.of(Describer.class, IMPL,
                ServiceUrl.parse("tri://127.0.0.1:0/" + Describer.class.getName())));
        url = exporter.url();
        consumer = TripleProtocol.create(tracker, ClassPolicy.strict());
        genericInvoker = consumer.refer(GenericService.class, url);
        generic = Proxies.create(genericInvoker);
        invoker = consumer.refer(Describer.class, url);
        wellBehaved = Proxies.create(invoker);
        loads = ClassLoads.watch();
    }

    @AfterAll
    static void stop() {
        loads.close();
        genericInvoker.close();
        invoker.close();
        consumer.close();
        provider.close();
        genericInvoker = null; // destroyed: nothing static may keep them
        generic = null;
        invoker = null;
        wellBehaved = null;
    }

    @AfterEach
    void nothingNamedWasLoadedAndTheWellBehavedAreServed() {
        assertThat(wellBehaved.greet("still here")).isEqualTo("Hello, still here");
        assertThat(loads.loaded()).as("classes loaded").doesNotContainAnyElementsOf(GADGETS);
    }

    private static Map<String, Object> named(String className) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("class", className);
        return map;
    }

    @Test
    void theWatchSeesAClassLoadedWithoutInitialising() throws ClassNotFoundException {
        String name = TripleClassPolicyTest.class.getPackageName() + ".LoadedOnlyByTheWatchCheck";
        Class.forName(name, false, TripleClassPolicyTest.class.getClassLoader());
        assertThat(loads.loaded()).contains(name);
    }

    @Test
    void aGenericCallNamingAGadgetIsRefusedWithThePolicysWordsBeforeItLoads() {
        int described = IMPL.described.get();
        for (String gadget : GADGETS) {
            assertThatThrownBy(() -> generic.$invoke("describe", new String[] {"java.io.Serializable"},
                    new Object[] {named(gadget)}))
                    .as(gadget)
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
                        assertThat(e.getMessage()).contains(ClassPolicy.refusal(gadget).getMessage());
                    });
        }
        assertThat(IMPL.described.get()).as("calls that reached the service").isEqualTo(described);
    }

    @Test
    void theSameCallIsRefusedWithTheSameWordsOverTheDubboProtocol() {
        try (DubboProtocol dubboProvider = DubboProtocol.create(); DubboProtocol dubboConsumer = DubboProtocol.create()) {
            Exporter<Describer> exporter = dubboProvider.export(Invokers.of(Describer.class, IMPL,
                    ServiceUrl.parse("dubbo://127.0.0.1:0/" + Describer.class.getName())));
            Invoker<GenericService> dubboGeneric = dubboConsumer.refer(GenericService.class, exporter.url());
            GenericService service = Proxies.create(dubboGeneric);
            for (String gadget : List.of(GADGETS.get(0), GADGETS.get(GADGETS.size() - 1))) {
                String overTriple = refusal(() -> generic.$invoke("describe", new String[] {"java.io.Serializable"},
                        new Object[] {named(gadget)}));
                // the dubbo protocol has no status of its own for this: it answers BAD_REQUEST
                String overDubbo = refusal(() -> service.$invoke("describe", new String[] {"java.io.Serializable"},
                        new Object[] {named(gadget)}));
                assertThat(overTriple).contains(ClassPolicy.refusal(gadget).getMessage());
                assertThat(overDubbo).contains(ClassPolicy.refusal(gadget).getMessage());
            }
            dubboGeneric.close();
        }
    }

    private static String refusal(Runnable call) {
        try {
            call.run();
        } catch (RpcException e) {
            assertThat(e.status()).isIn(RpcStatus.FORBIDDEN, RpcStatus.BAD_REQUEST);
            return e.getMessage();
        }
        throw new AssertionError("the call was answered (expected: refused by the class policy)");
    }

    @Test
    void aGadgetNestedInAListOrAFieldIsRefusedToo() {
        Map<String, Object> outer = named(Circle.class.getName());
        outer.put("radius", 1.0);
        List<Object> list = new ArrayList<>();
        list.add(named("javax.naming.InitialContext"));
        outer.put("extra", list);
        assertThatThrownBy(() -> generic.$invoke("shape", null, new Object[] {outer}))
                .isInstanceOfSatisfying(RpcException.class, e -> assertThat(e.getMessage())
                        .contains(ClassPolicy.refusal("javax.naming.InitialContext").getMessage()));
    }

    @Test
    void anAllowedSubtypeStillTravelsGenerically() {
        Map<String, Object> circle = named(Circle.class.getName());
        circle.put("radius", 2.0);
        assertThat(generic.$invoke("shape", null, new Object[] {circle})).isEqualTo("Circle");
        assertThat(generic.$invoke("describe", null, new Object[] {circle})).isEqualTo(Circle.class.getName());
    }

    @Test
    void aRequestWrapperNamingGadgetTypesFindsNoMethodAndLoadsNothing() {
        for (String gadget : GADGETS) {
            assertThatThrownBy(() -> generic.$invoke("describe", new String[] {gadget}, new Object[] {"x"}))
                    .isInstanceOfSatisfying(RpcException.class, e -> {
                        // gRPC's UNIMPLEMENTED stands for both
                        assertThat(e.status()).isIn(RpcStatus.METHOD_NOT_FOUND, RpcStatus.SERVICE_NOT_FOUND);
                        assertThat(e.getMessage()).contains("method: describe(" + gadget + ")");
                    });
        }
    }

    @Test
    void jsonTypeIdsInAnHttp1BodyAreRefusedWithThePolicysWords() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        int described = IMPL.described.get();
        for (String gadget : GADGETS) {
            HttpResponse<String> answer = post(http, "shape", "{\"@class\": \"" + gadget + "\"}");
            assertThat(answer.statusCode()).as(gadget).isEqualTo(403);
            assertThat(answer.body()).contains(ClassPolicy.refusal(gadget).getMessage());
        }
        assertThat(IMPL.described.get()).isEqualTo(described);
        // a declared type with no type id: the names are plain data in a map, never classes
        for (String key : List.of("class", "@class", "@type")) {
            HttpResponse<String> plain = post(http, "describe", "{\"" + key + "\": \"" + GADGETS.get(0) + "\"}");
            assertThat(plain.body()).as(key).isEqualTo("\"java.util.LinkedHashMap\"");
        }
        HttpResponse<String> allowed = post(http, "shape", "{\"@class\": \"" + Circle.class.getName()
                + "\", \"radius\": 1}");
        assertThat(allowed.body()).isEqualTo("\"Circle\"");
    }

    private static HttpResponse<String> post(HttpClient http, String method, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + url.port() + "/"
                        + Describer.class.getName() + "/" + method))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void attachmentsAndTriHeaderConvertNamingClassesStayStrings() {
        for (String gadget : GADGETS) {
            // a key with capitals travels through tri-header-convert
            RpcContext.setAttachment("probeClass", gadget);
            assertThat(wellBehaved.greet("x")).isEqualTo("Hello, x String");
        }
        assertThat(Set.copyOf(loads.loaded())).doesNotContainAnyElementsOf(GADGETS);
    }
}
