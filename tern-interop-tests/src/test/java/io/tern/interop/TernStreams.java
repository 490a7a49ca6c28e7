package io.tern.interop;

import io.tern.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@link DubboStreams} as Tern declares it, with Tern's {@code StreamObserver}; exported and
 * referred under {@code DubboStreams}'s name.
 */
public interface TernStreams {

    void count(int upTo, StreamObserver<Integer> numbers);

    StreamObserver<String> echo(StreamObserver<String> replies);

    String name();

    /** The service name both sides call it by. */
    String NAME = DubboStreams.class.getName();

    /** Tern's implementation. */
    final class Impl implements TernStreams {
        @Override
        public void count(int upTo, StreamObserver<Integer> numbers) {
            for (int i = 1; i <= upTo; i++) {
                numbers.onNext(i);
            }
            numbers.onCompleted();
        }

        @Override
        public StreamObserver<String> echo(StreamObserver<String> replies) {
            return new StreamObserver<>() {
                @Override
                public void onNext(String value) {
                    replies.onNext("echo: " + value);
                }

                @Override
                public void onError(Throwable error) {
                    replies.onError(error);
                }

                @Override
                public void onCompleted() {
                    replies.onCompleted();
                }
            };
        }

        @Override
        public String name() {
            return "tern";
        }
    }

    /** Records a stream of answers, for either side's observer type. */
    final class Recorder<T> implements StreamObserver<T>, org.apache.dubbo.common.stream.StreamObserver<T> {
        final List<T> values = new CopyOnWriteArrayList<>();
        private final CompletableFuture<Throwable> end = new CompletableFuture<>();

        @Override
        public void onNext(T value) {
            values.add(value);
        }

        @Override
        public void onError(Throwable error) {
            end.complete(error);
        }

        @Override
        public void onCompleted() {
            end.complete(null);
        }

        /** Null when the stream completed, else its failure. */
        Throwable awaitEnd() {
            return end.orTimeout(30, TimeUnit.SECONDS).join();
        }
    }
}
