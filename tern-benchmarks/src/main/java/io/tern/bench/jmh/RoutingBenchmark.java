package io.tern.bench.jmh;

import io.tern.Invocation;
import io.tern.Invoker;
import io.tern.Result;
import io.tern.ServiceDescriptor;
import io.tern.ServiceKey;
import io.tern.ServiceUrl;
import io.tern.cluster.ConditionRouter;
import io.tern.cluster.Provider;
import io.tern.cluster.RouterChain;
import io.tern.cluster.RuleRouter;
import io.tern.cluster.TagRouter;
import io.tern.cluster.TagRule;
import io.tern.core.AbstractInvoker;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.example.UserService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What routing costs a call, over 10 providers: the providers' own tags alone (a reference
 * without a config center), an operator's routes with no rule in force, a service condition
 * route keeping half, and a tag route by address for a tagged call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RoutingBenchmark {

    private List<Provider<UserService>> providers;
    private ServiceUrl consumer;
    private Invocation call;
    private Invocation tagged;
    private RouterChain ownTags;
    private RouterChain noRules;
    private RouterChain condition;
    private RouterChain tagRule;

    @Setup
    public void setUp() {
        LifecycleTracker tracker = LifecycleTracker.create(io.tern.core.lifecycle.TrackerLevel.OFF, 1, 1);
        providers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ServiceUrl url = ServiceUrl.parse("dubbo://10.0." + (i % 2) + "." + i + ":20880/"
                    + UserService.class.getName() + "?application=users");
            Invoker<UserService> invoker = new AbstractInvoker<UserService>(UserService.class, url, tracker) {
                @Override
                protected CompletableFuture<Result> doInvoke(Invocation invocation) {
                    return CompletableFuture.completedFuture(Result.value(null));
                }
            };
            providers.add(Provider.of(invoker));
        }
        providers = List.copyOf(providers);
        consumer = ServiceUrl.parse("consumer://10.1.0.1/" + UserService.class.getName() + "?application=web");
        ServiceDescriptor descriptor = ServiceDescriptor.of(UserService.class);
        call = Invocation.of(ServiceKey.of(UserService.class.getName()), java.util.Objects.requireNonNull(descriptor.find("getUser", "J")),
                new Object[] {1L});
        tagged = Invocation.of(ServiceKey.of(UserService.class.getName()), java.util.Objects.requireNonNull(descriptor.find("getUser", "J")),
                new Object[] {1L});
        tagged.setAttachment("dubbo.tag", "gray");
        ownTags = RouterChain.of(List.of(TagRouter.create()));
        noRules = RouterChain.of(List.of(RuleRouter.create()));
        RuleRouter routes = RuleRouter.create();
        routes.set(null, List.of(ConditionRouter.parse("method = getUser => host = 10.0.0.*", false, 0,
                "service.condition-router")));
        condition = RouterChain.of(List.of(routes));
        RuleRouter tags = RuleRouter.create();
        tags.set(TagRule.of("users.tag-router", false, true, List.of(new TagRule.Tag("gray",
                List.of("10.0.1.1:20880", "10.0.1.3:20880"), List.of()))), List.of());
        tagRule = RouterChain.of(List.of(tags));
    }

    @Benchmark
    public Object ownTags() {
        return ownTags.route(providers, consumer, call);
    }

    @Benchmark
    public Object rulesNone() {
        return noRules.route(providers, consumer, call);
    }

    @Benchmark
    public Object rulesCondition() {
        return condition.route(providers, consumer, call);
    }

    @Benchmark
    public Object rulesTagged() {
        return tagRule.route(providers, consumer, tagged);
    }
}
