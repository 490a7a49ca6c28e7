package io.tern.triple.internal;

import io.tern.triple.GrpcStatus;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Attachments as Triple carries them in HTTP/2 headers: keys lower-cased; strings, numbers and
 * booleans as text; {@code byte[]} under {@code key-bin} in base64 without padding; any other
 * value dropped, as Apache Dubbo drops it. Pseudo-headers, Triple's and gRPC's own headers and the
 * keys Dubbo keeps to itself ({@code group}, {@code interface}, {@code path}, {@code application},
 * {@code remote.application}, {@code serialization}) never travel as attachments. A key that had
 * capitals is restored on the other side through {@code tri-header-convert}: a percent-encoded
 * JSON object from each lower-cased key to the original.
 */
public final class TripleHeaders {

    public static final String HEADER_CONVERT = "tri-header-convert";
    private static final String BIN = "-bin";
    private static final Set<String> KEPT_BACK = Set.of("group", "interface", "path", "application",
            "remote.application", "serialization");
    private static final Set<String> TRANSPORT = Set.of("te", "content-type", "content-length", "user-agent",
            "accept-encoding", "accept", "expect", "host", "connection", "keep-alive", "transfer-encoding", "upgrade", "http-status");
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    private TripleHeaders() {
    }

    /** Writes each attachment that travels as a header through {@code header}. */
    public static void write(Map<String, ?> attachments, BiConsumer<String, String> header) {
        Map<String, String> originals = null;
        for (Map.Entry<String, ?> entry : attachments.entrySet()) {
            String original = entry.getKey();
            String key = original.toLowerCase(Locale.ROOT);
            if (!travels(key)) {
                continue;
            }
            Object value = entry.getValue();
            if (value instanceof byte[] bytes) {
                header.accept(key + BIN, BASE64.encodeToString(bytes));
            } else if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                header.accept(key, value.toString());
            } else {
                continue;
            }
            if (!key.equals(original)) {
                if (originals == null) {
                    originals = new LinkedHashMap<>();
                }
                originals.put(key, original);
            }
        }
        if (originals != null) {
            header.accept(HEADER_CONVERT, GrpcStatus.encodeMessage(FlatJson.write(originals)));
        }
    }

    /**
     * The attachments among received headers: the ones that are not transport, gRPC or Triple
     * headers, {@code -bin} ones decoded, keys given back their capitals.
     *
     * @throws IllegalArgumentException for a {@code -bin} header that is not base64 or a
     *     {@code tri-header-convert} that is not a flat JSON object of strings
     */
    public static Map<String, Object> read(
            Iterable<? extends Map.Entry<? extends CharSequence, ? extends CharSequence>> headers) {
        Map<String, Object> attachments = new LinkedHashMap<>();
        @Nullable String convert = null;
        for (Map.Entry<? extends CharSequence, ? extends CharSequence> header : headers) {
            String key = header.getKey().toString().toLowerCase(Locale.ROOT);
            String value = header.getValue().toString();
            if (key.equals(HEADER_CONVERT)) {
                convert = value;
            } else if (key.endsWith(BIN) && key.length() > BIN.length()) {
                String name = key.substring(0, key.length() - BIN.length());
                if (travels(name) && !key.equals("grpc-status-details-bin")) {
                    try {
                        attachments.put(name, Base64.getDecoder().decode(value));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("header " + key
                                + ": not base64 (expected: base64, padded or not)", e);
                    }
                }
            } else if (travels(key)) {
                attachments.put(key, value);
            }
        }
        if (convert != null && !attachments.isEmpty()) {
            Map<String, String> originals = FlatJson.read(GrpcStatus.decodeMessage(convert), HEADER_CONVERT);
            Map<String, Object> restored = new LinkedHashMap<>();
            attachments.forEach((key, value) -> restored.put(originals.getOrDefault(key, key), value));
            return restored;
        }
        return attachments;
    }

    private static boolean travels(String key) {
        return !key.isEmpty() && key.charAt(0) != ':' && !KEPT_BACK.contains(key) && !TRANSPORT.contains(key)
                && !key.startsWith("grpc-") && !key.startsWith("tri-");
    }
}
