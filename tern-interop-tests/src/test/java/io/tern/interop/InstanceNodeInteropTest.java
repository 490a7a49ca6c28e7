package io.tern.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tern.ServiceUrl;
import io.tern.registry.discovery.AppMetadata;
import io.tern.registry.discovery.InstanceMetadata;
import io.tern.registry.discovery.InstanceNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceType;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.registry.client.metadata.ServiceInstanceMetadataUtils;
import org.apache.dubbo.registry.zookeeper.ZookeeperInstance;
import org.junit.jupiter.api.Test;

/**
 * An application instance's registry node as Tern writes and reads it, against the reader and
 * writer Apache Dubbo 3.3.5 uses for it: Curator's {@code JsonInstanceSerializer} with Dubbo's
 * {@code ZookeeperInstance} payload, and Dubbo's own rendering of the metadata service's
 * parameters.
 */
class InstanceNodeInteropTest {

    private static final JsonInstanceSerializer<ZookeeperInstance> CURATOR =
            new JsonInstanceSerializer<>(ZookeeperInstance.class);
    private static final String METADATA_SERVICE = "dubbo://127.0.0.1:20880/org.apache.dubbo.metadata.MetadataService"
            + "?application=shop&group=shop&version=1.0.0&deprecated=false&dubbo=2.0.2&release=3.3.5&side=provider"
            + "&timestamp=1700000000000&timeout=5000&serialization=hessian2&connections=1&methods=getMetadataInfo"
            + "&interface=org.apache.dubbo.metadata.MetadataService";

    private static InstanceNode ternNode() {
        List<ServiceUrl> exported = List.of(
                ServiceUrl.parse("dubbo://127.0.0.1:20880/io.tern.example.UserService?interface=io.tern.example"
                        + ".UserService&application=shop&timestamp=1700000000000&heartbeat.timeout=180000"),
                ServiceUrl.parse("tri://127.0.0.1:50051/io.tern.example.UserService?interface=io.tern.example"
                        + ".UserService&application=shop"));
        Map<String, String> metadata = InstanceMetadata.of(AppMetadata.of("shop", exported), exported,
                ServiceUrl.parse(METADATA_SERVICE), "1.0.0");
        return new InstanceNode("shop", "127.0.0.1", 20880, metadata, 1_700_000_000_000L);
    }

    @Test
    void curatorReadsWhatTernWritesAsADubboInstance() throws Exception {
        InstanceNode tern = ternNode();

        ServiceInstance<ZookeeperInstance> read = CURATOR.deserialize(tern.toJson());

        assertThat(read.getName()).isEqualTo("shop");
        assertThat(read.getId()).isEqualTo("127.0.0.1:20880");
        assertThat(read.getAddress()).isEqualTo("127.0.0.1");
        assertThat(read.getPort()).isEqualTo(20880);
        assertThat(read.getServiceType()).isEqualTo(ServiceType.DYNAMIC);
        assertThat(read.getRegistrationTimeUTC()).isEqualTo(1_700_000_000_000L);
        assertThat(read.getPayload()).as("Dubbo's payload class, named by @class").isInstanceOf(ZookeeperInstance.class);
        assertThat(read.getPayload().getId()).isEqualTo("127.0.0.1:20880");
        assertThat(read.getPayload().getName()).isEqualTo("shop");
        assertThat(read.getPayload().getMetadata()).isEqualTo(tern.metadata())
                .containsEntry(InstanceMetadata.STORAGE_TYPE, "local").containsEntry("meta-v", "1.0.0")
                .containsEntry("timestamp", "1700000000000").containsEntry("heartbeat.timeout", "180000");
        assertThat(read.getPayload().getMetadata().get(InstanceMetadata.REVISION)).hasSize(32);
        assertThat(new ObjectMapper().readTree(read.getPayload().getMetadata().get(InstanceMetadata.ENDPOINTS)))
                .hasSize(2).anySatisfy(e -> assertThat(e.toString()).isEqualTo("{\"port\":20880,\"protocol\":\"dubbo\"}"))
                .anySatisfy(e -> assertThat(e.toString()).isEqualTo("{\"port\":50051,\"protocol\":\"tri\"}"));
    }

    @Test
    void ternReadsWhatCuratorWritesForDubbo() throws Exception {
        Map<String, String> metadata = Map.of(InstanceMetadata.REVISION, "a1b2", "dubbo.endpoints", "[]");
        ServiceInstance<ZookeeperInstance> instance = ServiceInstance.<ZookeeperInstance>builder().name("orders")
                .id("10.0.0.5:20881").address("10.0.0.5").port(20881)
                .payload(new ZookeeperInstance("10.0.0.5:20881", "orders", metadata)).build();

        InstanceNode read = InstanceNode.parse(CURATOR.serialize(instance));

        assertThat(read.app()).isEqualTo("orders");
        assertThat(read.id()).isEqualTo("10.0.0.5:20881");
        assertThat(read.metadata()).isEqualTo(metadata);
        assertThat(read.revision()).isEqualTo("a1b2");
        assertThat(read.registrationTimeUtc()).isEqualTo(instance.getRegistrationTimeUTC());
    }

    @Test
    void theMetadataServiceParametersAreDubbosInDubbosOrder() throws Exception {
        String dubbo = ServiceInstanceMetadataUtils.getMetadataServiceParameter(URL.valueOf(METADATA_SERVICE));
        String tern = ternNode().metadata().get(InstanceMetadata.METADATA_SERVICE_PARAMS);

        TypeReference<LinkedHashMap<String, String>> map = new TypeReference<>() { };
        LinkedHashMap<String, String> theirs = new ObjectMapper().readValue(dubbo, map);
        LinkedHashMap<String, String> ours = new ObjectMapper().readValue(tern, map);
        assertThat(ours).containsExactlyEntriesOf(theirs).containsKeys("port", "protocol", "version")
                .doesNotContainKeys("timestamp", "group", "application");
    }

    @Test
    void aNodeThatIsNotAnInstanceIsRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> InstanceNode.parse("{\"name\":\"shop\",\"address\":\"h\"}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("instance node of shop: port: null (expected: an integer)");
        assertThatThrownBy(() -> InstanceNode.parse("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("instance node: not JSON");
        assertThatThrownBy(() -> InstanceNode.parse("[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("instance node: not a JSON object (expected: a Curator service instance)");
    }
}
