package io.tern.triple.internal;

/**
 * The messages of gRPC's health service: {@code HealthCheckRequest} (field 1, the service's
 * name; empty for the server as a whole) and {@code HealthCheckResponse} (field 1, the status).
 */
public final class HealthMessages {

    private HealthMessages() {
    }

    /**
     * The service a {@code HealthCheckRequest} asks about.
     *
     * @throws IllegalArgumentException naming what in the message was wrong
     */
    public static String service(byte[] request) {
        ProtobufReader in = new ProtobufReader(request, "HealthCheckRequest");
        String service = "";
        while (!in.atEnd()) {
            int tag = in.readTag();
            if (tag >>> 3 == 1) {
                in.expect(tag, ProtobufReader.LENGTH_DELIMITED, "service");
                service = in.readString("service");
            } else {
                in.skip(tag);
            }
        }
        return service;
    }

    /** A {@code HealthCheckResponse} with the status numbered {@code status} ({@code SERVING} is 1). */
    public static byte[] response(int status) {
        ProtobufWriter out = new ProtobufWriter(4);
        if (status != 0) {
            out.writeVarint(1, status);
        }
        return out.toByteArray();
    }
}
