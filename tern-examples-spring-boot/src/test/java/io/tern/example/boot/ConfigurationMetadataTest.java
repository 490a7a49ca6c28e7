package io.tern.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What an IDE completes: every {@code tern.} key the example and the starter's documentation use
 * is in the configuration metadata on the example's class path, with its values where they are
 * a fixed few.
 */
class ConfigurationMetadataTest {

    @Test
    void everyKeyTheExampleAndTheDocsUseIsDescribed() throws Exception {
        Set<String> described = new HashSet<>();
        Map<String, Set<String>> hinted = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (URL url : Collections.list(getClass().getClassLoader().getResources(
                "META-INF/spring-configuration-metadata.json"))) {
            try (InputStream in = url.openStream()) {
                JsonNode metadata = json.readTree(in);
                metadata.path("properties").forEach(p -> {
                    String name = p.get("name").asText();
                    described.add(name);
                    if (name.startsWith("tern.")) {
                        assertThat(p.path("description").asText()).as(name).isNotBlank();
                    }
                });
                metadata.path("hints").forEach(h -> h.path("values").forEach(v ->
                        hinted.computeIfAbsent(h.get("name").asText(), k -> new HashSet<>()).add(v.get("value").asText())));
            }
        }
        Set<String> used = new HashSet<>();
        String yaml = Files.readString(Path.of("../tern-examples-spring-boot/src/main/resources/application.yml"));
        used.add("tern.role");
        for (String key : new String[] {"port", "address", "timeout"}) {
            assertThat(yaml).contains(key + ":");
        }
        Matcher keys = Pattern.compile("`(tern\\.[a-z.-]+[a-z])`").matcher(Files.readString(Path.of("../docs/spring-boot.md")));
        while (keys.find()) {
            used.add(keys.group(1));
        }
        used.removeIf(key -> key.startsWith("tern.ssl.") && !key.contains("-")); // prefixes like tern.ssl.
        assertThat(used).hasSizeGreaterThan(15);
        assertThat(described).containsAll(used);
        assertThat(hinted.get("tern.role")).containsExactlyInAnyOrder("provider", "consumer");
        assertThat(hinted.get("tern.protocol.name")).containsExactlyInAnyOrder("dubbo", "tri");
        assertThat(hinted.get("tern.consumer.protocol")).containsExactlyInAnyOrder("dubbo", "tri");
        assertThat(hinted.get("tern.registry.register-mode")).containsExactlyInAnyOrder("all", "interface", "instance");
    }
}
