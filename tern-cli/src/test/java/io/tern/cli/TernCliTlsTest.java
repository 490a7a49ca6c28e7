package io.tern.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tern.example.UserService;
import io.tern.testing.TestCertificates;
import io.tern.testing.TestCertificates.Issued;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tern serve} with mutual TLS and a token, and {@code call} and {@code bench} against it. */
class TernCliTlsTest {

    @TempDir
    Path directory;

    private static JsonNode json(String text) throws IOException {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void serveWithMutualTlsAndATokenAnswersClientsThatHaveBoth() throws Exception {
        TestCertificates certificates = TestCertificates.create(directory);
        Issued server = certificates.server("cli-server");
        Issued client = certificates.client("cli-client");
        String ca = certificates.caCert().toString();
        SyncOutput out = new SyncOutput();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread serving = new Thread(() -> exit.set(TernCli.run(new String[] {"serve", "--port", "0",
            "--tls-cert", server.cert().toString(), "--tls-key", server.key().toString(), "--tls-trust", ca,
            "--token", "cli-secret"}, out.stream(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8))));
        serving.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> out.text().contains("token authentication on"));
            Matcher listening = Pattern.compile("^listening on dubbo://127\\.0\\.0\\.1:(\\d+) \\(TLS, client certificates"
                    + " required\\)\nand on tri://.* https://127\\.0\\.0\\.1:\\1/.*\ntoken authentication on: .*\n$",
                    Pattern.DOTALL).matcher(out.text());
            assertThat(listening.matches()).as(out.text()).isTrue();
            String port = listening.group(1);
            String[] tls = {"--tls-trust", ca, "--tls-cert", client.cert().toString(), "--tls-key",
                client.key().toString()};
            String dubbo = "dubbo://127.0.0.1:" + port + "/" + UserService.class.getName() + "?token=cli-secret";
            String tri = "tri://127.0.0.1:" + port + "/" + UserService.class.getName() + "?token=cli-secret";

            CliRun overDubbo = run(tls, "call", dubbo, "echo", "\"over dubbo\"");
            assertThat(overDubbo.exit()).as(overDubbo.toString()).isZero();
            assertThat(json(overDubbo.out()).asText()).isEqualTo("over dubbo");
            CliRun overJson = run(tls, "call", tri, "echo", "\"over https\"");
            assertThat(overJson.exit()).as(overJson.toString()).isZero();
            assertThat(json(overJson.out()).asText()).isEqualTo("over https");
            CliRun bench = run(tls, "bench", tri, "getUser", "3", "--types", "long", "--threads", "2", "--requests",
                    "200", "--warmup", "100ms", "--json");
            assertThat(bench.exit()).as(bench.toString()).isZero();
            assertThat(json(bench.out()).get("errors").asLong()).isZero();

            // the curl line serve prints, as printed, with the client's certificate and the token
            Matcher printed = Pattern.compile("curl (--http1\\.1 -d '\\[\"hi\"\\]' -H 'content-type: application/json'"
                    + " https://\\S+/echo)\\)").matcher(out.text());
            assertThat(printed.find()).as(out.text()).isTrue();
            List<String> curl = new ArrayList<>(List.of("curl", "-sS", "--cacert", ca, "--cert",
                    client.cert().toString(), "--key", client.key().toString(), "-H", "token: cli-secret"));
            for (String word : printed.group(1).split(" (?=(?:[^']*'[^']*')*[^']*$)")) {
                curl.add(word.replaceAll("^'|'$", ""));
            }
            Process answered = new ProcessBuilder(curl).redirectErrorStream(true).start();
            String body = new String(answered.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answered.waitFor()).as(body).isZero();
            assertThat(body).isEqualTo("\"hi\"");

            CliRun noToken = run(tls, "call", dubbo.replace("?token=cli-secret", ""), "echo", "\"x\"");
            assertThat(noToken.exit()).isEqualTo(1);
            assertThat(noToken.errorLines()).singleElement().asString().startsWith("tern call: FORBIDDEN: ")
                    .contains(UserService.class.getName()).doesNotContain("cli-secret");
            CliRun noCertificate = CliRun.of("call", dubbo, "echo", "\"x\"", "--tls-trust", ca);
            assertThat(noCertificate.exit()).isEqualTo(1);
            assertThat(noCertificate.errorLines()).singleElement().asString().startsWith("tern call: NETWORK: ");
            CliRun plaintext = CliRun.of("call", dubbo, "echo", "\"x\"", "--timeout", "2s");
            assertThat(plaintext.exit()).isEqualTo(1);
        } finally {
            serving.interrupt();
            serving.join(30_000);
        }
        assertThat(exit.get()).isZero();
    }

    @Test
    void tlsOptionsThatDoNotGoTogetherAreUsageErrors() {
        CliRun certOnly = CliRun.of("call", "dubbo://127.0.0.1:1/x.Y", "m", "--tls-cert", "/no/such.pem");
        assertThat(certOnly.exit()).isEqualTo(2);
        assertThat(certOnly.errorLines()).singleElement().asString()
                .isEqualTo("tern call: --tls-cert without --tls-key (expected: both, the certificate chain and its"
                        + " private key) (see 'tern call --help')");
        CliRun missing = CliRun.of("call", "dubbo://127.0.0.1:1/x.Y", "m", "--tls-trust", "/no/such.pem");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.errorLines()).singleElement().asString()
                .isEqualTo("tern call: --tls-trust /no/such.pem: no such readable file (expected: a PEM file) (see 'tern call --help')");
        CliRun mode = CliRun.of("serve", "--port", "0", "--tls-mode", "sometimes");
        assertThat(mode.exit()).isEqualTo(2);
        assertThat(mode.errorLines()).singleElement().asString()
                .isEqualTo("tern serve: --tls-mode sometimes (expected: required or permissive) (see 'tern serve --help')");
        CliRun trustOnly = CliRun.of("serve", "--port", "0", "--tls-trust", "/no/such.pem");
        assertThat(trustOnly.exit()).isEqualTo(2);
        assertThat(trustOnly.errorLines()).singleElement().asString().startsWith("tern serve: --tls-trust or");
    }

    private static CliRun run(String[] tls, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(tls));
        return CliRun.of(all.toArray(String[]::new));
    }
}
