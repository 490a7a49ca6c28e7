package io.tern.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tern.core.lifecycle.ResourceKind;
import io.tern.testing.TernCleanup;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The live console in a real browser: Debian's Chromium, headless, driven through ChromeDriver's
 * WebDriver protocol, against a server with traffic and two override rules in its config center
 * (the embedded ZooKeeper), one refused. Asserts on the rendered page and saves a screenshot
 * under the test's output ({@code target/surefire-reports/console.png}).
 */
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @RegisterExtension
    final TernCleanup cleanup = new TernCleanup();

    public interface Echo {
        String echo(String text);
    }

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theConsoleShowsServicesRatesAndTheTracker() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium (.ci/run installs it)").exists();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver (.ci/run installs it)").exists();
        // the embedded ZooKeeper, the default on one machine: it is the config center too, whose rules the console shows
        int zookeeperPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            zookeeperPort = socket.getLocalPort();
        }
        String registry = "embedded://127.0.0.1:" + zookeeperPort + "?file-cache=false";
        TernServer server = cleanup.register(Tern.server().application("console-demo").registry(registry).ops(0)
                .service(Echo.class, t -> t).start());
        org.apache.curator.framework.CuratorFramework raw = cleanup.register(org.apache.curator.framework
                .CuratorFrameworkFactory.newClient("127.0.0.1:" + zookeeperPort,
                        new org.apache.curator.retry.RetryOneTime(100)));
        raw.start();
        io.tern.testing.ZooKeeperNodes.write(raw, "/dubbo/config/dubbo/console-demo.configurators", """
                configVersion: v3.0
                scope: application
                key: console-demo
                configs:
                  - side: provider
                    addresses: ["127.0.0.1:%d"]
                    parameters: {weight: 50}
                """.formatted(server.port()));
        io.tern.testing.ZooKeeperNodes.write(raw, "/dubbo/config/dubbo/" + Echo.class.getName() + "::.configurators",
                "configs: [oops\n");
        TernClient client = cleanup.register(Tern.client().registry(registry).build());
        Echo echo = client.reference(Echo.class).get();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread traffic = new Thread(() -> {
            while (running.get()) {
                echo.echo("load");
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "console-traffic");
        traffic.start();

        int driverPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            driverPort = socket.getLocalPort();
        }
        Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + driverPort, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String base = "http://127.0.0.1:" + driverPort;
        String session = null;
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(base + "/status").contains("ready"));
            String created = post(base + "/session", "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"chrome\","
                    + "\"goog:chromeOptions\":{\"binary\":\"" + CHROMIUM + "\",\"args\":[\"--headless=new\","
                    + "\"--no-sandbox\",\"--disable-gpu\",\"--window-size=1100,900\"]}}}}");
            Matcher id = Pattern.compile("\"sessionId\"\\s*:\\s*\"([^\"]+)\"").matcher(created);
            assertThat(id.find()).as(created).isTrue();
            session = base + "/session/" + id.group(1);
            String page0 = session;
            post(session + "/url", "{\"url\":\"" + server.ops().uri() + "/\"}");

            // A rate needs two scrapes a second apart: wait for a non-zero one in the rendered table.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                String rate = script(page0, "var td = document.querySelector('#methods td.rate');"
                        + " return td ? td.textContent : '';");
                return !rate.isEmpty() && Double.parseDouble(rate) > 0;
            });
            // A few more refreshes, so the screenshot's rate chart has a line to show.
            await().atMost(Duration.ofSeconds(30)).until(() -> Integer.parseInt(script(page0, "var p = document"
                    + ".querySelector('#methods polyline'); return String(p ? p.getAttribute('points').split(' ')"
                    + ".length : 0);")) >= 6);
            await().atMost(Duration.ofSeconds(30)).until(() -> script(page0, "return String(document"
                    + ".querySelectorAll('#rules tbody tr').length) + ' ' + String(document"
                    + ".querySelectorAll('#rules tr.refused').length);").equals("2 1"));
            String page = script(session, "return document.body.innerText;");
            assertThat(page).as("the rules, in force and refused").contains("console-demo.configurators")
                    .contains("1 override").contains("refused: override rule: not YAML at line");
            assertThat(page).contains(Echo.class.getName()).contains("online").contains("take offline")
                    .contains("provider").contains(Echo.class.getName() + "#echo").contains("Lifecycle tracker")
                    .contains("exporter").contains("ready");
            assertThat(script(session, "return document.querySelector('#methods td.p99').textContent;"))
                    .matches("\\d+ µs|\\d+\\.\\d+ ms");
            assertThat(script(session, "return [0.34, 0.0004, 2.5, 12.34].map(latency).join('|');"))
                    .as("below a millisecond in µs").isEqualTo("340 µs|0 µs|2.50 ms|12.3 ms");
            assertThat(script(session, "return ['#methods th:nth-child(3)', '#methods td.rate', '#lifecycle th:nth-child(2)',"
                    + " '#lifecycle td:nth-child(2)'].map(q => getComputedStyle(document.querySelector(q)).textAlign)"
                    + ".join(' ');")).as("numbers and their headings right-aligned").isEqualTo("right right right right");
            assertThat(script(session, "return document.querySelector('#services td:nth-child(2)').textContent;"))
                    .as("the protocol of the export").isEqualTo("dubbo");
            assertThat(script(session, "return String(document.querySelectorAll('#lifecycle tbody tr').length);"))
                    .as("a row per kind of resource").isEqualTo(String.valueOf(ResourceKind.values().length));

            String shot = get(session + "/screenshot");
            Matcher png = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]+)\"").matcher(shot);
            assertThat(png.find()).isTrue();
            Path out = Path.of("target", "surefire-reports", "console.png");
            Files.createDirectories(out.getParent());
            Files.write(out, Base64.getDecoder().decode(png.group(1)));
            assertThat(Files.size(out)).isPositive();

            // The page's own buttons change state: a POST from the endpoint's own origin. The traffic
            // stops first: offline, the service has no provider for the client.
            running.set(false);
            traffic.join(5_000);
            String click = "window.confirm = function() { return true; };"
                    + " document.querySelector('#services button').click(); return '';";
            script(page0, click);
            await().atMost(Duration.ofSeconds(30)).until(() -> script(page0,
                    "return document.querySelector('#services button').textContent;").equals("bring online"));
            script(page0, click);
            await().atMost(Duration.ofSeconds(30)).until(() -> script(page0,
                    "return document.querySelector('#services button').textContent;").equals("take offline"));
        } finally {
            running.set(false);
            traffic.join(5_000);
            if (session != null) {
                http.send(HttpRequest.newBuilder(URI.create(session)).DELETE().build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            driver.destroy();
            driver.waitFor();
        }
    }

    /** Runs a script in the page; its string result. */
    private String script(String session, String body) throws Exception {
        String answer = post(session + "/execute/sync", "{\"script\":\"" + body.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"args\":[]}");
        // read as JSON: a regular expression over a whole page's text overflows the stack
        com.fasterxml.jackson.databind.JsonNode value = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer)
                .path("value");
        return value.isTextual() ? value.asText() : "";
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private String post(String url, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
