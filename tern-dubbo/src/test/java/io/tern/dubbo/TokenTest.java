package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.EchoServices.Greeter;
import io.tern.dubbo.EchoServices.GreeterImpl;
import io.tern.testing.TernCleanup;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Token authentication over the dubbo protocol: a call without the provider's token never reaches it. */
class TokenTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    private final DubboProtocol provider = cleanup.register(DubboProtocol.create());
    private final DubboProtocol consumer = cleanup.register(DubboProtocol.create());
    private final AtomicInteger served = new AtomicInteger();

    private ServiceUrl export(String token) {
        GreeterImpl counting = new GreeterImpl() {
            @Override
            public String greet(String name) {
                served.incrementAndGet();
                return super.greet(name);
            }
        };
        return provider.export(Invokers.of(Greeter.class, counting, ServiceUrl.parse("dubbo://127.0.0.1:0/"
                + Greeter.class.getName() + "?token=" + token))).url();
    }

    private Greeter refer(ServiceUrl url) {
        return Proxies.create(consumer.refer(Greeter.class, url));
    }

    @Test
    void tokenTrueRegistersARandomTokenThatCallsCarry() {
        ServiceUrl url = export("true");

        assertThat(url.parameter("token")).hasSize(36).isNotEqualTo("true");
        assertThat(refer(url).greet("token")).isEqualTo("Hello, token");
        assertThat(export("true").parameter("token")).isNotEqualTo(url.parameter("token"));
    }

    @Test
    void aMissingOrWrongTokenIsForbiddenBeforeTheServiceRunsAndTheMessageHoldsNoToken() {
        ServiceUrl url = export("s3cret-value");

        ServiceUrl missing = url.toBuilder().removeParameter("token").build();
        assertThatThrownBy(() -> refer(missing).greet("missing")).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
            assertThat(e.getMessage()).contains("Invalid token!", Greeter.class.getName(), "greet", "missing")
                    .doesNotContain("s3cret-value");
        });
        ServiceUrl wrong = url.toBuilder().parameter("token", "guess").build();
        assertThatThrownBy(() -> refer(wrong).greet("wrong")).isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.status()).isEqualTo(RpcStatus.FORBIDDEN);
            assertThat(e.getMessage()).contains("wrong").doesNotContain("s3cret-value").doesNotContain("guess");
        });
        assertThat(served).hasValue(0);
        assertThat(refer(url).greet("right")).isEqualTo("Hello, right");
        assertThat(served).hasValue(1);
    }
}
