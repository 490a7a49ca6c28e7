package tern.example;

import io.tern.StreamObserver;

/** The example {@link Greeter}: {@code "Hello, " + name}. */
public final class GreeterImpl implements Greeter {

    @Override
    public HelloReply sayHello(HelloRequest request) {
        return reply("Hello, " + request.getName());
    }

    @Override
    public void sayHelloStream(HelloRequest request, StreamObserver<HelloReply> replies) {
        String name = request.getName();
        for (int i = 0; i < name.length(); i++) {
            replies.onNext(reply("Hello, " + name.charAt(i) + " (" + (i + 1) + " of " + name.length() + ")"));
        }
        replies.onCompleted();
    }

    @Override
    public StreamObserver<HelloRequest> chat(StreamObserver<HelloReply> replies) {
        return new StreamObserver<>() {
            @Override
            public void onNext(HelloRequest request) {
                replies.onNext(reply("Hello, " + request.getName()));
            }

            @Override
            public void onError(Throwable error) {
                // the caller went away: nothing to answer
            }

            @Override
            public void onCompleted() {
                replies.onCompleted();
            }
        };
    }

    private static HelloReply reply(String message) {
        return HelloReply.newBuilder().setMessage(message).build();
    }
}
