package io.tern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The strings here were produced by Apache Dubbo 3.3.5's {@code org.apache.dubbo.common.URL}
 * ({@code toFullString()}, {@code toString()}, {@code URL.encode}, {@code getServiceKey()}).
 */
class ServiceUrlTest {

    static final String DUBBO_PROVIDER = "dubbo://10.20.30.40:20880/com.example.Greeter?anyhost=true"
            + "&application=demo&deprecated=false&dubbo=2.0.2&dynamic=true&generic=false&group=g1"
            + "&interface=com.example.Greeter&methods=sayHello,sayGoodbye&prefer.serialization=hessian2"
            + "&release=3.3.5&side=provider&timeout=3000&timestamp=1700000000000&version=1.0.0";

    static final String DUBBO_PROVIDER_NODE = "dubbo%3A%2F%2F10.20.30.40%3A20880%2Fcom.example.Greeter%3F"
            + "anyhost%3Dtrue%26application%3Ddemo%26deprecated%3Dfalse%26dubbo%3D2.0.2%26dynamic%3Dtrue"
            + "%26generic%3Dfalse%26group%3Dg1%26interface%3Dcom.example.Greeter%26methods%3DsayHello%2C"
            + "sayGoodbye%26prefer.serialization%3Dhessian2%26release%3D3.3.5%26side%3Dprovider%26timeout"
            + "%3D3000%26timestamp%3D1700000000000%26version%3D1.0.0";

    static final String DUBBO_REGISTRY_FULL = "zookeeper://admin:secret@127.0.0.1:2181/"
            + "org.apache.dubbo.registry.RegistryService?backup=127.0.0.1:2182,127.0.0.1:2183&timeout=5000";
    static final String DUBBO_REGISTRY_SAFE = "zookeeper://127.0.0.1:2181/"
            + "org.apache.dubbo.registry.RegistryService?backup=127.0.0.1:2182,127.0.0.1:2183&timeout=5000";

    @Test
    void providerUrlRoundTripsAndParsesTypedValuesOnce() {
        ServiceUrl url = ServiceUrl.parse(DUBBO_PROVIDER);

        assertThat(url.toFullString()).isEqualTo(DUBBO_PROVIDER);
        assertThat(url.toString()).isEqualTo(DUBBO_PROVIDER);
        assertThat(url.protocol()).isEqualTo("dubbo");
        assertThat(url.host()).isEqualTo("10.20.30.40");
        assertThat(url.port()).isEqualTo(20880);
        assertThat(url.path()).isEqualTo("com.example.Greeter");
        assertThat(url.serviceKey()).hasToString("g1/com.example.Greeter:1.0.0"); // Dubbo's getServiceKey()
        assertThat(url.interfaceName()).isEqualTo("com.example.Greeter");
        assertThat(url.group()).isEqualTo("g1");
        assertThat(url.version()).isEqualTo("1.0.0");
        assertThat(url.timeout()).contains(Duration.ofMillis(3000));
        assertThat(url.retries()).isEmpty();
        assertThat(url.application()).isEqualTo("demo");
        assertThat(url.side()).isEqualTo("provider");
        assertThat(url.methods()).containsExactly("sayHello", "sayGoodbye");
        assertThat(url.booleanParameter("anyhost", false)).isTrue();
    }

    @Test
    void registryNodeNamesAreDubbosEncoding() {
        ServiceUrl url = ServiceUrl.parse(DUBBO_PROVIDER);

        assertThat(url.toEncodedString()).isEqualTo(DUBBO_PROVIDER_NODE);
        assertThat(ServiceUrl.parseEncoded(DUBBO_PROVIDER_NODE)).isEqualTo(url);
    }

    @Test
    void credentialsAppearOnlyInTheFullString() {
        ServiceUrl url = ServiceUrl.parse(DUBBO_REGISTRY_FULL);

        assertThat(url.toFullString()).isEqualTo(DUBBO_REGISTRY_FULL);
        assertThat(url.toString()).isEqualTo(DUBBO_REGISTRY_SAFE);
        assertThat(url.username()).isEqualTo("admin");
        assertThat(url.password()).isEqualTo("secret");
        // Dubbo's getBackupAddress(): 127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183
        assertThat(url.allAddresses()).extracting(HostPort::toString)
                .containsExactly("127.0.0.1:2181", "127.0.0.1:2182", "127.0.0.1:2183");
    }

    @Test
    void severalAddressesInTheAuthority() {
        String text = "zookeeper://10.0.0.1:2181,10.0.0.2:2182,[::1]:2183?timeout=5000";
        ServiceUrl url = ServiceUrl.parse(text);

        assertThat(url.addresses()).containsExactly(new HostPort("10.0.0.1", 2181), new HostPort("10.0.0.2", 2182),
                new HostPort("::1", 2183));
        assertThat(url.host()).isEqualTo("10.0.0.1");
        assertThat(url.toFullString()).isEqualTo(text);
    }

    @Test
    void ipv6HostsKeepTheirBrackets() {
        String text = "dubbo://[fe80::1]:20880/com.example.Greeter?version=1.0";
        ServiceUrl url = ServiceUrl.parse(text);

        assertThat(url.host()).isEqualTo("fe80::1");
        assertThat(url.port()).isEqualTo(20880);
        assertThat(url.address()).isEqualTo("[fe80::1]:20880");
        assertThat(url.toFullString()).isEqualTo(text);
    }

    @Test
    void emptyProtocolWithoutPort() {
        String text = "empty://10.0.0.1/com.example.Greeter?category=providers&interface=com.example.Greeter";
        ServiceUrl url = ServiceUrl.parse(text);

        assertThat(url.isEmptyProtocol()).isTrue();
        assertThat(url.port()).isZero();
        assertThat(url.category()).isEqualTo("providers");
        assertThat(url.toFullString()).isEqualTo(text);
    }

    @Test
    void percentEncodedValuesAreKeptAsWrittenAndDecodedOnRequest() {
        String text = "dubbo://127.0.0.1:20880/com.example.Greeter?name=a%20b&x=%E4%BD%A0";
        ServiceUrl url = ServiceUrl.parse(text);

        assertThat(url.toFullString()).isEqualTo(text); // as Dubbo: values are not decoded on parse
        assertThat(url.parameter("name")).isEqualTo("a%20b");
        assertThat(url.parameterDecoded("name")).isEqualTo("a b");
        assertThat(url.parameterDecoded("x")).isEqualTo("你");
    }

    @Test
    void encodedReferParameterDecodes() {
        String refer = ServiceUrl.encode("application=app&interface=com.example.Greeter&methods=a,b");
        ServiceUrl url = ServiceUrl.parse("zookeeper://127.0.0.1:2181/x?refer=" + refer);

        assertThat(url.parameterDecoded("refer")).isEqualTo("application=app&interface=com.example.Greeter&methods=a,b");
    }

    @Test
    void parametersAreSortedAsDubboWritesThem() {
        ServiceUrl url = ServiceUrl.parse("dubbo://h:1/p?b=2&a=1&c=3");

        assertThat(url.toFullString()).isEqualTo("dubbo://h:1/p?a=1&b=2&c=3");
        assertThat(url).isEqualTo(ServiceUrl.parse("dubbo://h:1/p?c=3&a=1&b=2"));
        assertThat(url.hashCode()).isEqualTo(ServiceUrl.parse("dubbo://h:1/p?c=3&a=1&b=2").hashCode());
    }

    @Test
    void builderMakesWhatParseReads() {
        ServiceUrl built = ServiceUrl.builder("dubbo")
                .address("10.20.30.40", 20880)
                .path("/com.example.Greeter")
                .interfaceName("com.example.Greeter")
                .group("g1")
                .version("1.0.0")
                .timeout(Duration.ofSeconds(3))
                .retries(2)
                .build();

        assertThat(built.toFullString()).isEqualTo("dubbo://10.20.30.40:20880/com.example.Greeter"
                + "?group=g1&interface=com.example.Greeter&retries=2&timeout=3000&version=1.0.0");
        assertThat(ServiceUrl.parse(built.toFullString())).isEqualTo(built);
        assertThat(built.toBuilder().removeParameter("group").build().serviceKey())
                .hasToString("com.example.Greeter:1.0.0");
    }

    @Test
    void versionZeroIsNoVersion() {
        ServiceKey none = ServiceUrl.parse("dubbo://h:1/com.example.Greeter").serviceKey();
        ServiceKey zero = ServiceUrl.parse("dubbo://h:1/com.example.Greeter?version=0.0.0").serviceKey();

        assertThat(zero).isEqualTo(none).hasToString("com.example.Greeter");
        assertThat(zero.wireVersion()).isEqualTo("0.0.0");
    }

    @Test
    void keyWithoutEqualsSignHasItselfAsValueAsInDubbo() {
        assertThat(ServiceUrl.parse("dubbo://h:1/p?flag").parameter("flag")).isEqualTo("flag");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:20880/com.example.Greeter | protocol: missing in '127.0.0.1:20880/com.example.Greeter' (expected: protocol://",
        "://127.0.0.1:20880/x                 | protocol: empty in '://127.0.0.1:20880/x'",
        "dub bo://127.0.0.1:1/x               | protocol: 'dub bo'",
        "dubbo://127.0.0.1:abc/x              | port: 'abc' in 'dubbo://127.0.0.1:abc/x' (expected: an integer 0-65535)",
        "dubbo://127.0.0.1:70000/x            | port: '70000' in 'dubbo://127.0.0.1:70000/x' (expected: an integer 0-65535)",
        "dubbo://127.0.0.1:/x                 | port: '' in",
        "dubbo://fe80::1:20880/x              | host: 'fe80::1:20880' in 'dubbo://fe80::1:20880/x' looks like an IPv6 address without brackets",
        "dubbo://[fe80::1:20880/x             | host: '[fe80::1:20880' in 'dubbo://[fe80::1:20880/x' has no closing ']'",
        "dubbo://h1:1,,h2:2/x                 | address: empty in 'dubbo://h1:1,,h2:2/x'",
        "dubbo://h:1/x?=v                     | parameter: '=v' in 'dubbo://h:1/x?=v' has an empty name (expected: key=value)",
        "dubbo://h:1/x?timeout=soon           | timeout: 'soon' (expected: an integer >= 0)",
        "dubbo://h:1/x?retries=-1             | retries: '-1' (expected: an integer >= 0)",
    })
    void malformedUrlsAreRefusedWithAClearMessage(String input, String message) {
        assertThatThrownBy(() -> ServiceUrl.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void emptyStringIsRefused() {
        assertThatThrownBy(() -> ServiceUrl.parse("  "))
                .hasMessageStartingWith("url: '' (expected: protocol://");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dubbo%3A%2", "abc%", "abc%4"})
    void danglingPercentIsRefused(String encoded) {
        assertThatThrownBy(() -> ServiceUrl.parseEncoded(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dangling '%' at index")
                .hasMessageContaining("(expected: %XX with two hex digits)");
    }

    @Test
    void badHexEscapeIsRefused() {
        ServiceUrl url = ServiceUrl.parse("dubbo://h:1/x?name=a%zzb");
        assertThatThrownBy(() -> url.parameterDecoded("name"))
                .hasMessage("percent-encoding: '%zz' at index 1 of 'a%zzb' (expected: %XX with two hex digits)");
    }

    @Test
    void builderRefusesValuesThatWouldBreakTheString() {
        assertThatThrownBy(() -> ServiceUrl.builder("dubbo").parameter("x", "y&z"))
                .hasMessage("parameter x: 'y&z' contains '&' (expected: a value encoded with ServiceUrl.encode)");
        assertThatThrownBy(() -> ServiceUrl.builder("dubbo").timeout(Duration.ofMillis(-1)))
                .hasMessage("timeout: PT-0.001S (expected: >= 0)");
    }

    @Test
    void nonAsciiValuesRoundTrip() {
        String text = "dubbo://h:1/com.example.Greeter?text=héllo wörld";
        assertThat(ServiceUrl.parse(text).toFullString()).isEqualTo(text);
        assertThat(ServiceUrl.parseEncoded(ServiceUrl.parse(text).toEncodedString())).isEqualTo(ServiceUrl.parse(text));
    }

    @Test
    void urlsWithoutPathOrHost() {
        ServiceUrl url = ServiceUrl.parse("zookeeper://127.0.0.1:2181");
        assertThat(url.path()).isEmpty();
        assertThat(url.toFullString()).isEqualTo("zookeeper://127.0.0.1:2181");
        assertThat(ServiceUrl.parse("file:///tmp/cache").path()).isEqualTo("tmp/cache");
        assertThat(List.of(ServiceUrl.parse("file:///tmp/cache").addresses().size())).containsExactly(0);
    }
}
