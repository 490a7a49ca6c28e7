package io.tern.example;

import io.tern.Exporter;
import io.tern.GenericService;
import io.tern.Invoker;
import io.tern.RpcException;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.injvm.InjvmProtocol;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The runnable example: exports {@link Greeter} in this JVM, calls it every way a client can
 * (synchronously, asynchronously, a declared exception, a generic call), destroys everything,
 * and prints the lifecycle report. Exits 0 when nothing leaked, 1 otherwise.
 */
public final class InJvmExample {

    private InJvmExample() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out));
    }

    /** Runs the example, printing to {@code out}; returns the exit code. */
    public static int run(PrintStream out) {
        // A tracker of our own, watching everything, so the report covers every object made here.
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        exercise(tracker, out);
        LifecycleReport report = tracker.awaitCollected(Duration.ofSeconds(10));
        out.print(report.format());
        return report.totalLeaked() == 0 ? 0 : 1;
    }

    private static void exercise(LifecycleTracker tracker, PrintStream out) {
        ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/io.tern.example.Greeter?version=1.0.0");

        try (InjvmProtocol protocol = InjvmProtocol.builder().tracker(tracker).build()) {
            Exporter<Greeter> exporter = protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url, tracker));
            out.println("exported    " + url);

            Invoker<Greeter> invoker = protocol.refer(Greeter.class, url);
            Greeter greeter = Proxies.create(invoker);
            out.println("sync        " + greeter.greet("Tern"));
            out.println("async       " + greeter.greetAsync("async caller").join());
            try {
                greeter.greetAll(List.of());
            } catch (GreetingException e) {
                out.println("exception   " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }

            Invoker<GenericService> genericInvoker = protocol.refer(GenericService.class, url);
            GenericService generic = Proxies.create(genericInvoker);
            Object greetings = generic.$invoke("greetAll", new String[] {"java.util.List"},
                    new Object[] {List.of("Ada", "Grace")});
            out.println("generic     " + greetings);

            invoker.close();
            genericInvoker.close();
            try {
                greeter.greet("too late");
            } catch (RpcException e) {
                out.println("destroyed   " + e.status() + ": " + e.getMessage());
            }
            exporter.close();
            out.println("open after destroy: " + protocol.stats().exportedCount() + " exported, "
                    + protocol.stats().referredCount() + " referred");
        }
    }
}
