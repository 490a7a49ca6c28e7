package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.ServiceUrl;
import org.apache.dubbo.common.URL;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ServiceUrl} against Apache Dubbo's own {@code URL}: the same strings both ways. */
class ServiceUrlInteropTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "dubbo://10.20.30.40:20880/com.example.Greeter?side=provider&interface=com.example.Greeter"
                + "&methods=sayHello,sayGoodbye&version=1.0.0&group=g1&timeout=3000&application=demo&anyhost=true"
                + "&dubbo=2.0.2&deprecated=false&dynamic=true&generic=false&release=3.3.5&timestamp=1700000000000",
        "zookeeper://admin:secret@127.0.0.1:2181/org.apache.dubbo.registry.RegistryService"
                + "?backup=127.0.0.1:2182,127.0.0.1:2183&timeout=5000",
        "dubbo://[fe80::1]:20880/com.example.Greeter?version=1.0",
        "empty://10.0.0.1/com.example.Greeter?category=providers&interface=com.example.Greeter",
        "consumer://127.0.0.1/com.example.Greeter?category=consumers&check=false&text=héllo wörld",
        "dubbo://127.0.0.1:20880/com.example.Greeter?name=a%20b&x=%E4%BD%A0",
    })
    void ternWritesWhatDubboWritesAndReadsWhatDubboReads(String input) {
        URL dubbo = URL.valueOf(input);
        ServiceUrl tern = ServiceUrl.parse(input);

        assertThat(tern.toFullString()).isEqualTo(dubbo.toFullString());
        assertThat(tern.toString()).isEqualTo(dubbo.toString());
        assertThat(tern.toEncodedString()).isEqualTo(URL.encode(dubbo.toFullString()));
        assertThat(ServiceUrl.parseEncoded(URL.encode(dubbo.toFullString()))).isEqualTo(tern);
        assertThat(URL.valueOf(tern.toFullString())).isEqualTo(dubbo);
        assertThat(tern.port()).isEqualTo(dubbo.getPort());
        assertThat(tern.path()).isEqualTo(dubbo.getPath());
        assertThat(tern.parameters()).isEqualTo(dubbo.getParameters());
        if (!tern.interfaceName().isEmpty() && dubbo.getServiceKey() != null) {
            assertThat(tern.serviceKey().toString()).isEqualTo(dubbo.getServiceKey());
        }
    }
}
