package io.tern.bench;

/** What answers the calls. */
enum Kind {
    /** Length-prefixed bytes over plain sockets, one connection per caller thread: the ceiling. */
    RAW,
    /** A Tern consumer and provider with default settings, one connection. */
    TERN,
    /** An Apache Dubbo 3.3.5 consumer and provider with default settings and Hessian2, one connection. */
    DUBBO;

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
