package io.tern.cluster;

import static java.util.Objects.requireNonNull;

import io.tern.Invocation;
import io.tern.Invoker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The load balancers, by Dubbo's names: {@code random} (weighted, with warm-up),
 * {@code roundrobin} (smooth weighted), {@code leastactive}, {@code consistenthash},
 * {@code shortestresponse}, and {@code p2c} (adaptive power of two choices).
 */
public final class LoadBalancers {

    public static final String RANDOM = "random";
    public static final String ROUND_ROBIN = "roundrobin";
    public static final String LEAST_ACTIVE = "leastactive";
    public static final String CONSISTENT_HASH = "consistenthash";
    public static final String SHORTEST_RESPONSE = "shortestresponse";
    public static final String P2C = "p2c";
    public static final List<String> NAMES = List.of(RANDOM, ROUND_ROBIN, LEAST_ACTIVE, CONSISTENT_HASH,
            SHORTEST_RESPONSE, P2C);

    private LoadBalancers() {
    }

    /**
     * A new balancer.
     *
     * @param stats the cluster's statistics, read by the balancers that weigh load
     * @param random the source of randomness; {@code null} for {@link ThreadLocalRandom}
     * @param clock the time in milliseconds, for warm-up
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static LoadBalancer create(String name, InvokerStats stats, RandomGenerator random, LongSupplier clock) {
        requireNonNull(name, "name");
        requireNonNull(stats, "stats");
        requireNonNull(clock, "clock");
        return switch (name) {
            case RANDOM -> new WeightedRandom(random, clock);
            case ROUND_ROBIN -> new SmoothRoundRobin(clock);
            case LEAST_ACTIVE -> new LeastActive(stats, random, clock);
            case CONSISTENT_HASH -> new ConsistentHash();
            case SHORTEST_RESPONSE -> new ShortestResponse(stats, random, clock);
            case P2C -> new PowerOfTwoChoices(stats, random);
            default -> throw new IllegalArgumentException("loadbalance: '" + name + "' (expected one of: "
                    + String.join(", ", NAMES) + ")");
        };
    }

    public static LoadBalancer create(String name, InvokerStats stats) {
        return create(name, stats, new ThreadLocalRandomGenerator(), System::currentTimeMillis);
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
    static <T> Invoker<T> weightedPick(List<Invoker<T>> candidates, int[] weights, int total, RandomGenerator random) {
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
        public <T> Invoker<T> select(List<Invoker<T>> invokers, Invocation invocation) {
            int n = invokers.size();
            if (n == 1) {
                return invokers.get(0);
            }
            long now = clock.getAsLong();
            int[] weights = new int[n];
            int total = 0;
            boolean same = true;
            for (int i = 0; i < n; i++) {
                weights[i] = Weights.weight(invokers.get(i), invocation.methodName(), now);
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
    static final class SmoothRoundRobin implements LoadBalancer {
        private final LongSupplier clock;
        private final Map<String, Map<Invoker<?>, AtomicLong>> current = new ConcurrentHashMap<>();

        SmoothRoundRobin(LongSupplier clock) {
            this.clock = clock;
        }

        @Override
        public <T> Invoker<T> select(List<Invoker<T>> invokers, Invocation invocation) {
            if (invokers.size() == 1) {
                return invokers.get(0);
            }
            Map<Invoker<?>, AtomicLong> state = current.computeIfAbsent(invocation.methodName(),
                    k -> new ConcurrentHashMap<>());
            long now = clock.getAsLong();
            // One pick at a time per method keeps the sequence smooth under concurrency.
            synchronized (state) {
                long total = 0;
                Invoker<T> best = null;
                AtomicLong bestCurrent = null;
                for (Invoker<T> invoker : invokers) {
                    int weight = Weights.weight(invoker, invocation.methodName(), now);
                    AtomicLong c = state.computeIfAbsent(invoker, k -> new AtomicLong());
                    long value = c.addAndGet(weight);
                    total += weight;
                    if (bestCurrent == null || value > bestCurrent.get()) {
                        best = invoker;
                        bestCurrent = c;
                    }
                }
                bestCurrent.addAndGet(-total);
                return best;
            }
        }

        @Override
        public void retain(Collection<? extends Invoker<?>> live) {
            Set<Invoker<?>> keep = Set.copyOf(live);
            for (Map<Invoker<?>, AtomicLong> state : current.values()) {
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
        private final InvokerStats stats;
        private final RandomGenerator random;
        private final LongSupplier clock;

        LeastActive(InvokerStats stats, RandomGenerator random, LongSupplier clock) {
            this.stats = stats;
            this.random = random;
            this.clock = clock;
        }

        @Override
        public <T> Invoker<T> select(List<Invoker<T>> invokers, Invocation invocation) {
            return leastBy(invokers, invocation, i -> stats.of(i).active(), random, clock);
        }
    }

    /** Lowest expected wait (average response time times calls in flight plus one); ties by weight. */
    static final class ShortestResponse implements LoadBalancer {
        private final InvokerStats stats;
        private final RandomGenerator random;
        private final LongSupplier clock;

        ShortestResponse(InvokerStats stats, RandomGenerator random, LongSupplier clock) {
            this.stats = stats;
            this.random = random;
            this.clock = clock;
        }

        @Override
        public <T> Invoker<T> select(List<Invoker<T>> invokers, Invocation invocation) {
            return leastBy(invokers, invocation, i -> {
                InvokerStats.Stats s = stats.of(i);
                return s.averageNanos() * (s.active() + 1);
            }, random, clock);
        }
    }

    private static <T> Invoker<T> leastBy(List<Invoker<T>> invokers, Invocation invocation,
            java.util.function.ToLongFunction<Invoker<T>> cost, RandomGenerator random, LongSupplier clock) {
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
            Invoker<T> invoker = invokers.get(i);
            long c = cost.applyAsLong(invoker);
            int weight = Weights.weight(invoker, invocation.methodName(), now);
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
        private final InvokerStats stats;
        private final RandomGenerator random;

        PowerOfTwoChoices(InvokerStats stats, RandomGenerator random) {
            this.stats = stats;
            this.random = random;
        }

        @Override
        public <T> Invoker<T> select(List<Invoker<T>> invokers, Invocation invocation) {
            int n = invokers.size();
            if (n == 1) {
                return invokers.get(0);
            }
            int a = random.nextInt(n);
            int b = random.nextInt(n - 1);
            if (b >= a) {
                b++;
            }
            Invoker<T> first = invokers.get(a);
            Invoker<T> second = invokers.get(b);
            return load(first) <= load(second) ? first : second;
        }

        private double load(Invoker<?> invoker) {
            InvokerStats.Stats s = stats.of(invoker);
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
    static final class ConsistentHash implements LoadBalancer {
        private final Map<String, Ring<?>> rings = new ConcurrentHashMap<>();

        @Override
        public <T> Invoker<T> select(List<Invoker<T>> invokers, Invocation invocation) {
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
        public void retain(Collection<? extends Invoker<?>> live) {
            Set<Invoker<?>> keep = Set.copyOf(live);
            rings.values().removeIf(ring -> !keep.containsAll(ring.source));
        }

        @Override
        public int stateSize() {
            return rings.values().stream().mapToInt(r -> r.source.size()).sum();
        }

        private static final class Ring<T> {
            final List<Invoker<T>> source;
            final int identity;
            final int size;
            final NavigableMap<Long, Invoker<T>> nodes = new TreeMap<>();
            final int[] argumentIndexes;

            Ring(List<Invoker<T>> invokers, String method) {
                this.source = List.copyOf(invokers);
                this.identity = System.identityHashCode(invokers);
                this.size = invokers.size();
                int replicas = invokers.get(0).url().intParameter("hash.nodes", 160);
                String[] indexes = invokers.get(0).url().parameter(method + ".hash.arguments",
                        invokers.get(0).url().parameter("hash.arguments", "0")).split(",");
                this.argumentIndexes = new int[indexes.length];
                for (int i = 0; i < indexes.length; i++) {
                    argumentIndexes[i] = Integer.parseInt(indexes[i].trim());
                }
                for (Invoker<T> invoker : invokers) {
                    String address = invoker.url().address();
                    for (int i = 0; i < replicas / 4; i++) {
                        byte[] digest = md5(address + i);
                        for (int h = 0; h < 4; h++) {
                            nodes.put(hash(digest, h), invoker);
                        }
                    }
                }
            }

            Invoker<T> select(Invocation invocation) {
                StringBuilder key = new StringBuilder();
                Object[] args = invocation.arguments();
                for (int index : argumentIndexes) {
                    if (index >= 0 && index < args.length) {
                        key.append(args[index]);
                    }
                }
                long hash = hash(md5(key.toString()), 0);
                Map.Entry<Long, Invoker<T>> entry = nodes.ceilingEntry(hash);
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
