package io.tern.dubbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tern.RpcException;
import io.tern.RpcStatus;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.testing.TernCleanup;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which thread reads an answer: the caller's own for a call it waits for, the connection's event
 * loop for an asynchronous call or one whose caller stopped waiting. And the client's heartbeat.
 */
class AnswerThreadsTest {

    @RegisterExtension
    static final TernCleanup cleanup = new TernCleanup();

    /** The threads {@link Place}s were made on, in order: reading one on the client makes one. */
    static final List<String> MADE_ON = new CopyOnWriteArrayList<>();

    public record Place(String name) {
        public Place {
            MADE_ON.add(Thread.currentThread().getName());
        }
    }

    public interface Places {
        Place where(String name);

        CompletableFuture<Place> whereAsync(String name);

        Place slowly(long millis);
    }

    public static final class PlacesImpl implements Places {
        @Override
        public Place where(String name) {
            return new Place(name);
        }

        @Override
        public CompletableFuture<Place> whereAsync(String name) {
            return CompletableFuture.completedFuture(new Place(name));
        }

        @Override
        public Place slowly(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Place("slow" + LARGE);
        }
    }

    private static DubboProtocol provider;
    private static DubboProtocol consumer;
    private static Places places;
    private static ServiceUrl url;

    @BeforeAll
    static void start() {
        provider = cleanup.register(DubboProtocol.create());
        consumer = cleanup.register(DubboProtocol.create());
        url = provider.export(Invokers.of(Places.class, new PlacesImpl(),
                ServiceUrl.parse("dubbo://127.0.0.1:0/" + Places.class.getName()))).url();
        places = Proxies.create(consumer.refer(Places.class, url));
    }

    @BeforeEach
    void clear() {
        MADE_ON.clear();
    }

    private static final String LARGE = "x".repeat(2 * Wire.INLINE_DECODE_LIMIT); // above what a loop reads

    @Test
    void aCallerThatWaitsReadsItsOwnLargeAnswer() {
        assertThat(places.where(LARGE).name()).isEqualTo(LARGE);
        // made once by the provider, once by the reader of its answer: this thread
        assertThat(MADE_ON).hasSize(2).last().isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void aSmallAnswerIsReadOnTheEventLoop() {
        assertThat(places.where("here").name()).isEqualTo("here");
        assertThat(MADE_ON).hasSize(2).last().asString().startsWith("tern-io-");
    }

    @Test
    void anAsynchronousCallsLargeAnswerIsReadOffTheEventLoop() {
        assertThat(places.whereAsync(LARGE).join().name()).isEqualTo(LARGE);
        assertThat(MADE_ON).hasSize(2).last().asString().startsWith("tern-decode-");
    }

    @Test
    void aLargeAnswerThatArrivesAfterItsCallerGaveUpIsStillRead() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                places.slowly(300);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "impatient");
        caller.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> caller.getState() == Thread.State.WAITING);
        caller.interrupt();
        caller.join(5_000);
        assertThat(failure.get()).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status()).isEqualTo(RpcStatus.INTERNAL));

        // The answer still comes, is read (and its buffer released: the leak check runs after
        // this test) on the event loop, not left for a thread that no longer waits.
        await().atMost(Duration.ofSeconds(5)).until(() -> MADE_ON.size() == 2);
        assertThat(MADE_ON.get(1)).startsWith("tern-io-");
        assertThat(MADE_ON.get(0)).startsWith("tern-server-");
        assertThat(places.where("next").name()).isEqualTo("next");
    }

    @Test
    void aCallThatTimesOutFailsItsWaitingCaller() {
        Places impatient = Proxies.create(consumer.refer(Places.class,
                url.toBuilder().parameter("timeout", 50).build()));
        assertThatThrownBy(() -> impatient.slowly(200)).isInstanceOfSatisfying(RpcException.class,
                e -> assertThat(e.status()).isEqualTo(RpcStatus.TIMEOUT));
        // The provider answers later; the answer, to a call no longer pending, is dropped unread.
        await().atMost(Duration.ofSeconds(5)).until(() -> MADE_ON.size() == 1);
        assertThat(places.where("next").name()).isEqualTo("next");
        assertThat(MADE_ON).hasSize(3).last().asString().startsWith("tern-io-");
    }

    @Test
    void anIdleClientSendsHeartbeats() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                DubboProtocol client = DubboProtocol.create()) {
            client.refer(Places.class, ServiceUrl.parse("dubbo://127.0.0.1:" + server.getLocalPort() + "/"
                    + Places.class.getName() + "?heartbeat=100"));
            try (Socket accepted = server.accept()) {
                accepted.setSoTimeout(5_000);
                RawFrames.Answer heartbeat = RawFrames.read(accepted);
                // request, two-way, event; Hessian2
                assertThat(heartbeat.flags()).isEqualTo((byte) 0xe2);
                byte[] answer = RawFrames.frame((byte) 0x22, heartbeat.id(), new byte[] {'N'}); // event, Hessian2
                answer[3] = 20; // OK
                RawFrames.send(accepted, answer);
                RawFrames.Answer next = RawFrames.read(accepted); // answered, idle again: another one
                assertThat(next.flags()).isEqualTo((byte) 0xe2);
                assertThat(next.id()).isNotEqualTo(heartbeat.id());
            }
        }
    }
}
