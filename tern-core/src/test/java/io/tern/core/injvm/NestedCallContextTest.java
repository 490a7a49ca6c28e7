package io.tern.core.injvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.RpcContext;
import org.junit.jupiter.api.Test;

/** A service method that calls another injvm service keeps its own call's context. */
class NestedCallContextTest {

    public interface Inner {
        String whoCalled();
    }

    public interface Outer {
        String relay();
    }

    @Test
    void anOuterCallReadsItsOwnAttachmentsAfterANestedInjvmCall() {
        ServiceUrl innerUrl = ServiceUrl.parse("injvm://127.0.0.1/" + Inner.class.getName());
        ServiceUrl outerUrl = ServiceUrl.parse("injvm://127.0.0.1/" + Outer.class.getName());
        try (InjvmProtocol protocol = InjvmProtocol.create()) {
            Inner innerImpl = () -> {
                RpcContext.setResponseAttachment("inner.answered", "yes");
                return String.valueOf(RpcContext.requestAttachments().get("caller"));
            };
            protocol.export(Invokers.of(Inner.class, innerImpl, innerUrl));
            Inner inner = Proxies.create(protocol.refer(Inner.class, innerUrl));
            Outer outerImpl = () -> {
                RpcContext.setResponseAttachment("outer.before", "kept");
                RpcContext.setAttachment("caller", "outer");
                String nested = inner.whoCalled();
                RpcContext.setResponseAttachment("outer.after", "kept");
                return nested + "|" + RpcContext.requestAttachments().get("caller");
            };
            protocol.export(Invokers.of(Outer.class, outerImpl, outerUrl));
            Outer outer = Proxies.create(protocol.refer(Outer.class, outerUrl));

            RpcContext.setAttachment("caller", "test");
            assertThat(outer.relay()).isEqualTo("outer|test");
            assertThat(RpcContext.responseAttachments())
                    .containsEntry("outer.before", "kept")
                    .containsEntry("outer.after", "kept")
                    .doesNotContainKey("inner.answered");
            assertThat(RpcContext.requestAttachments()).as("nothing left on the test's thread").isEmpty();
        }
    }
}
