package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.tern.testing.TernCleanup;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server's and a client's calls observed through the bootstrap's {@code tracing(...)}. */
class TracingWiringTest {

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Echo {
        String echo(String text);
    }

    @Test
    void bothSidesObserveTheirCallsUnderDubbosNames() {
        List<String> stopped = new CopyOnWriteArrayList<>();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {
            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context.getName() + " " + context.getContextualName() + " "
                        + context.getLowCardinalityKeyValue("rpc.system").getValue());
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        TernServer server = cleanup.register(Tern.server().tracing(observations).service(Echo.class, t -> t).start());
        TernClient client = cleanup.register(Tern.client().tracing(observations).build());
        Echo echo = client.reference(Echo.class, r -> r.url("dubbo://127.0.0.1:" + server.port())).get();
        assertThat(echo.echo("seen")).isEqualTo("seen");
        String call = Echo.class.getName() + "/echo apache_dubbo";
        await().untilAsserted(() -> assertThat(stopped).containsExactlyInAnyOrder("rpc.server.duration " + call,
                "rpc.client.duration " + call));
    }
}
