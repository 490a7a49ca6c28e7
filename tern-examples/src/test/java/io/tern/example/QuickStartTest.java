package io.tern.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.tern.Exporter;
import io.tern.Invoker;
import io.tern.ServiceUrl;
import io.tern.core.Invokers;
import io.tern.core.Proxies;
import io.tern.core.injvm.InjvmProtocol;
import io.tern.dubbo.DubboProtocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's quick-start sample: this test runs it, and checks the README shows the same code. */
class QuickStartTest {

    @Test
    void quickStartRuns() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            quickStart();
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly("Hello, Tern", "Hello, async");
    }

    @Test
    void dubboSampleRuns() {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            dubboSample();
        } finally {
            System.setOut(original);
        }
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly("Hello, dubbo");
    }

    private static void dubboSample() {
        // README:start
        try (DubboProtocol protocol = DubboProtocol.create()) {
            Exporter<Greeter> exporter = protocol.export(Invokers.of(Greeter.class, new GreeterImpl(),
                    ServiceUrl.parse("dubbo://127.0.0.1:0/io.tern.example.Greeter?version=1.0.0")));
            ServiceUrl url = exporter.url().toBuilder().timeout(Duration.ofSeconds(2)).build(); // the port bound
            Greeter greeter = Proxies.create(protocol.refer(Greeter.class, url));

            System.out.println(greeter.greet("dubbo"));               // Hello, dubbo
        }
        // README:end
    }

    private static void quickStart() {
        // README:start
        ServiceUrl url = ServiceUrl.parse("injvm://127.0.0.1/io.tern.example.Greeter?version=1.0.0");
        try (InjvmProtocol protocol = InjvmProtocol.create()) {
            Exporter<Greeter> exporter = protocol.export(Invokers.of(Greeter.class, new GreeterImpl(), url));
            Invoker<Greeter> invoker = protocol.refer(Greeter.class, url);
            Greeter greeter = Proxies.create(invoker);

            System.out.println(greeter.greet("Tern"));                // Hello, Tern
            System.out.println(greeter.greetAsync("async").join());   // Hello, async

            invoker.close();   // destroyed: new calls fail fast, the protocol forgets it
            exporter.close();  // unexported: the protocol forgets it, calls in flight finish
        }
        // README:end
    }

    @Test
    void readmeShowsThisCode() throws IOException {
        String source = Files.readString(Path.of("src/test/java/io/tern/example/QuickStartTest.java"));
        Matcher marked = Pattern.compile("// README:start\\n(.*?)\\n\\s*// README:end", Pattern.DOTALL).matcher(source);
        List<String> samples = new java.util.ArrayList<>();
        while (marked.find()) {
            samples.add(dedent(marked.group(1)));
        }

        StringBuilder pages = new StringBuilder(Files.readString(Path.of("../README.md")));
        try (java.util.stream.Stream<Path> docs = Files.list(Path.of("../docs"))) {
            for (Path page : docs.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                pages.append('\n').append(Files.readString(page));
            }
        }
        Matcher javaBlock = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL).matcher(pages);
        List<String> blocks = new java.util.ArrayList<>();
        while (javaBlock.find()) {
            if (!javaBlock.group(1).startsWith("@SpringBootApplication")) { // UserApplicationReadmeTest's
                blocks.add(javaBlock.group(1));
            }
        }
        assertThat(blocks).as("the java blocks of the README and the docs are the samples this test runs")
                .containsExactlyInAnyOrderElementsOf(samples);
    }

    @Test
    void readmeQuickStartOpensWithTheTwoCommands() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        String quickStart = readme.substring(readme.indexOf("## Quick start"));
        Matcher blocks = Pattern.compile("```(\\w*)\\n(.*?)\\n```", Pattern.DOTALL).matcher(quickStart);
        List<String> commands = new java.util.ArrayList<>();
        while (commands.size() < 2 && blocks.find()) {
            commands.add(blocks.group(2));
        }
        assertThat(commands).containsExactly(
                "mvn -q -pl tern-cli -am -DskipTests package && bin/tern demo",
                "bin/test");
        assertThat(Files.readString(Path.of("../.ci/run"))).as("CI runs the README's test command")
                .contains("/../" + commands.get(1) + "\"");
        assertThat(Files.readString(Path.of("../bin/test"))).contains("\nmvn -q verify\n").doesNotContain("-DskipTests");
        assertThat(Path.of("../bin/tern")).as("the launcher the first command runs").isExecutable();
        assertThat(Path.of("../bin/test")).as("the test command").isExecutable();
    }

    private static String dedent(String block) {
        List<String> lines = block.lines().toList();
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
    }
}
