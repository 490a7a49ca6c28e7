package io.tern.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's main job: runs, calls every way, destroys everything, and reports no leak. */
class InJvmExampleTest {

    @Test
    void runsAndReportsEverythingCollected() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = InJvmExample.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(exit).isZero();
        assertThat(out).contains("sync        Hello, Tern")
                .contains("async       Hello, async caller")
                .contains("exception   GreetingException: names: [] (expected: at least one name)")
                .contains("generic     [{class=io.tern.example.Greeting, name=Ada, text=Hello, Ada")
                .contains("destroyed   DESTROYED: invoker destroyed: io.tern.example.Greeter:1.0.0 (since ")
                .contains("open after destroy: 0 exported, 0 referred");
        assertThat(out).containsPattern("invoker\\s+3\\s+3\\s+0\\s+3\\s+3\\s+0")
                .containsPattern("exporter\\s+1\\s+1\\s+0\\s+1\\s+1\\s+0");
    }
}
