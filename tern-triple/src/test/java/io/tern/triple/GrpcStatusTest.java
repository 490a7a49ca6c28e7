package io.tern.triple;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.RpcStatus;
import org.junit.jupiter.api.Test;

class GrpcStatusTest {

    @Test
    void codesAreGrpcs() {
        assertThat(GrpcStatus.OK.code()).isZero();
        assertThat(GrpcStatus.DEADLINE_EXCEEDED.code()).isEqualTo(4);
        assertThat(GrpcStatus.UNIMPLEMENTED.code()).isEqualTo(12);
        assertThat(GrpcStatus.UNAVAILABLE.code()).isEqualTo(14);
        assertThat(GrpcStatus.UNAUTHENTICATED.code()).isEqualTo(16);
        assertThat(GrpcStatus.ofCode(8)).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
        assertThat(GrpcStatus.ofCode(17)).isEqualTo(GrpcStatus.UNKNOWN);
        assertThat(GrpcStatus.ofCode(-1)).isEqualTo(GrpcStatus.UNKNOWN);
        assertThat(GrpcStatus.ofHttp(404)).isEqualTo(GrpcStatus.UNIMPLEMENTED);
        assertThat(GrpcStatus.ofHttp(503)).isEqualTo(GrpcStatus.UNAVAILABLE);
        assertThat(GrpcStatus.ofHttp(418)).isEqualTo(GrpcStatus.UNKNOWN);
    }

    @Test
    void ternFailuresMapAsTripleMapsThem() {
        assertThat(GrpcStatus.of(RpcStatus.TIMEOUT)).isEqualTo(GrpcStatus.DEADLINE_EXCEEDED);
        assertThat(GrpcStatus.of(RpcStatus.SERVICE_NOT_FOUND)).isEqualTo(GrpcStatus.UNIMPLEMENTED);
        assertThat(GrpcStatus.of(RpcStatus.METHOD_NOT_FOUND)).isEqualTo(GrpcStatus.UNIMPLEMENTED);
        assertThat(GrpcStatus.of(RpcStatus.SERVER_BUSY)).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
        assertThat(GrpcStatus.of(RpcStatus.SERVICE_ERROR)).isEqualTo(GrpcStatus.UNKNOWN);
        for (RpcStatus status : RpcStatus.values()) {
            assertThat(GrpcStatus.of(status)).as(status.name()).isNotEqualTo(GrpcStatus.OK);
        }
        for (GrpcStatus status : GrpcStatus.values()) {
            if (status != GrpcStatus.OK) {
                assertThat(GrpcStatus.of(status.toRpcStatus())).as(status.name()).isNotNull();
            }
        }
        assertThat(GrpcStatus.DEADLINE_EXCEEDED.toRpcStatus()).isEqualTo(RpcStatus.TIMEOUT);
        assertThat(GrpcStatus.UNIMPLEMENTED.toRpcStatus()).isEqualTo(RpcStatus.SERVICE_NOT_FOUND);
    }

    @Test
    void messagesArePercentEncodedUtf8() {
        assertThat(GrpcStatus.encodeMessage("plain text")).isEqualTo("plain text");
        assertThat(GrpcStatus.encodeMessage("50% 世界\n")).isEqualTo("50%25 %E4%B8%96%E7%95%8C%0A");
        assertThat(GrpcStatus.decodeMessage("50%25 %E4%B8%96%E7%95%8C%0A")).isEqualTo("50% 世界\n");
        assertThat(GrpcStatus.decodeMessage("a%zzb%4")).as("not escapes: kept").isEqualTo("a%zzb%4");
        String all = "Zoë Ångström 张伟 😀 %25 \t~";
        assertThat(GrpcStatus.decodeMessage(GrpcStatus.encodeMessage(all))).isEqualTo(all);
        assertThat(GrpcStatus.encodeMessage(all).chars().allMatch(c -> c >= 0x20 && c <= 0x7e)).isTrue();
    }
}
