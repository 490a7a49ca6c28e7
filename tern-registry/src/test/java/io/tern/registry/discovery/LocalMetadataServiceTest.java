package io.tern.registry.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.ServiceUrl;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An instance's metadata service answers for its revisions, the last sixteen at most. */
class LocalMetadataServiceTest {

    private static AppMetadata serving(int timeout) {
        return AppMetadata.of("shop", List.of(ServiceUrl.parse(
                "dubbo://127.0.0.1:20880/io.tern.example.UserService?timeout=" + timeout)));
    }

    @Test
    void answersForTheRevisionsItPublishedAndForgetsTheOldestPastSixteen() {
        LocalMetadataService service = new LocalMetadataService();
        List<String> revisions = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            revisions.add(service.publish(serving(1000 + i)));
        }

        assertThat(service.size()).isEqualTo(LocalMetadataService.HISTORY);
        assertThat(service.getMetadataInfo(revisions.get(0))).as("the oldest, forgotten").isNull();
        MetadataInfoMessage latest = service.getMetadataInfo(revisions.get(19));
        assertThat(latest).isNotNull();
        assertThat(latest.app()).isEqualTo("shop");
        assertThat(latest.revision()).isEqualTo(revisions.get(19));
        assertThat(latest.services()).containsOnlyKeys("io.tern.example.UserService:dubbo");
        assertThat(latest.services().get("io.tern.example.UserService:dubbo").params()).containsEntry("timeout", "1019");
        assertThat(service.getMetadataInfo("unknown")).isNull();
    }

    @Test
    void theSecondVersionAnswersTheSameMetadataInProtobufAndAnEmptyMessageForARevisionItDoesNotKeep() {
        LocalMetadataService service = new LocalMetadataService();
        String revision = service.publish(serving(1500));

        io.tern.registry.discovery.v2.MetadataInfoV2 v2 = service.getMetadataInfo(
                io.tern.registry.discovery.v2.MetadataRequest.newBuilder().setRevision(revision).build());

        assertThat(v2.getApp()).isEqualTo("shop");
        assertThat(v2.getVersion()).as("the revision, in Dubbo's field name").isEqualTo(revision);
        io.tern.registry.discovery.v2.ServiceInfoV2 user = v2.getServicesOrThrow("io.tern.example.UserService:dubbo");
        assertThat(user.getName()).isEqualTo("io.tern.example.UserService");
        assertThat(user.getPort()).isEqualTo(20880);
        assertThat(user.getParamsMap()).containsEntry("timeout", "1500");
        assertThat(MetadataInfoMessage.fromV2(v2)).isEqualTo(service.getMetadataInfo(revision));
        assertThat(service.getMetadataInfo(io.tern.registry.discovery.v2.MetadataRequest.newBuilder()
                .setRevision("unknown").build())).isEqualTo(io.tern.registry.discovery.v2.MetadataInfoV2
                .getDefaultInstance());
    }

    @Test
    void aRevisionPublishedAgainIsTheNewestAndKeptLongest() {
        LocalMetadataService service = new LocalMetadataService();
        String first = service.publish(serving(1));
        for (int i = 0; i < LocalMetadataService.HISTORY - 1; i++) {
            service.publish(serving(100 + i));
        }
        service.publish(serving(1)); // back to the first services
        service.publish(serving(999));

        assertThat(service.getMetadataInfo(first)).isNotNull();
        assertThat(service.size()).isEqualTo(LocalMetadataService.HISTORY);
    }
}
