package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.Invocation;
import io.tern.cluster.internal.StateSize;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The load balancers by name: Tern's own, with Dubbo's names — {@code random} (weighted, with
 * warm-up), {@code roundrobin} (smooth weighted), {@code leastactive}, {@code consistenthash},
 * {@code shortestresponse} — and {@code p2c} (adaptive power of two choices); and those that
 * {@link LoadBalancerFactory} implementations on the class path add through
 * {@link ServiceLoader}, found once, when this class is first used.
 */
public final class LoadBalancers {

    public static final String RANDOM = "random";
    public static final String ROUND_ROBIN = "roundrobin";
    public static final String LEAST_ACTIVE = "leastactive";
    public static final String CONSISTENT_HASH = "consistenthash";
    public static final String SHORTEST_RESPONSE = "shortestresponse";
    public static final String P2C = "p2c";

    private static final RandomGenerator THREAD_LOCAL_RANDOM = new ThreadLocalRandomGenerator();
    private static final Map<String, LoadBalancerFactory> FACTORIES = load();

    private LoadBalancers() {
    }

    private static Map<String, LoadBalancerFactory> load() {
        Map<String, LoadBalancerFactory> factories = new LinkedHashMap<>();
        put(factories, builtIn(RANDOM, c -> new WeightedRandom(c.random(), c::nowMillis)));
        put(factories, builtIn(ROUND_ROBIN, c -> new SmoothRoundRobin(c::nowMillis)));
        put(factories, builtIn(LEAST_ACTIVE, c -> new LeastActive(c::stats, c.random(), c::nowMillis)));
        put(factories, builtIn(CONSISTENT_HASH, c -> new ConsistentHash()));
        put(factories, builtIn(SHORTEST_RESPONSE, c -> new ShortestResponse(c::stats, c.random(), c::nowMillis)));
        put(factories, builtIn(P2C, c -> new PowerOfTwoChoices(c::stats, c.random())));
        for (LoadBalancerFactory factory : ServiceLoader.load(LoadBalancerFactory.class,
                LoadBalancers.class.getClassLoader())) {
            put(factories, factory);
        }
        return Collections.unmodifiableMap(factories);
    }

    private static void put(Map<String, LoadBalancerFactory> factories, LoadBalancerFactory factory) {
        String name = requireNonNull(factory.name(), "name of " + factory.getClass().getName());
        LoadBalancerFactory previous = factories.putIfAbsent(name, factory);
        if (previous != null) {
            throw new IllegalStateException("loadbalance: '" + name + "' is defined by both "
                    + previous.getClass().getName() + " and " + factory.getClass().getName()
                    + " (expected: one factory per name)");
        }
    }

    private static LoadBalancerFactory builtIn(String name, Function<LoadBalancerContext, LoadBalancer> make) {
        return new LoadBalancerFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public LoadBalancer create(LoadBalancerContext context) {
                return make.apply(context);
            }
        };
    }

    /** The names a reference may give {@code loadbalance}: Tern's own, then those found on the class path. */
    public static Set<String> names() {
        return FACTORIES.keySet();
    }

    /**
     * Checks a name.
     *
     * @param key the setting, for the message ({@code loadbalance}, {@code greet.loadbalance})
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static String checkName(String key, String name) {
        requireNonNull(name, "name");
        if (!FACTORIES.containsKey(name)) {
            throw new IllegalArgumentException(key + ": '" + name + "' (expected one of: "
                    + String.join(", ", names()) + ")");
        }
        return name;
    }

    /**
     * A new balancer.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static LoadBalancer create(String name, LoadBalancerContext context) {
        requireNonNull(context, "context");
        return requireNonNull(FACTORIES.get(checkName("loadbalance", name)), name).create(context);
    }

    /** A balancer over these statistics, with {@link ThreadLocalRandom} and the system clock. */
    public static LoadBalancer create(String name, Function<Provider<?>, CallStats> stats) {
        return create(name, new LoadBalancerContext(stats, THREAD_LOCAL_RANDOM, System::currentTimeMillis));
    }

    /** {@link ThreadLocalRandom} as a {@link RandomGenerator} that may be shared between threads. */
    public static RandomGenerator threadLocalRandom() {
        return THREAD_LOCAL_RANDOM;
    }

    /** {@link ThreadLocalRandom} for the current thread at each call. */
    private static final class ThreadLocalRandomGenerator implements RandomGenerator {
        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public int nextInt(int bound) {
            return ThreadLocalRandom.current().nextInt(bound);
        }
    }

    /** Picks by weight among invokers, uniformly when all weigh nothing. */
    static <T> Provider<T> weightedPick(List<Provider<T>> candidates, int[] weights, int total, RandomGenerator random) {
        return candidates.get(weightedIndex(weights, candidates.size(), total, random));
    }

    /**
     * An index below {@code count}, each chosen with probability {@code weights[i] / total};
     * uniformly when {@code total} is 0.
     */
    static int weightedIndex(int[] weights, int count, int total, RandomGenerator random) {
        if (total <= 0) {
            return random.nextInt(count);
        }
        int offset = random.nextInt(total);
        for (int i = 0; i < count; i++) {
            offset -= weights[i];
            if (offset < 0) {
                return i;
            }
        }
        return count - 1;
    }

    /** Weighted random, weights ramped by warm-up. */
    static final class WeightedRandom implements LoadBalancer {
        private final RandomGenerator random;
        private final LongSupplier clock;

        WeightedRandom(RandomGenerator random, LongSupplier clock) {
            this.random = random;
            this.clock = clock;
        }

        @Override
        public <T> Provider<T> select(List<Provider<T>> invokers, Invocation invocation) {
            int n = invokers.size();
            if (n == 1) {
                return invokers.get(0);
            }
            long now = clock.getAsLong();
            int[] weights = new int[n];
            int total = 0;
            boolean same = true;
            for (int i = 0; i < n; i++) {
                weights[i] = invokers.get(i).settings().weight(invocation.methodName(), now);
                total += weights[i];
                same &= weights[i] == weights[0];
            }
            return same ? invokers.get(random.nextInt(n)) : weightedPick(invokers, weights, total, random);
        }
    }

    /**
     * Smooth weighted round-robin (as nginx): each pick adds every invoker's weight to its
     * current value, takes the largest, and subtracts the total from it — weights 5,1,1 give
     * a,a,b,a,c,a,a. State is per method and per invoker, dropped when invokers leave.
     */
    static final class SmoothRoundRobin implements LoadBalancer, StateSize {
        private final LongSupplier clock;
        private final Map<String, Map<Provider<?>, AtomicLong>> current = new ConcurrentHashMap<>();

        SmoothRoundRobin(LongSupplier clock) {
            this.clock = clock;
        }

        @Override
        public <T> Provider<T> select(List<Provider<T>> invokers, Invocation invocation) {
            if (invokers.size() == 1) {
                return invokers.get(0);
            }
            Map<Provider<?>, AtomicLong> state = current.computeIfAbsent(invocation.methodName(),
                    k -> new ConcurrentHashMap<>());
            long now = clock.getAsLong();
            // One pick at a time per method keeps the sequence smooth under concurrency.
            synchronized (state) {
                long total = 0;
                Provider<T> best = null;
                AtomicLong bestCurrent = null;
                for (Provider<T> invoker : invokers) {
                    int weight = invoker.settings().weight(invocation.methodName(), now);
                    AtomicLong c = state.computeIfAbsent(invoker, k -> new AtomicLong());
                    long value = c.addAndGet(weight);
                    total += weight;
                    if (bestCurrent == null || value > bestCurrent.get()) {
                        best = invoker;
                        bestCurrent = c;
                    }
                }
                if (best == null || bestCurrent == null) {
                    throw new IllegalArgumentException("invokers: none (expected: at least one to choose from)");
                }
                bestCurrent.addAndGet(-total);
                return best;
            }
        }

        @Override
        public void retain(Collection<? extends Provider<?>> live) {
            Set<Provider<?>> keep = Set.copyOf(live);
            for (Map<Provider<?>, AtomicLong> state : current.values()) {
                state.keySet().removeIf(i -> !keep.contains(i));
            }
            current.values().removeIf(Map::isEmpty);
        }

        @Override
        public int stateSize() {
            return current.values().stream().mapToInt(Map::size).sum();
        }
    }

    /** Fewest calls in flight; ties broken by weighted random. */
    static final class LeastActive implements LoadBalancer {
        private final Function<Provider<?>, CallStats> stats;
        private final RandomGenerator random;
        private final LongSupplier clock;

        LeastActive(Function<Provider<?>, CallStats> stats, RandomGenerator random, LongSupplier clock) {
            this.stats = stats;
            this.random = random;
            this.clock = clock;
        }

        @Override
        public <T> Provider<T> select(List<Provider<T>> invokers, Invocation invocation) {
            return leastBy(invokers, invocation, i -> stats.apply(i).active(), random, clock);
        }
    }

    /** Lowest expected wait (average response time times calls in flight plus one); ties by weight. */
    static final class ShortestResponse implements LoadBalancer {
        private final Function<Provider<?>, CallStats> stats;
        private final RandomGenerator random;
        private final LongSupplier clock;

        ShortestResponse(Function<Provider<?>, CallStats> stats, RandomGenerator random, LongSupplier clock) {
            this.stats = stats;
            this.random = random;
            this.clock = clock;
        }

        @Override
        public <T> Provider<T> select(List<Provider<T>> invokers, Invocation invocation) {
            return leastBy(invokers, invocation, i -> {
                CallStats s = stats.apply(i);
                return s.averageNanos() * (s.active() + 1);
            }, random, clock);
        }
    }

    private static <T> Provider<T> leastBy(List<Provider<T>> invokers, Invocation invocation,
            java.util.function.ToLongFunction<Provider<T>> cost, RandomGenerator random, LongSupplier clock) {
        int n = invokers.size();
        if (n == 1) {
            return invokers.get(0);
        }
        long now = clock.getAsLong();
        long least = Long.MAX_VALUE;
        int[] ties = new int[n];
        int[] weights = new int[n];
        int count = 0;
        int total = 0;
        for (int i = 0; i < n; i++) {
            Provider<T> invoker = invokers.get(i);
            long c = cost.applyAsLong(invoker);
            int weight = invoker.settings().weight(invocation.methodName(), now);
            if (c < least) {
                least = c;
                count = 0;
                total = 0;
            }
            if (c == least) {
                ties[count] = i;
                weights[count] = weight;
                count++;
                total += weight;
            }
        }
        return invokers.get(count == 1 ? ties[0] : ties[weightedIndex(weights, count, total, random)]);
    }

    /**
     * Adaptive power of two choices: two distinct invokers at random, the one with the lower load
     * (average response time times calls in flight plus one, raised by up to double by the failure
     * rate) wins.
     */
    static final class PowerOfTwoChoices implements LoadBalancer {
        private final Function<Provider<?>, CallStats> stats;
        private final RandomGenerator random;

        PowerOfTwoChoices(Function<Provider<?>, CallStats> stats, RandomGenerator random) {
            this.stats = stats;
            this.random = random;
        }

        @Override
        public <T> Provider<T> select(List<Provider<T>> invokers, Invocation invocation) {
            int n = invokers.size();
            if (n == 1) {
                return invokers.get(0);
            }
            int a = random.nextInt(n);
            int b = random.nextInt(n - 1);
            if (b >= a) {
                b++;
            }
            Provider<T> first = invokers.get(a);
            Provider<T> second = invokers.get(b);
            return load(first) <= load(second) ? first : second;
        }

        private double load(Provider<?> invoker) {
            CallStats s = stats.apply(invoker);
            double average = Math.max(1, s.averageNanos());
            double failureRate = s.calls() == 0 ? 0 : (double) s.failures() / s.calls();
            return average * (s.active() + 1) * (1 + failureRate);
        }
    }

    /**
     * Consistent hashing over the arguments named by {@code hash.arguments} (indexes, {@code 0}
     * by default), with {@code hash.nodes} virtual nodes per invoker (160 by default), so the same
     * arguments reach the same provider while it is there and few keys move when providers change.
     */
    static final class ConsistentHash implements LoadBalancer, StateSize {
        private final Map<String, Ring<?>> rings = new ConcurrentHashMap<>();

        @Override
        public <T> Provider<T> select(List<Provider<T>> invokers, Invocation invocation) {
            String method = invocation.methodName();
            @SuppressWarnings("unchecked")
            Ring<T> ring = (Ring<T>) rings.get(method);
            if (ring == null || ring.identity != System.identityHashCode(invokers) || ring.size != invokers.size()
                    || !ring.source.equals(invokers)) {
                ring = new Ring<>(invokers, method);
                rings.put(method, ring);
            }
            return ring.select(invocation);
        }

        @Override
        public void retain(Collection<? extends Provider<?>> live) {
            Set<Provider<?>> keep = Set.copyOf(live);
            rings.values().removeIf(ring -> !keep.containsAll(ring.source));
        }

        @Override
        public int stateSize() {
            return rings.values().stream().mapToInt(r -> r.source.size()).sum();
        }

        private static final class Ring<T> {
            final List<Provider<T>> source;
            final int identity;
            final int size;
            final NavigableMap<Long, Provider<T>> nodes = new TreeMap<>();
            final int[] argumentIndexes;

            Ring(List<Provider<T>> invokers, String method) {
                this.source = List.copyOf(invokers);
                this.identity = System.identityHashCode(invokers);
                this.size = invokers.size();
                ProviderSettings first = invokers.get(0).settings();
                int replicas = first.hashNodes();
                this.argumentIndexes = first.hashArguments(method);
                for (Provider<T> invoker : invokers) {
                    String address = invoker.url().address();
                    for (int i = 0; i < replicas / 4; i++) {
                        byte[] digest = md5(address + i);
                        for (int h = 0; h < 4; h++) {
                            nodes.put(hash(digest, h), invoker);
                        }
                    }
                }
            }

            Provider<T> select(Invocation invocation) {
                StringBuilder key = new StringBuilder();
                Object[] args = invocation.arguments();
                for (int index : argumentIndexes) {
                    if (index >= 0 && index < args.length) {
                        key.append(args[index]);
                    }
                }
                long hash = hash(md5(key.toString()), 0);
                Map.Entry<Long, Provider<T>> entry = nodes.ceilingEntry(hash);
                return (entry != null ? entry : nodes.firstEntry()).getValue();
            }
        }

        private static long hash(byte[] digest, int number) {
            return (((long) (digest[3 + number * 4] & 0xFF) << 24)
                    | ((long) (digest[2 + number * 4] & 0xFF) << 16)
                    | ((long) (digest[1 + number * 4] & 0xFF) << 8)
                    | (digest[number * 4] & 0xFF))
                    & 0xFFFFFFFFL;
        }

        private static byte[] md5(String value) {
            try {
                return MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("MD5 is required of every JVM", e);
            }
        }
    }
}
