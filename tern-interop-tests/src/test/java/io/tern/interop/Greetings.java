package io.tern.interop;

import tern.example.HelloReply;
import tern.example.HelloRequest;

/**
 * A Java interface over generated messages with no {@code .proto} service of its own: server
 * reflection makes a file for it.
 */
public interface Greetings {

    HelloReply greet(HelloRequest request);
}
