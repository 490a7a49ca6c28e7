package io.tern.triple.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.tern.triple.GrpcStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.dubbo.rpc.protocol.tri.stream.StreamUtils;
import org.junit.jupiter.api.Test;

/** Attachments in headers, against Apache Dubbo 3.3.5's own conversion. */
class TripleHeadersTest {

    private static Map<String, Object> attachments() {
        Map<String, Object> attachments = new LinkedHashMap<>();
        attachments.put("trace", "abc-123");
        attachments.put("CamelCase", "kept ✓".replace("✓", "ok"));
        attachments.put("count", 42);
        attachments.put("ratio", 0.5);
        attachments.put("flag", true);
        attachments.put("blob", new byte[] {0, 1, 2, (byte) 0xff, 7});
        attachments.put("UPPER-bytes", new byte[] {9, 8});
        attachments.put("dropped", List.of("not", "a", "header"));
        attachments.put("interface", "io.tern.Hidden");
        attachments.put("group", "hidden");
        attachments.put("path", "hidden");
        attachments.put("application", "hidden");
        attachments.put("remote.application", "hidden");
        attachments.put("serialization", "hidden");
        attachments.put(":authority", "hidden");
        return attachments;
    }

    @Test
    void ternWritesTheHeadersDubboWrites() {
        DefaultHttp2Headers dubbo = new DefaultHttp2Headers();
        StreamUtils.putHeaders(dubbo, attachments(), true);
        DefaultHttp2Headers tern = new DefaultHttp2Headers();
        TripleHeaders.write(attachments(), tern::set);

        assertThat(plain(tern)).isEqualTo(plain(dubbo));
        assertThat(convert(tern)).isEqualTo(convert(dubbo));
    }

    /** Dubbo's receiving side (its transport listener) is exercised by the interop tests; here Tern's. */
    @Test
    void ternReadsWhatDubboWrote() {
        DefaultHttp2Headers fromDubbo = new DefaultHttp2Headers();
        StreamUtils.putHeaders(fromDubbo, attachments(), true);
        Map<String, Object> read = TripleHeaders.read(fromDubbo);
        assertThat(read).containsEntry("trace", "abc-123").containsEntry("CamelCase", "kept ok")
                .containsEntry("count", "42").containsEntry("flag", "true").containsEntry("ratio", "0.5")
                .doesNotContainKeys("interface", "group", "path", "application", "dropped", "camelcase");
        assertThat((byte[]) read.get("blob")).containsExactly(0, 1, 2, 0xff, 7);
        assertThat((byte[]) read.get("UPPER-bytes")).containsExactly(9, 8);
        assertThat(read).hasSize(7);
    }

    @Test
    void transportAndGrpcHeadersAreNotAttachments() {
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.method("POST").path("/io.tern.Greeter/greet").scheme("http");
        headers.set("content-type", "application/grpc+proto").set("te", "trailers").set("grpc-timeout", "3000m")
                .set("tri-service-version", "1.0.0").set("tri-consumer-appname", "app").set("user-agent", "x")
                .set("grpc-accept-encoding", "gzip").set("mine", "yes").set("padded-bin", "AQI=");
        Map<String, Object> read = TripleHeaders.read(headers);
        assertThat(read.keySet()).containsExactly("mine", "padded");
        assertThat((byte[]) read.get("padded")).containsExactly(1, 2);
    }

    @Test
    void brokenValuesAreRefusedNamingTheHeader() {
        DefaultHttp2Headers bin = new DefaultHttp2Headers();
        bin.set("x-bin", "not base64!");
        assertThatThrownBy(() -> TripleHeaders.read(bin))
                .hasMessage("header x-bin: not base64 (expected: base64, padded or not)");
        DefaultHttp2Headers convert = new DefaultHttp2Headers();
        convert.set("x", "1").set("tri-header-convert", "%7B%22x%22:1%7D");
        assertThatThrownBy(() -> TripleHeaders.read(convert)).hasMessageStartingWith("tri-header-convert: ")
                .hasMessageEndingWith("(expected: a JSON object of strings)");
        DefaultHttp2Headers nested = new DefaultHttp2Headers();
        nested.set("x", "1").set("tri-header-convert", "{\"x\":{}}");
        assertThatThrownBy(() -> TripleHeaders.read(nested)).isInstanceOf(IllegalArgumentException.class);
        assertThat(FlatJson.read(" {\"a\\u0041\" : \"b\\n\"} ", "h")).containsEntry("aA", "b\n");
        assertThat(FlatJson.read(FlatJson.write(Map.of("q\"\\\u0001", "v")), "h")).containsEntry("q\"\\\u0001", "v");
    }

    private static Map<String, String> plain(DefaultHttp2Headers headers) {
        Map<String, String> map = new TreeMap<>();
        headers.forEach(e -> {
            if (!e.getKey().toString().equals(TripleHeaders.HEADER_CONVERT)) {
                map.put(e.getKey().toString(), e.getValue().toString());
            }
        });
        return map;
    }

    private static Map<String, String> convert(DefaultHttp2Headers headers) {
        CharSequence value = headers.get(TripleHeaders.HEADER_CONVERT);
        return value == null ? Map.of()
                : new TreeMap<>(FlatJson.read(GrpcStatus.decodeMessage(value.toString()), "test"));
    }

}
