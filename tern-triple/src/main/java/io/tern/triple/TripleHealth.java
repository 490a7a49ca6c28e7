package io.tern.triple;

import io.tern.ServiceKey;
import io.tern.StreamObserver;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.triple.internal.GrpcHealthService;
import io.tern.triple.internal.HealthMessages;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link TripleProtocol}'s servers answer to gRPC's health service
 * ({@code grpc.health.v1.Health}), which every Triple server serves, so that Kubernetes gRPC
 * probes, grpc-java's {@code HealthGrpc} and load balancers can ask:
 *
 * <ul>
 *   <li>a service, by its gRPC name (the interface's name): SERVING while one of its exports is
 *       serving, NOT_SERVING while each is taken out ({@link #setServing}), unknown when none is
 *       exported ({@code Check} answers NOT_FOUND, {@code Watch} SERVICE_UNKNOWN);
 *   <li>the server as a whole (the empty name): SERVING while it exports a service and none is
 *       taken out, as the operations endpoint's {@code ready} says;
 *   <li>after {@link #shutdown()}, everything NOT_SERVING for good: a server going away says so
 *       while its calls finish.
 * </ul>
 *
 * <p>{@code Watch} sends the status at once and again at each change. A watch is held until its
 * stream ends, however it ends, and is tracked ({@link ResourceKind#HEALTH_WATCH}). Its messages
 * go out on the protocol's service threads, so a watcher that does not read holds up nobody
 * else. A service exported as {@code grpc.health.v1.Health} is served in place of this one.
 */
public final class TripleHealth {

    /** The statuses of {@code HealthCheckResponse}, numbered as gRPC numbers them. */
    public enum ServingStatus {
        UNKNOWN,
        SERVING,
        NOT_SERVING,
        SERVICE_UNKNOWN
    }

    /** The service name gRPC clients ask. */
    static final String SERVICE_NAME = "grpc.health.v1.Health";

    private final TripleProtocol protocol;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean shutdown;

    TripleHealth(TripleProtocol protocol) {
        this.protocol = protocol;
    }

    /** The status a client asking about {@code service} gets now; the empty name is the server as a whole. */
    public ServingStatus status(String service) {
        if (shutdown) {
            return ServingStatus.NOT_SERVING;
        }
        boolean whole = service.isEmpty();
        boolean exported = false;
        boolean serving = false;
        boolean anyOut = false;
        for (TripleExporter<?> exporter : protocol.exporters()) {
            if (whole || exporter.key().interfaceName().equals(service)) {
                exported = true;
                serving |= exporter.serving;
                anyOut |= !exporter.serving;
            }
        }
        if (whole) {
            return exported && !anyOut ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        }
        if (!exported) {
            return ServingStatus.SERVICE_UNKNOWN;
        }
        return serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    }

    /**
     * Takes the exports of {@code key} out ({@code serving} false), or puts them back: health
     * says NOT_SERVING for them, calls still reach them. Leaves no trace once they are unexported.
     *
     * @return how many exports it changed
     */
    public int setServing(ServiceKey key, boolean serving) {
        int changed = 0;
        for (TripleExporter<?> exporter : protocol.exporters()) {
            if (exporter.key().equals(key) && exporter.serving != serving) {
                exporter.serving = serving;
                changed++;
            }
        }
        if (changed > 0) {
            changed();
        }
        return changed;
    }

    /** Everything NOT_SERVING from now on, whatever is exported: the server is going away. */
    public void shutdown() {
        shutdown = true;
        changed();
    }

    /** The watches open now. */
    public int watchCount() {
        return watches.size();
    }

    /** What is exported, or its state, changed: every watch whose status moved hears it. */
    void changed() {
        for (Watch watch : watches) {
            watch.offer(status(watch.service));
        }
    }

    /** The service every Triple server answers as {@value #SERVICE_NAME}. */
    GrpcHealthService service() {
        return new Service();
    }

    private final class Service implements GrpcHealthService {
        @Override
        public byte[] check(byte[] request) {
            String service = HealthMessages.service(request);
            ServingStatus status = status(service);
            if (status == ServingStatus.SERVICE_UNKNOWN) {
                throw new GrpcStatusException(GrpcStatus.NOT_FOUND, "unknown service: " + service
                        + " (expected: the name of a service this server exports, or empty for the server)");
            }
            return HealthMessages.response(status.ordinal());
        }

        @Override
        public void watch(byte[] request, StreamObserver<byte[]> responses) {
            Watch watch = new Watch(HealthMessages.service(request), responses, protocol.services(),
                    protocol.tracker());
            watches.add(watch);
            StreamAnswer.whenEnded(responses, watch::close);
            watch.offer(status(watch.service));
        }
    }

    /** One open {@code Watch} stream: the last status it was offered, and the last it sent. */
    private final class Watch {
        final String service;
        private final StreamObserver<byte[]> responses;
        private final Executor sender;
        private final LifecycleTracker.Tracked tracked;
        private final AtomicBoolean sending = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile @Nullable ServingStatus latest;
        /** Touched by one sender at a time ({@link #sending}). */
        private @Nullable ServingStatus sent;

        Watch(String service, StreamObserver<byte[]> responses, Executor sender, LifecycleTracker tracker) {
            this.service = service;
            this.responses = responses;
            this.sender = sender;
            this.tracked = tracker.track(ResourceKind.HEALTH_WATCH, service.isEmpty() ? "(server)" : service);
        }

        void offer(ServingStatus status) {
            latest = status;
            if (closed.get() || !sending.compareAndSet(false, true)) {
                return;
            }
            try {
                sender.execute(this::send);
            } catch (RejectedExecutionException e) {
                close(); // the protocol is closing, and its connections with it
            }
        }

        /** Sends the latest status until what was sent is the latest. */
        private void send() {
            try {
                for (ServingStatus now = latest; now != null && now != sent && !closed.get(); now = latest) {
                    responses.onNext(HealthMessages.response(now.ordinal()));
                    sent = now;
                }
            } catch (RuntimeException e) {
                close(); // the stream ended, or its reader stopped reading
                return;
            } finally {
                sending.set(false);
            }
            ServingStatus now = latest;
            if (now != null && now != sent) {
                offer(now); // offered while this sender was finishing
            }
        }

        void close() {
            if (closed.compareAndSet(false, true)) {
                watches.remove(this);
                tracked.destroyed(this);
            }
        }
    }
}
