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
