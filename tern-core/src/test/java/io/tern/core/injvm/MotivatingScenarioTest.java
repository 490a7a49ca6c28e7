package io.tern.core.injvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.Gc;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.TestServices.Greeter;
import io.tern.core.TestServices.GreeterImpl;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bug Tern exists to prevent: a long-lived protocol that keeps every invoker it ever made,
 * and with it every URL. Thousands of distinct services are exported, referred, called and
 * destroyed on one protocol; none of their invokers, exporters or URLs may stay reachable.
 */
class MotivatingScenarioTest {

    private static final int SERVICES = 5_000;
    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.SAMPLED, 1, 2);

    @Test
    void aLongLivedProtocolRetainsNoDestroyedInvokerAndNoUrl() {
        InjvmProtocol protocol = InjvmProtocol.builder().tracker(tracker).build();

        List<WeakReference<Object>> refs = distinctServices(protocol, SERVICES, null);

        assertThat(protocol.stats().exportedCount()).isZero();
        assertThat(protocol.stats().referredCount()).isZero();
        Gc.awaitCleared(refs);
        assertThat(tracker.report().totalLeaked()).isZero();
        protocol.close();
    }

    @Test
    void theCheckCatchesADestroyedInvokerThatIsStillHeld() {
        InjvmProtocol protocol = InjvmProtocol.builder().tracker(tracker).build();
        List<Object> holder = new ArrayList<>();

        List<WeakReference<Object>> refs = distinctServices(protocol, 100, holder);

        // The held invoker and everything it references (its URL) stay reachable: the check sees them.
        assertThat(Gc.reachable(refs)).isEqualTo(2);
        assertThat(holder).hasSize(1);
        protocol.close();
    }

    private static List<WeakReference<Object>> distinctServices(InjvmProtocol protocol, int count,
            List<Object> holder) {
        List<WeakReference<Object>> refs = new ArrayList<>(count * 4);
        for (int i = 0; i < count; i++) {
            ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/com.example.Service" + i
                    + "?version=1." + i + "&group=g" + (i % 7) + "&timeout=" + (1000 + i));
            Exporter<Greeter> exporter = protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
            Invoker<Greeter> invoker = protocol.refer(Greeter.class, url);
            assertThat(Proxies.create(invoker).greet("service " + i)).isEqualTo("Hello, service " + i);
            invoker.close();
            exporter.close();
            if (holder != null && i == count / 2) {
                holder.add(invoker);
            }
            refs.add(new WeakReference<>(invoker));
            refs.add(new WeakReference<>(exporter));
            refs.add(new WeakReference<>(url));
        }
        return refs;
    }
}
