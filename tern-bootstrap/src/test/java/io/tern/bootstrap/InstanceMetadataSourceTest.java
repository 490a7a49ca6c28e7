package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tern.ServiceUrl;
import io.tern.registry.discovery.InstanceMetadata;
import io.tern.registry.discovery.InstanceNode;
import io.tern.registry.discovery.MetadataInfoMessage;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a consumer asks an instance for its metadata, and what answers it refuses. */
class InstanceMetadataSourceTest {

    private static InstanceNode instance(Map<String, String> metadata) {
        Map<String, String> all = new HashMap<>(metadata);
        all.put(InstanceMetadata.REVISION, "r1");
        return new InstanceNode("shop", "10.0.0.7", 20880, all, 1L);
    }

    @Test
    void theMetadataServiceIsCalledWhereAndInTheVersionTheInstanceAdvertises() {
        ServiceUrl v1 = InstanceMetadataSource.metadataServiceUrl(instance(Map.of(
                InstanceMetadata.METADATA_SERVICE_PARAMS, "{\"port\":\"20881\",\"protocol\":\"dubbo\",\"version\":\"1.0.0\"}",
                InstanceMetadata.METADATA_SERVICE_VERSION, "1.0.0")));
        assertThat(v1.toString()).startsWith("dubbo://10.0.0.7:20881/org.apache.dubbo.metadata.MetadataService?");
        assertThat(v1.serviceKey().toString()).isEqualTo("shop/org.apache.dubbo.metadata.MetadataService:1.0.0");

        ServiceUrl v2 = InstanceMetadataSource.metadataServiceUrl(instance(Map.of(
                InstanceMetadata.METADATA_SERVICE_PARAMS, "{\"port\":\"50051\",\"protocol\":\"tri\",\"version\":\"2.0.0\"}",
                InstanceMetadata.METADATA_SERVICE_VERSION, "2.0.0")));
        assertThat(v2.toString()).startsWith("tri://10.0.0.7:50051/org.apache.dubbo.metadata.MetadataServiceV2?");
        assertThat(v2.serviceKey().toString()).isEqualTo("shop/org.apache.dubbo.metadata.MetadataServiceV2:2.0.0");

        ServiceUrl unsaid = InstanceMetadataSource.metadataServiceUrl(instance(Map.of()));
        assertThat(unsaid.toString()).as("dubbo at the instance's port, as Dubbo falls back")
                .startsWith("dubbo://10.0.0.7:20880/org.apache.dubbo.metadata.MetadataService?");
        assertThatThrownBy(() -> InstanceMetadataSource.metadataServiceUrl(instance(Map.of(
                InstanceMetadata.METADATA_SERVICE_PARAMS, "{\"port\":\"any\"}"))))
                .hasMessage("dubbo.metadata-service.url-params: port 'any' of instance 10.0.0.7:20880 (expected: a"
                        + " port number)");
    }

    @Test
    void anAnswerThatIsNotTheMetadataOfTheRevisionAskedIsRefusedNamingTheInstance() {
        InstanceNode asked = instance(Map.of());
        assertThatThrownBy(() -> InstanceMetadataSource.appMetadata(asked, null))
                .hasMessage("instance 10.0.0.7:20880 of shop answered nothing for revision r1 (expected: its metadata;"
                        + " the revision is no longer kept?)");
        assertThatThrownBy(() -> InstanceMetadataSource.appMetadata(asked,
                new MetadataInfoMessage(new HashMap<>(), "r0", "shop")))
                .hasMessage("instance 10.0.0.7:20880 answered revision r0 of shop (expected: revision r1 of shop)");
        HashMap<String, MetadataInfoMessage.ServiceInfoMessage> nameless = new HashMap<>();
        nameless.put("x", new MetadataInfoMessage.ServiceInfoMessage(new HashMap<>(), "p", 1, "dubbo", "", "", null));
        assertThatThrownBy(() -> InstanceMetadataSource.appMetadata(asked, new MetadataInfoMessage(nameless, "r1",
                "shop"))).hasMessage("instance 10.0.0.7:20880 of shop answered service x without a name (expected:"
                        + " each service's interface)");
    }
}
