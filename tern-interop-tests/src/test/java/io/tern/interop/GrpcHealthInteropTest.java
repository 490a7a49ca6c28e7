package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.tern.bootstrap.ServiceOptions;
import io.tern.bootstrap.Tern;
import io.tern.bootstrap.TernServer;
import io.tern.core.lifecycle.LifecycleReport;
import io.tern.core.lifecycle.LifecycleTracker;
import io.tern.core.lifecycle.ResourceKind;
import io.tern.core.lifecycle.TrackerLevel;
import io.tern.registry.InJvmRegistry;
import io.tern.triple.TripleHealth;
import io.tern.triple.TripleProtocol;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tern.example.Greeter;
import tern.example.GreeterImpl;

/**
 * gRPC health checking ({@code grpc.health.v1.Health}) on a Tern server, asked by grpc-java's own
 * {@code HealthGrpc} client as Kubernetes probes and load balancers ask: per service and for the
 * server as a whole, following what the operator takes offline and the server's shutdown; and
 * every watch let go of when its stream ends.
 */
@Timeout(120)
class GrpcHealthInteropTest {

    /** The protobuf Greeter's gRPC name, and a plain Java interface's. */
    private static final String GREETER = "tern.example.Greeter";
    private static final String COUNTER = Counter.class.getName();

    public interface Counter {
        int next();
    }

    private final LifecycleTracker tracker = LifecycleTracker.create(TrackerLevel.PARANOID, 1, 2);
    private TernServer server;
    private ManagedChannel channel;
    private HealthGrpc.HealthBlockingStub health;

    @BeforeEach
    void start() {
        server = Tern.server().application("healthy").host("127.0.0.1").port(0).triple(true)
                .registry(new InJvmRegistry()).unregisterDelay(Duration.ofSeconds(2)).tracker(tracker)
                .service(Greeter.class, new GreeterImpl(), ServiceOptions::tripleOnly)
                .service(Counter.class, () -> 1, ServiceOptions::tripleOnly).start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        server.closeAsync().get(20, TimeUnit.SECONDS);
    }

    private ServingStatus check(String service) {
        return health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    private TripleHealth tripleHealth() {
        return ((TripleProtocol) server.protocol("tri")).health();
    }

    @Test
    void checkAnswersPerServiceAndForTheServerAndFollowsTheOperator() {
        assertThat(check("")).isEqualTo(ServingStatus.SERVING);
        assertThat(check(GREETER)).isEqualTo(ServingStatus.SERVING);
        assertThat(check(COUNTER)).isEqualTo(ServingStatus.SERVING);
        StatusRuntimeException unknown = catchThrowableOfType(StatusRuntimeException.class,
                () -> check("no.such.Service"));
        assertThat(unknown.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(unknown.getStatus().getDescription()).startsWith("unknown service: no.such.Service");

        assertThat(server.state().offline(GREETER)).isEqualTo(1);
        assertThat(check(GREETER)).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check(COUNTER)).as("the other service is still in").isEqualTo(ServingStatus.SERVING);
        assertThat(check("")).as("the server is not ready while a service is out").isEqualTo(ServingStatus.NOT_SERVING);

        assertThat(server.state().online(GREETER)).isEqualTo(1);
        assertThat(check(GREETER)).isEqualTo(ServingStatus.SERVING);
        assertThat(check("")).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void overHttp1TheHealthServiceSaysItIsAnsweredOverGrpc() throws Exception {
        HttpResponse<String> answer = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/grpc.health.v1.Health/Check"))
                        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).contains("\"status\":\"UNIMPLEMENTED\"")
                .contains("grpc.health.v1.Health is answered over gRPC (expected: an HTTP/2 gRPC call)");
    }

    @Test
    void watchSendsTheStatusAndEachChangeAndTheShutdown() throws Exception {
        Watch greeter = watch(GREETER);
        Watch whole = watch("");
        Watch later = watch("not.yet.Exported");
        assertThat(greeter.next()).isEqualTo(ServingStatus.SERVING);
        assertThat(whole.next()).isEqualTo(ServingStatus.SERVING);
        assertThat(later.next()).isEqualTo(ServingStatus.SERVICE_UNKNOWN);

        server.state().offline(GREETER);
        assertThat(greeter.next()).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(whole.next()).isEqualTo(ServingStatus.NOT_SERVING);
        server.state().online(GREETER);
        assertThat(greeter.next()).isEqualTo(ServingStatus.SERVING);
        assertThat(whole.next()).isEqualTo(ServingStatus.SERVING);
        assertThat(later.statuses).as("nothing changed for the service no one exports").isEmpty();

        // graceful shutdown: NOT_SERVING at once, while the server waits out its unregister delay
        server.closeAsync();
        assertThat(greeter.next()).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(whole.next()).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(later.next()).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check(COUNTER)).as("still answering, and saying it is going").isEqualTo(ServingStatus.NOT_SERVING);
        server.closeAsync().get(20, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(greeter.ended).isTrue());
    }

    @Test
    void everyWatchIsLetGoOfWhenItsStreamEnds() {
        TripleHealth own = tripleHealth();
        List<Watch> watches = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            watches.add(watch(i % 2 == 0 ? GREETER : ""));
        }
        watches.forEach(w -> assertThat(w.nextQuietly()).isEqualTo(ServingStatus.SERVING));
        assertThat(own.watchCount()).isEqualTo(200);
        assertThat(tracker.counts(ResourceKind.HEALTH_WATCH).live()).isEqualTo(200);

        // the check that follows catches a watch still held: the one left open on purpose
        Watch kept = watches.remove(0);
        watches.forEach(Watch::cancel);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(own.watchCount()).isEqualTo(1));
        assertThat(tracker.counts(ResourceKind.HEALTH_WATCH).live()).isEqualTo(1);

        kept.cancel();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(own.watchCount()).isZero());
        watches.clear();
        kept = null;
        LifecycleReport.Counts counts = tracker.awaitCollected(Duration.ofSeconds(10)).counts(ResourceKind.HEALTH_WATCH);
        assertThat(counts.live()).isZero();
        assertThat(counts.collected()).as("every watch destroyed is collected").isEqualTo(200);
        assertThat(counts.leaked()).isZero();
        assertThat(kept).isNull();
    }

    private Watch watch(String service) {
        Watch watch = new Watch();
        HealthGrpc.newStub(channel).watch(HealthCheckRequest.newBuilder().setService(service).build(), watch);
        return watch;
    }

    /** One {@code Watch} stream as grpc-java's client sees it. */
    private static final class Watch implements ClientResponseObserver<HealthCheckRequest, HealthCheckResponse> {
        final BlockingQueue<ServingStatus> statuses = new LinkedBlockingQueue<>();
        volatile boolean ended;
        private volatile ClientCallStreamObserver<HealthCheckRequest> call;

        @Override
        public void beforeStart(ClientCallStreamObserver<HealthCheckRequest> requestStream) {
            call = requestStream;
        }

        @Override
        public void onNext(HealthCheckResponse value) {
            statuses.add(value.getStatus());
        }

        @Override
        public void onError(Throwable t) {
            ended = true;
        }

        @Override
        public void onCompleted() {
            ended = true;
        }

        ServingStatus next() throws InterruptedException {
            ServingStatus status = statuses.poll(10, TimeUnit.SECONDS);
            assertThat(status).as("a status within 10 s").isNotNull();
            return status;
        }

        ServingStatus nextQuietly() {
            try {
                return next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        void cancel() {
            call.cancel("done", null);
        }
    }
}
