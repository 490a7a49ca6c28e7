package io.tern.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.dubbo.DubboProtocol;
import io.tern.testing.TernCleanup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The example service, with the benchmark's workloads, over the dubbo protocol on loopback. */
class UserServiceOverDubboTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    @Test
    void everyWorkloadAnswersOverTheWire() throws Exception {
        DubboProtocol provider = cleanup.register(DubboProtocol.create());
        DubboProtocol consumer = cleanup.register(DubboProtocol.create());
        ServiceUrl url = provider.export(Invokers.of(UserService.class, new UserServiceImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + UserService.class.getName()))).url();
        UserService users = Proxies.create(consumer.refer(UserService.class, url));

        assertThat(users.existUser("a@example.com")).isTrue();
        User user = users.getUser(7);
        assertThat(user.getId()).isEqualTo(7);
        assertThat(users.getUserAsync(8).get().getId()).isEqualTo(8);
        assertThat(users.listUser(0).getResult()).hasSize(15);
        assertThat(users.echo("ping")).isEqualTo("ping");
        assertThatThrownBy(() -> users.getUser(-1)).isInstanceOf(UserNotFoundException.class);
    }
}
