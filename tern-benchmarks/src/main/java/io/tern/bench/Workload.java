package io.tern.bench;

import io.tern.StreamObserver;
import io.tern.example.UserNotFoundException;
import io.tern.example.UserService;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tern.example.Greeter;
import tern.example.HelloReply;
import tern.example.HelloRequest;

/**
 * The calls the benchmark makes: {@link UserService}'s as Apache dubbo-benchmark makes them, plus
 * a 64-byte echo; and {@link Greeter}'s protobuf calls, unary and a server stream.
 */
enum Workload {
    EXIST_USER("existUser", UserService.class) {
        @Override
        Object call(Object service, long i) {
            return ((UserService) service).existUser(EMAILS[(int) (i & 1023)]);
        }
    },
    GET_USER("getUser", UserService.class) {
        @Override
        Object call(Object service, long i) throws UserNotFoundException {
            return ((UserService) service).getUser(1 + (i & 1023));
        }
    },
    /** {@code getUser} through the method that returns a {@code CompletableFuture}, waited for. */
    GET_USER_ASYNC("getUserAsync", UserService.class) {
        @Override
        Object call(Object service, long i) {
            return ((UserService) service).getUserAsync(1 + (i & 1023)).join();
        }
    },
    LIST_USER("listUser", UserService.class) {
        @Override
        Object call(Object service, long i) {
            return ((UserService) service).listUser((int) (i & 63));
        }
    },
    ECHO("echo", UserService.class) {
        @Override
        Object call(Object service, long i) {
            return ((UserService) service).echo(ECHO_TEXT);
        }
    },
    /** A protobuf echo: a 64-character name in, {@code "Hello, " + name} back. */
    SAY_HELLO("sayHello", Greeter.class) {
        @Override
        Object call(Object service, long i) {
            return ((Greeter) service).sayHello(HELLO);
        }
    },
    /** A server stream of {@value #STREAM_LENGTH} protobuf replies, one per letter of the name. */
    SAY_HELLO_STREAM("sayHelloStream", Greeter.class) {
        @Override
        Object call(Object service, long i) throws Exception {
            Replies replies = new Replies();
            ((Greeter) service).sayHelloStream(STREAM_HELLO, replies);
            return replies.awaitCount();
        }
    };

    private static final String[] EMAILS = new String[1024];

    static {
        for (int i = 0; i < EMAILS.length; i++) {
            EMAILS[i] = "user" + i + "@example.com";
        }
    }

    /** The echo's argument: 64 bytes. */
    static final String ECHO_TEXT = "0123456789abcdef".repeat(4);

    /** The replies in one {@link #SAY_HELLO_STREAM} call. */
    static final int STREAM_LENGTH = 16;

    private static final HelloRequest HELLO = HelloRequest.newBuilder().setName(ECHO_TEXT).build();
    private static final HelloRequest STREAM_HELLO = HelloRequest.newBuilder()
            .setName(ECHO_TEXT.substring(0, STREAM_LENGTH)).build();

    final String method;
    final Class<?> service;

    Workload(String method, Class<?> service) {
        this.method = method;
        this.service = service;
    }

    /** Makes the {@code i}th call of this workload on {@code service}, an implementation of {@link #service}. */
    abstract Object call(Object service, long i) throws Exception;

    /** The workloads calling {@code service}. */
    static List<Workload> of(Class<?> service) {
        return java.util.Arrays.stream(values()).filter(w -> w.service == service).toList();
    }

    static Workload of(String method) {
        for (Workload w : values()) {
            if (w.method.equals(method)) {
                return w;
            }
        }
        throw new IllegalArgumentException("workload: " + method
                + " (expected: existUser, getUser, listUser, echo, sayHello or sayHelloStream)");
    }

    /** Counts a stream's replies and waits for its end. */
    private static final class Replies implements StreamObserver<HelloReply> {
        private final CompletableFuture<Integer> done = new CompletableFuture<>();
        private int count;

        @Override
        public void onNext(HelloReply reply) {
            count++;
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        @Override
        public void onCompleted() {
            done.complete(count);
        }

        int awaitCount() throws InterruptedException, ExecutionException, TimeoutException {
            int n = done.get(10, TimeUnit.SECONDS);
            if (n != STREAM_LENGTH) {
                throw new IllegalStateException("stream: " + n + " replies (expected: " + STREAM_LENGTH + ")");
            }
            return n;
        }
    }
}
