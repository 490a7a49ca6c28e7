package io.tern.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Spring Boot page's two-file application is this module's class and application.yml, as they are. */
class UserApplicationReadmeTest {

    @Test
    void theReadmeShowsTheExampleAsItIs() throws IOException {
        String readme = Files.readString(Path.of("../docs/spring-boot.md"));
        Path module = Path.of("../tern-examples-spring-boot"); // also run from tern-spring-boot3-tests
        String source = Files.readString(module.resolve("src/main/java/io/tern/example/boot/UserApplication.java"));
        String application = source.substring(source.indexOf("@SpringBootApplication\npublic class")).strip()
                .lines().filter(line -> !line.strip().startsWith("/**")).collect(Collectors.joining("\n"));
        assertThat(block(readme, "java", "@SpringBootApplication")).isEqualTo(application);

        String yaml = Files.readString(module.resolve("src/main/resources/application.yml")).strip();
        assertThat(block(readme, "yaml", "spring:")).isEqualTo(yaml);
    }

    private static String block(String readme, String language, String start) {
        Matcher block = Pattern.compile("```" + language + "\\n(" + Pattern.quote(start) + ".*?)\\n```", Pattern.DOTALL)
                .matcher(readme);
        assertThat(block.find()).as("a " + language + " block starting " + start).isTrue();
        return block.group(1);
    }
}
