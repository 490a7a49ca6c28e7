package io.tern;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvocationTest {

    private static Invocation invocation() {
        return Invocation.of(ServiceKey.of("com.example.Greeter", "", ""), "greet", new Class<?>[] {String.class},
                new Object[] {"x"});
    }

    @Test
    void adoptedAttachmentsAreTheMapGivenNotACopy() {
        Map<String, Object> decoded = new HashMap<>(Map.of("path", "com.example.Greeter"));
        Invocation invocation = invocation().adoptAttachments(decoded);
        invocation.setAttachment("extra", 1);
        assertThat(decoded).containsEntry("extra", 1);
        assertThat(invocation.attachments()).containsOnlyKeys("path", "extra");
    }

    @Test
    void adoptingAfterOtherAttachmentsAddsToThem() {
        Invocation invocation = invocation().setAttachment("first", "a");
        Map<String, Object> decoded = new HashMap<>(Map.of("second", "b"));
        invocation.adoptAttachments(decoded);
        assertThat(invocation.attachments()).containsOnlyKeys("first", "second");
        invocation.setAttachment("third", "c");
        assertThat(decoded).doesNotContainKey("third");
    }
}
