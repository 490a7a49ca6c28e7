package io.tern.spring.boot3;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/**
 * This module is built as a Boot 3.5 application is (Boot's parent, tern-spring-boot3-bom
 * imported, no version property set): it runs on Boot 3.5 with the Netty and Micrometer Tern is
 * built on, not the older ones Boot 3.5 manages, and the BOM's versions are tern-parent's.
 */
class TernBoot3BomTest {

    private static final Path PARENT_POM = Path.of("../pom.xml");
    private static final Path BOOT3_BOM = Path.of("../tern-spring-boot3-bom/pom.xml");

    @Test
    void theApplicationRunsOnBoot35WithTheNettyAndMicrometerTernIsBuiltOn() throws IOException {
        assertThat(SpringBootVersion.getVersion()).isEqualTo(property(PARENT_POM, "spring-boot3.version"));
        assertThat(Version.identify().get("netty-common").artifactVersion())
                .isEqualTo(property(PARENT_POM, "netty.version"));
        assertThat(MeterRegistry.class.getPackage().getImplementationVersion())
                .isEqualTo(property(PARENT_POM, "micrometer.version"));
    }

    @Test
    void theBomPinsTheVersionsTernIsBuiltWith() throws IOException {
        for (String name : new String[] {"netty.version", "micrometer.version", "zookeeper.version", "curator.version"}) {
            assertThat(property(BOOT3_BOM, name)).as(name).isEqualTo(property(PARENT_POM, name));
        }
        assertThat(version(BOOT3_BOM)).isEqualTo(version(PARENT_POM));
        assertThat(version(Path.of("pom.xml"))).as("this module's version").isEqualTo(version(PARENT_POM));
    }

    private static String property(Path pom, String name) throws IOException {
        return match(pom, "<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">");
    }

    /** The project's own version: the first {@code <version>} after its {@code <artifactId>}, outside {@code <parent>}. */
    private static String version(Path pom) throws IOException {
        String text = Files.readString(pom).replaceAll("(?s)<parent>.*?</parent>", "");
        Matcher matcher = Pattern.compile("(?s)<artifactId>[^<]+</artifactId>\\s*<version>([^<]+)</version>").matcher(text);
        assertThat(matcher.find()).as("a project version in %s", pom).isTrue();
        return matcher.group(1);
    }

    private static String match(Path pom, String regex) throws IOException {
        Matcher matcher = Pattern.compile(regex).matcher(Files.readString(pom));
        assertThat(matcher.find()).as("%s in %s", regex, pom).isTrue();
        return matcher.group(1);
    }
}
