package io.tern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class ServiceDescriptorTest {

    interface Catalog {
        String find(String name, int limit);

        String find(String name);

        long[][] matrix(String[] names, byte b, char c, short s, float f, double d, boolean z);

        CompletableFuture<List<String>> listAsync();

        CompletionStage<Map<String, Integer>> countAsync();

        void ping();

        static Catalog none() {
            return null;
        }
    }

    interface Streams {
        void watch(String query, StreamObserver<Long> events);

        StreamObserver<String> chat(StreamObserver<Integer> replies);

        void notStreaming(String query, List<Long> events);

        String find(String name);
    }

    @Test
    void streamingMethodsAreToldFromTheirSignatures() {
        ServiceDescriptor descriptor = ServiceDescriptor.of(Streams.class);

        MethodDescriptor watch = descriptor.find("watch").get(0);
        assertThat(watch.kind()).isEqualTo(MethodDescriptor.Kind.SERVER_STREAMING);
        assertThat(watch.requestType()).isEqualTo(String.class);
        assertThat(watch.responseType()).isEqualTo(Long.class);

        MethodDescriptor chat = descriptor.find("chat").get(0);
        assertThat(chat.kind()).isEqualTo(MethodDescriptor.Kind.BIDI_STREAMING);
        assertThat(chat.requestType()).isEqualTo(String.class);
        assertThat(chat.responseType()).isEqualTo(Integer.class);

        MethodDescriptor plain = descriptor.find("notStreaming").get(0);
        assertThat(plain.kind()).isEqualTo(MethodDescriptor.Kind.UNARY);
        assertThat(plain.requestType()).isEqualTo(Object[].class);
        MethodDescriptor find = descriptor.find("find").get(0);
        assertThat(find.kind()).isEqualTo(MethodDescriptor.Kind.UNARY);
        assertThat(find.requestType()).isEqualTo(String.class);
        assertThat(find.responseType()).isEqualTo(String.class);
    }

    @Test
    void descriptorsAreJvmDescriptors() {
        ServiceDescriptor descriptor = ServiceDescriptor.of(Catalog.class);

        assertThat(descriptor.find("find", "Ljava/lang/String;I")).isNotNull();
        assertThat(descriptor.find("find", "Ljava/lang/String;")).isNotNull();
        assertThat(descriptor.find("matrix", "[Ljava/lang/String;BCSFDZ")).isNotNull();
        assertThat(descriptor.find("ping", "")).isNotNull();
        assertThat(descriptor.find("find", "I")).isNull();
        assertThat(MethodDescriptor.descriptorOf(long[][].class)).isEqualTo("[[J");
    }

    @Test
    void overloadsAreDistinctAndStaticMethodsExcluded() {
        ServiceDescriptor descriptor = ServiceDescriptor.of(Catalog.class);

        assertThat(descriptor.find("find")).hasSize(2);
        assertThat(descriptor.methodNames()).containsExactly("countAsync", "find", "listAsync", "matrix", "ping");
        assertThat(descriptor.methods()).extracting(MethodDescriptor::index).containsExactly(0, 1, 2, 3, 4, 5);
    }

    @Test
    void asyncMethodsExposeTheirValueType() throws Exception {
        ServiceDescriptor descriptor = ServiceDescriptor.of(Catalog.class);
        MethodDescriptor list = descriptor.find(Catalog.class.getMethod("listAsync"));
        MethodDescriptor count = descriptor.find("countAsync", "");

        assertThat(list.isAsync()).isTrue();
        assertThat(list.resultType()).isEqualTo(List.class);
        assertThat(count.isAsync()).isTrue();
        assertThat(count.resultType()).isEqualTo(Map.class);
        assertThat(descriptor.find("ping", "").isAsync()).isFalse();
    }

    @Test
    void descriptorsAreComputedOncePerInterface() {
        assertThat(ServiceDescriptor.of(Catalog.class)).isSameAs(ServiceDescriptor.of(Catalog.class));
    }

    @Test
    void classesAreRefused() {
        assertThatThrownBy(() -> ServiceDescriptor.of(String.class))
                .hasMessage("serviceInterface: java.lang.String (expected: an interface)");
    }
}
