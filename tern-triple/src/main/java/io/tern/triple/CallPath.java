package io.tern.triple;

import org.jspecify.annotations.Nullable;

/**
 * The service and method a request's path names, {@code /{interface}/{method}} (a context-path
 * prefix before them is allowed), over HTTP/2 and HTTP/1.1 alike.
 *
 * @param service the interface or gRPC service name
 * @param method the method's name on the wire
 */
record CallPath(String service, String method) {

    /** The parts of {@code path}, or null when it does not name a service and a method. */
    static @Nullable CallPath parse(String path) {
        int slash = path.lastIndexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            return null;
        }
        return new CallPath(path.substring(path.lastIndexOf('/', slash - 1) + 1, slash), path.substring(slash + 1));
    }

    /** What is said of a path {@link #parse} refused. */
    static String refused(String path) {
        return "path: '" + path + "' (expected: /{interface}/{method})";
    }

    /** What is said when no exporter serves {@link #service}. */
    String serviceNotFound() {
        return "service not found: " + service + " (expected: one exported here)";
    }
}
