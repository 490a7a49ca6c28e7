package io.tern.bench;

/** What answers the calls. */
enum Kind {
    /** Length-prefixed bytes over plain sockets, one connection per caller thread: the ceiling. */
    RAW("raw"),
    /** A Tern consumer and provider on the dubbo protocol with default settings, one connection. */
    TERN("tern"),
    /** An Apache Dubbo 3.3.5 consumer and provider with default settings and Hessian2, one connection. */
    DUBBO("dubbo"),
    /** A Tern consumer and provider on Triple (HTTP/2) with default settings, one connection. */
    TERN_TRI("tern-tri"),
    /** An Apache Dubbo 3.3.5 consumer and provider on Triple with default settings, one connection. */
    DUBBO_TRI("dubbo-tri"),
    /** {@link #TERN} with TLS: the server's certificate, verified by the consumer (host name included). */
    TERN_TLS("tern-tls"),
    /** {@link #DUBBO} with Dubbo's {@code dubbo.ssl.*}: a server certificate, and the client one its consumer needs for TLS. */
    DUBBO_TLS("dubbo-tls"),
    /** A grpc-java 1.85.1 client and server (Netty, protobuf) with default settings, one channel. */
    GRPC("grpc");

    private final String label;

    Kind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    static Kind of(String label) {
        for (Kind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("kind: " + label + " (expected: raw, tern, dubbo, tern-tri, dubbo-tri,"
                + " tern-tls, dubbo-tls or grpc)");
    }
}
