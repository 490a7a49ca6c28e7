package io.tern.cli;

import io.tern.GenericService;
import io.tern.RpcException;
import io.tern.ServiceUrl;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernClient;
import io.tern.bootstrap.TernServer;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.example.Page;
import io.tern.example.User;
import io.tern.example.UserNotFoundException;
import io.tern.example.UserService;
import io.tern.example.UserServiceImpl;
import io.tern.registry.Registries;
import io.tern.registry.Registry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tern demo}: an embedded registry, a provider and a consumer in one process; a few calls
 * of each kind; the provider taken away and the consumer noticing; everything destroyed, and the
 * lifecycle report. Exits 0 when nothing leaked.
 */
@Command(name = "demo",
        description = {"Runs an embedded ZooKeeper, a provider of io.tern.example.UserService and a consumer in"
                + " this process, makes a few calls (sync, async, one that throws, a generic one), takes the"
                + " provider away, destroys everything and prints the lifecycle report.",
            "Exits 0 when every destroyed object was collected, 1 when something leaked."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // A tracker of the demo's own that watches every object, so the report covers all of them.
        LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
        exercise(tracker, out);
        LifecycleReport report = tracker.awaitCollected(Duration.ofSeconds(10));
        out.print(report.format());
        out.println(report.totalLeaked() == 0 ? "nothing leaked" : report.totalLeaked() + " objects leaked");
        out.flush();
        return report.totalLeaked() == 0 ? 0 : TernCli.FAILED;
    }

    private static void exercise(LifecycleTracker tracker, PrintWriter out) throws Exception {
        Registry registry = Registries.connect(ServiceUrl.parse("embedded://127.0.0.1"), tracker);
        try {
            out.printf("registry   embedded ZooKeeper at %s%n", registry.url().address());
            TernServer server = Tern.server().application("demo-provider").registry(registry).tracker(tracker)
                    .unregisterDelay(Duration.ofMillis(200))
                    .service(UserService.class, new UserServiceImpl()).start();
            out.printf("provider   %s at dubbo://127.0.0.1:%d, registered%n", UserService.class.getName(), server.port());
            try (TernClient client = Tern.client().application("demo-consumer").registry(registry).tracker(tracker)
                    .build()) {
                UserService users = client.reference(UserService.class, r -> r.timeout(Duration.ofSeconds(3))).get();
                out.printf("consumer   found %d provider through the registry%n", client.stats("dubbo").referredCount());

                User user = users.getUser(1);
                out.printf("sync       getUser(1) -> %s, %s, born %s%n", user.getName(), user.getEmail(),
                        user.getBirthday());
                User later = users.getUserAsync(2).get(3, TimeUnit.SECONDS);
                out.printf("async      getUserAsync(2) -> %s%n", later.getName());
                try {
                    users.getUser(-1);
                } catch (UserNotFoundException e) {
                    out.printf("exception  getUser(-1) -> %s: %s%n", e.getClass().getSimpleName(), e.getMessage());
                }
                GenericService generic = client.reference(GenericService.class,
                        r -> r.service(UserService.class.getName()).timeout(Duration.ofSeconds(3))).get();
                Object page = java.util.Objects.requireNonNull(
                        generic.$invoke("listUser", new String[] {"int"}, new Object[] {0}), "listUser's page");
                out.printf("generic    $invoke(listUser, [int], [0]) -> a %s with %d users; the first as JSON:%n"
                        + "           %s%n", Page.class.getSimpleName(), firstUsers(page),
                        Json.compact(((java.util.List<?>) java.util.Objects.requireNonNull(((Map<?, ?>) page).get("result"),
                                "the page's result")).get(0)));

                server.close();
                out.printf("provider   closed: unregistered, drained, port released%n");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (client.stats("dubbo").referredCount() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                try {
                    users.echo("anyone there?");
                    out.println("consumer   still answered (the registry did not tell it yet)");
                } catch (RpcException e) {
                    out.printf("consumer   noticed: %s: %s%n", e.status(), e.getMessage());
                }
            }
            out.println("consumer   closed: references, directory, subscription, connections");
        } finally {
            registry.close();
            out.println("registry   closed");
        }
    }

    private static int firstUsers(Object page) {
        return page instanceof Map<?, ?> map && map.get("result") instanceof java.util.List<?> list ? list.size() : 0;
    }
}
