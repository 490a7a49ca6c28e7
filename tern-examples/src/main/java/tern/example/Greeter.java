package tern.example;

import io.tern.StreamObserver;

/**
 * The gRPC service of {@code greeter.proto}, {@code tern.example.Greeter}, as a Tern interface:
 * its name is the {@code .proto} service's full name, and each method is called on the wire by
 * its name with the first letter upper-cased ({@code SayHello}), so any gRPC client of that
 * {@code .proto} can call a Tern provider of it, and a Tern consumer can call any gRPC server of it.
 */
public interface Greeter {

    /** One greeting. */
    HelloReply sayHello(HelloRequest request);

    /** A greeting per letter of the name, one message each. */
    void sayHelloStream(HelloRequest request, StreamObserver<HelloReply> replies);

    /** A greeting for each name the caller sends, as it arrives. */
    StreamObserver<HelloRequest> chat(StreamObserver<HelloReply> replies);
}
