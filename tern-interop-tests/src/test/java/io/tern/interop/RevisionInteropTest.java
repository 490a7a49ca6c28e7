package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.ServiceUrl;
import io.tern.registry.discovery.AppMetadata;
import io.tern.registry.discovery.ServiceInfo;
import java.util.List;
import java.util.stream.Stream;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.metadata.MetadataInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The revision an application instance advertises, computed by Tern's {@link AppMetadata} and by
 * Apache Dubbo 3.3.5's own {@code MetadataInfo.calAndGetRevision()} for the same exported URLs:
 * equal, and so are the services each describes, for group, version, protocol and port variants,
 * a second protocol, and the parameters Dubbo leaves out.
 */
class RevisionInteropTest {

    private static final String USER = "io.tern.example.UserService";
    private static final String COMMON = "anyhost=true&application=shop&deprecated=false&dubbo=2.0.2&dynamic=true"
            + "&generic=false&methods=getUser,listUser,existUser&release=3.3.5&side=provider";

    private static String provider(String protocol, int port, String path, String more) {
        return protocol + "://127.0.0.1:" + port + "/" + path + "?" + COMMON + "&interface=" + USER + more;
    }

    static Stream<Arguments> exports() {
        return Stream.of(
                Arguments.of("one service", List.of(provider("dubbo", 20880, USER, "&pid=4242&timestamp=1700000000000"))),
                Arguments.of("group and version", List.of(
                        provider("dubbo", 20880, USER, "&group=g1&version=1.0.0&timestamp=1"),
                        provider("dubbo", 20880, USER, "&group=g2&version=2.0.0&timestamp=2"),
                        provider("dubbo", 20880, USER, "&version=1.0.0"),
                        provider("dubbo", 20880, USER, "&group=g1"))),
                Arguments.of("a second protocol on a second port", List.of(
                        provider("dubbo", 20880, USER, "&timeout=3000"),
                        provider("tri", 50051, USER, "&timeout=3000&serialization=hessian4"))),
                Arguments.of("parameters Dubbo leaves out", List.of(provider("dubbo", 20880, USER,
                        "&bind.ip=0.0.0.0&bind.port=20880&qos.enable=false&qos.port=22222&qos.host=127.0.0.1"
                                + "&qos.accept.foreign.ip=false&validation=true&interfaces=a,b&pid=1&ipv6=::1"
                                + "&heartbeat.timeout=180000&monitor=m&getUser.timestamp=5&getUser.timeout=500"
                                + "&Timestamp=7&token=abc&weight=100"))),
                Arguments.of("a path that is not the interface", List.of(
                        provider("dubbo", 20881, "shop/users", "&version=1.0.0"))),
                Arguments.of("no parameters but the interface", List.of(
                        "dubbo://127.0.0.1:20880/" + USER + "?interface=" + USER)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exports")
    void ternComputesTheRevisionDubboComputes(String name, List<String> urls) {
        MetadataInfo dubbo = new MetadataInfo("shop");
        urls.forEach(url -> dubbo.addService(URL.valueOf(url)));
        AppMetadata tern = AppMetadata.of("shop", urls.stream().map(ServiceUrl::parse).toList());

        assertThat(tern.revision()).isEqualTo(dubbo.calAndGetRevision()).hasSize(32);
        assertThat(tern.services().keySet()).containsExactlyElementsOf(
                new java.util.TreeSet<>(dubbo.getServices().keySet()));
        for (ServiceInfo service : tern.services().values()) {
            MetadataInfo.ServiceInfo theirs = dubbo.getServices().get(service.matchKey());
            assertThat(service.params()).as(service.matchKey()).isEqualTo(theirs.getParams());
            assertThat(service.port()).isEqualTo(theirs.getPort());
            assertThat(service.path()).isEqualTo(theirs.getPath());
            assertThat(service.serviceKey()).isEqualTo(theirs.getServiceKey());
        }
    }

    @Test
    void anApplicationThatServesNothingHasRevisionZeroAsInDubbo() {
        assertThat(AppMetadata.of("shop", List.of()).revision()).isEqualTo(new MetadataInfo("shop").calAndGetRevision())
                .isEqualTo(AppMetadata.EMPTY_REVISION);
    }

    @Test
    void theRevisionChangesWithTheApplicationAndWithAServiceAndNotWithWhatDubboLeavesOut() {
        ServiceUrl url = ServiceUrl.parse(provider("dubbo", 20880, USER, "&timestamp=1"));
        String revision = AppMetadata.of("shop", List.of(url)).revision();

        assertThat(AppMetadata.of("shop", List.of(url.toBuilder().parameter("timestamp", "2").build())).revision())
                .as("a restart").isEqualTo(revision);
        assertThat(AppMetadata.of("shop2", List.of(url)).revision()).isNotEqualTo(revision);
        assertThat(AppMetadata.of("shop", List.of(url.toBuilder().parameter("timeout", "1").build())).revision())
                .isNotEqualTo(revision);
    }
}
