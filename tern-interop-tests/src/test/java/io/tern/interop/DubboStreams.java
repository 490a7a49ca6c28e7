package io.tern.interop;

import org.apache.dubbo.common.stream.StreamObserver;

/**
 * The streaming service as Apache Dubbo declares it, with Dubbo's {@code StreamObserver}. Tern's
 * side of the same service is {@link TernStreams}; both are called by this interface's name.
 */
public interface DubboStreams {

    /** Server streaming: the numbers 1 to {@code upTo}, then completes. */
    void count(int upTo, StreamObserver<Integer> numbers);

    /** Bidirectional: {@code "echo: " + m} for each message m; completes when the caller does. */
    StreamObserver<String> echo(StreamObserver<String> replies);

    /** A unary method next to the streams. */
    String name();

    /** Dubbo's implementation. */
    final class Impl implements DubboStreams {
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
                public void onNext(String data) {
                    replies.onNext("echo: " + data);
                }

                @Override
                public void onError(Throwable throwable) {
                    replies.onError(throwable);
                }

                @Override
                public void onCompleted() {
                    replies.onCompleted();
                }
            };
        }

        @Override
        public String name() {
            return "dubbo";
        }
    }
}
